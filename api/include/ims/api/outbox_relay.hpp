#pragma once
// The outbox relay (DESIGN §4): claims unpublished events with FOR UPDATE SKIP LOCKED (so several
// ims-api replicas can run it), publishes them persistent with publisher confirms, marks them
// published in the same transaction. Woken by LISTEN/NOTIFY, polling as a fallback; reconnects to
// PostgreSQL and RabbitMQ with backoff. Published rows are pruned by the scheduler's prune job.
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "ims/infra/config.hpp"
#include "ims/infra/log.hpp"
#include "ims/infra/metrics.hpp"

namespace ims::api {

class OutboxRelay {
 public:
  OutboxRelay(const infra::Config& config, infra::Log log, infra::Metrics& metrics);
  ~OutboxRelay();
  OutboxRelay(const OutboxRelay&) = delete;
  OutboxRelay& operator=(const OutboxRelay&) = delete;

  void start();
  void stop();

 private:
  struct State;
  void run();
  void connect();  // the database (with its LISTEN) and the broker (with confirms), when not yet up
  // Publishes up to a batch of unpublished rows and marks them published once confirmed; returns how many.
  std::size_t relay_round();
  void pause(std::chrono::milliseconds d);

  const infra::Config& config_;
  infra::Log log_;
  std::unique_ptr<State> state_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable cv_;
  std::thread thread_;
};

}  // namespace ims::api
