#pragma once
// An ims-api of a test's own on another port, with settings of its own (limits small enough to
// reach in a test), sharing the test stack's PostgreSQL, RabbitMQ and Redis. Killed on destruction.
// spawn_with starts any other binary of the test's the same way.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.hpp"

extern char** environ;

namespace ims::test {

// The test's own environment with `settings` in place of the variables of the same names.
inline std::vector<std::string> environment_with(const std::map<std::string, std::string>& settings) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    if (!settings.count(kv.substr(0, kv.find('=')))) env.push_back(kv);
  }
  for (const auto& [k, v] : settings) env.push_back(k + "=" + v);
  return env;
}

// Starts `binary` with `args` in environment_with(settings), its standard output thrown away when
// `quiet`; returns its pid, or -1 when it could not be started.
inline pid_t spawn_with(const std::string& binary, std::vector<std::string> args,
                        const std::map<std::string, std::string>& settings, bool quiet = false) {
  auto env = environment_with(settings);
  std::vector<char*> envp;
  for (auto& s : env) envp.push_back(s.data());
  envp.push_back(nullptr);
  args.insert(args.begin(), binary);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  if (quiet) posix_spawn_file_actions_addopen(&files, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  if (posix_spawn(&pid, binary.c_str(), &files, nullptr, argv.data(), envp.data()) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&files);
  return pid;
}

class PrivateApi {
 public:
  PrivateApi(const std::string& binary, int port, std::map<std::string, std::string> settings)
      : url_("http://127.0.0.1:" + std::to_string(port)) {
    settings["IMS_HTTP_PORT"] = std::to_string(port);
    if (!settings.count("IMS_LOG_LEVEL")) settings["IMS_LOG_LEVEL"] = "warn";
    pid_ = spawn_with(binary, {}, settings);
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
