#pragma once
// An ims-api of a test's own on another port, with settings of its own (limits small enough to
// reach in a test), sharing the test stack's PostgreSQL, RabbitMQ and Redis. Killed on destruction.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.hpp"

extern char** environ;

namespace ims::test {

class PrivateApi {
 public:
  PrivateApi(const std::string& binary, int port, std::map<std::string, std::string> settings)
      : url_("http://127.0.0.1:" + std::to_string(port)) {
    settings["IMS_HTTP_PORT"] = std::to_string(port);
    if (!settings.count("IMS_LOG_LEVEL")) settings["IMS_LOG_LEVEL"] = "warn";
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) {
      std::string kv = *e;
      if (!settings.count(kv.substr(0, kv.find('=')))) env.push_back(kv);
    }
    for (const auto& [k, v] : settings) env.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& s : env) envp.push_back(s.data());
    envp.push_back(nullptr);
    char* argv[] = {const_cast<char*>(binary.c_str()), nullptr};
    if (posix_spawn(&pid_, binary.c_str(), nullptr, nullptr, argv, envp.data()) != 0) pid_ = -1;
    wait_ready();
  }
  ~PrivateApi() { stop(SIGTERM); }
  PrivateApi(const PrivateApi&) = delete;
  PrivateApi& operator=(const PrivateApi&) = delete;

  const std::string& url() const { return url_; }
  // Started and answered /ready.
  bool running() const { return pid_ > 0 && ready_; }
  // SIGKILL: the process dies wherever it is, as in a crash.
  void kill_hard() { stop(SIGKILL); }

 private:
  void wait_ready() {
    for (int i = 0; i < 200 && pid_ > 0; ++i) {
      if (http("GET", url_ + "/ready", "", {{}, "", 1000}).status == 200) {
        ready_ = true;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  void stop(int signal) {
    if (pid_ > 0) {
      ::kill(pid_, signal);
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }

  pid_t pid_ = -1;
  bool ready_ = false;
  std::string url_;
};

}  // namespace ims::test
