#pragma once
// A bounded pool of handler threads. Each thread owns its Resources (a PostgreSQL session and a
// Redis client), so handlers never share a connection. When every thread is busy and the queue is
// full, try_submit refuses at once and the caller answers 503 instead of queueing without limit.
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace ims::api {

template <typename Resources>
class BoundedExecutor {
 public:
  using Task = std::function<void(Resources&)>;
  using Factory = std::function<std::unique_ptr<Resources>()>;

  BoundedExecutor(int threads, std::size_t queue_limit, Factory factory)
      : limit_(queue_limit), factory_(std::move(factory)) {
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
  }
  ~BoundedExecutor() { stop(); }
  BoundedExecutor(const BoundedExecutor&) = delete;
  BoundedExecutor& operator=(const BoundedExecutor&) = delete;

  bool try_submit(Task task) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_ || queue_.size() >= limit_) return false;
      queue_.push_back(std::move(task));
    }
    cv_.notify_one();
    return true;
  }

  std::size_t queue_depth() const {
    std::lock_guard lock(mutex_);
    return queue_.size();
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
      Task task;
      {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;
        task = std::move(queue_.front());
        queue_.pop_front();
      }
      task(*resources);
    }
  }

  const std::size_t limit_;
  Factory factory_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Task> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace ims::api
