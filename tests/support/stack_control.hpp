#pragma once
// Stopping, killing and starting parts of the running stack from a test, as scripts/stack and
// scripts/lib/processes.sh do: IMS processes by their pid files under $IMS_DATA_DIR/pids (so the
// suite's cleanup stops whatever a test started), services through scripts/stack.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.hpp"

extern char** environ;

namespace ims::test {

inline std::string pid_file(const std::string& process) {
  return env_or("IMS_DATA_DIR", "") + "/pids/" + process + ".pid";
}

// The pid an IMS process (ims-api, ims-worker-stock, …) was recorded with; 0 if none.
inline pid_t recorded_pid(const std::string& process) {
  std::ifstream in(pid_file(process));
  pid_t pid = 0;
  in >> pid;
  return pid;
}

inline bool alive(pid_t pid) {
  if (pid <= 0) return false;
  waitpid(pid, nullptr, WNOHANG);  // reaps it if it was ours
  return ::kill(pid, 0) == 0;
}

// Starts `binary args…` with this environment plus `extra` ("NAME=value", replacing the same
// name), logging to logs/<process>.log and recording it as <process>.pid. Returns its pid.
inline pid_t spawn_process(const std::string& process, const std::string& binary,
                           const std::vector<std::string>& args, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    const std::string entry(*e);
    bool replaced = false;
    for (const auto& x : extra) replaced = replaced || entry.rfind(x.substr(0, x.find('=') + 1), 0) == 0;
    if (!replaced) env.push_back(entry);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  std::vector<char*> envp;
  envp.reserve(env.size() + 1);
  for (auto& s : env) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_text{binary};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  argv.reserve(argv_text.size() + 1);
  for (auto& s : argv_text) argv.push_back(s.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  const auto log = env_or("IMS_DATA_DIR", "/tmp") + "/logs/" + process + ".log";
  posix_spawn_file_actions_addopen(&files, 1, log.c_str(), O_WRONLY | O_APPEND | O_CREAT, 0644);
  posix_spawn_file_actions_adddup2(&files, 1, 2);
  pid_t pid = -1;
  posix_spawn(&pid, binary.c_str(), &files, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&files);
  std::ofstream(pid_file(process)) << pid;
  return pid;
}

// A worker of `role` as scripts/lib/processes.sh starts it (metrics on its port of the base).
inline pid_t spawn_worker(const std::string& role, const std::string& binary, int metrics_offset,
                          const std::string& process_name = "") {
  return spawn_process(
      process_name.empty() ? "ims-worker-" + role : process_name, binary, {"--role", role},
      {"IMS_METRICS_PORT=" +
       std::to_string(std::stoi(env_or("IMS_METRICS_PORT_BASE", "30100")) + metrics_offset)});
}

// Sends `signal` and waits up to `limit` for the process to be gone; whether it went.
inline bool signal_and_wait(pid_t pid, int signal, std::chrono::seconds limit) {
  if (pid <= 0 || ::kill(pid, signal) != 0) return false;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (alive(pid) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  return !alive(pid);
}

// scripts/stack VERB SERVICE (start, stop); its exit status.
inline int stack_service(const std::string& source_dir, const std::string& verb, const std::string& service) {
  return std::system((source_dir + "/scripts/stack " + verb + " " + service + " >/dev/null 2>&1").c_str());
}

}  // namespace ims::test
