#pragma once
// Threads of a worker that work after commit (the alerts worker's email sender, the webhooks
// worker's delivery senders, the reports worker's pruner): each repeats a pass until the process
// stops, waits between passes (woken early by stop), and after an exception — the database went
// away — logs it and waits before the next pass. Declare it last in its owner, so it stops and
// joins before anything its passes use is destroyed.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ims/infra/log.hpp"

namespace ims::workers {

class BackgroundLoop {
 public:
  // One pass: does what is due and returns how long to wait before the next. `stopping` tells a
  // long pass to finish early.
  using Pass = std::function<std::chrono::milliseconds(const std::atomic<bool>& stopping)>;
  // Called once on each thread, so every thread has its own state (its database session).
  using PassFactory = std::function<Pass()>;

  BackgroundLoop(infra::Log log, std::string what, int threads, const PassFactory& factory,
                 std::chrono::milliseconds retry = std::chrono::milliseconds(2000))
      : log_(std::move(log)), what_(std::move(what)), retry_(retry) {
    for (int i = 0; i < std::max(1, threads); ++i) threads_.emplace_back([this, factory] { run(factory()); });
  }
  ~BackgroundLoop() {
    stopping_ = true;
    wake_.notify_all();
    for (auto& t : threads_)
      if (t.joinable()) t.join();
  }
  BackgroundLoop(const BackgroundLoop&) = delete;
  BackgroundLoop& operator=(const BackgroundLoop&) = delete;

 private:
  void run(const Pass& pass) {
    while (!stopping_) {
      std::chrono::milliseconds wait = retry_;
      try {
        wait = pass(stopping_);
      } catch (const std::exception& e) {
        log_.warn(what_ + ": database unavailable; retrying", {{"error", e.what()}});
      }
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, wait, [this] { return stopping_.load(); });
    }
  }

  infra::Log log_;
  std::string what_;
  std::chrono::milliseconds retry_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<std::thread> threads_;  // last: started once everything above exists
};

}  // namespace ims::workers
