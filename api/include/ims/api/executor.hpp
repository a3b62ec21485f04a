#pragma once
// A bounded pool of handler threads. Each thread owns its Resources (a PostgreSQL session and a
// Redis client), so handlers never share a connection. When every thread is busy and the queue is
// full, try_submit refuses at once and the caller answers 503 instead of queueing without limit.
// A task that waited longer than max_wait for a thread is not run either: its `shed` runs instead
// (the caller answers 503); and while the queue's oldest task has waited that long, a new sheddable
// task is refused on arrival. So under overload the requests that are served keep their latency
// and the rest are told at once to come back, rather than everyone waiting for the whole queue.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "ims/api/admission.hpp"

namespace ims::api {

template <typename Resources>
class BoundedExecutor {
 public:
  using Task = std::function<void(Resources&)>;
  using Factory = std::function<std::unique_ptr<Resources>()>;

  using Shed = std::function<void()>;

  // max_wait 0: a queued task always runs. latency_target 0: no adaptive limit on sheddable tasks
  // in flight (AdmissionLimit), only the queue's.
  BoundedExecutor(int threads, std::size_t queue_limit, Factory factory,
                  std::chrono::milliseconds max_wait = std::chrono::milliseconds(0),
                  std::chrono::microseconds latency_target = std::chrono::microseconds(0))
      : limit_(queue_limit),
        max_wait_(max_wait),
        admission_(latency_target, 2, threads, threads + static_cast<int>(queue_limit)),
        factory_(std::move(factory)) {
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
  }
  ~BoundedExecutor() { stop(); }
  BoundedExecutor(const BoundedExecutor&) = delete;
  BoundedExecutor& operator=(const BoundedExecutor&) = delete;

  bool try_submit(Task task, Shed shed = {}) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_ || queue_.size() >= limit_) return false;
      const auto now = std::chrono::steady_clock::now();
      // The queue is standing: its oldest task has waited past max_wait already, and this one would
      // wait behind it. Refused now rather than after waiting as long (tasks without a shed, such
      // as health checks, still queue).
      if (shed && max_wait_.count() > 0 && !queue_.empty() && now - queue_.front().queued_at > max_wait_)
        return false;
      if (shed && admission_.adaptive()) {
        if (!admission_.admit(in_flight_)) return false;
        ++in_flight_;
      }
      queue_.push_back({std::move(task), std::move(shed), now});
    }
    cv_.notify_one();
    return true;
  }

  std::size_t queue_depth() const {
    std::lock_guard lock(mutex_);
    return queue_.size();
  }
  // The queue's depth and how many sheddable tasks may be in flight now, read together.
  struct Load {
    std::size_t queue_depth;
    int admission_limit;
  };
  Load load() const {
    std::lock_guard lock(mutex_);
    return {queue_.size(), admission_.limit()};
  }

  // Finishes the tasks already queued, then joins.
  void stop() {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      stopping_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
  }

 private:
  void run() {
    auto resources = factory_();
    for (;;) {
      Queued next;
      {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;
        next = std::move(queue_.front());
        queue_.pop_front();
      }
      const bool too_late =
          max_wait_.count() > 0 && next.shed && std::chrono::steady_clock::now() - next.queued_at > max_wait_;
      if (too_late) {
        next.shed();
      } else {
        next.task(*resources);
      }
      if (next.shed && admission_.adaptive()) {
        const auto took = std::chrono::duration_cast<std::chrono::microseconds>(
            std::chrono::steady_clock::now() - next.queued_at);
        std::lock_guard lock(mutex_);
        --in_flight_;
        admission_.finished(took);  // one shed counts as slow: it waited past max_wait
      }
    }
  }

  struct Queued {
    Task task;
    Shed shed;
    std::chrono::steady_clock::time_point queued_at;
  };

  const std::size_t limit_;
  const std::chrono::milliseconds max_wait_;
  AdmissionLimit admission_;  // guarded by mutex_
  int in_flight_ = 0;         // sheddable tasks queued or running
  Factory factory_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Queued> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace ims::api
