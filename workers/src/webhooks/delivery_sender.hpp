#pragma once
// The webhooks worker's sender: threads of their own (IMS_WEBHOOK_SENDERS) that post due deliveries after the
// transactions that queued them committed, each claimed with a row lock (SKIP LOCKED: two workers
// never post one delivery at once), and records every attempt. A crash between posting and
// recording posts that one again (at least once); the webhook-id stays the same, so receivers dedupe.
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "ims/infra/config.hpp"
#include "ims/infra/log.hpp"
#include "ims/infra/metrics.hpp"
#include "webhooks/use_cases.hpp"

namespace ims::workers::webhooks {

class DeliverySender {
 public:
  DeliverySender(const infra::Config& config, infra::Log log, infra::Metrics& metrics);
  ~DeliverySender();  // stops and joins
  DeliverySender(const DeliverySender&) = delete;
  DeliverySender& operator=(const DeliverySender&) = delete;

 private:
  void run();
  struct Meters;
  const infra::Config& config_;
  WebhookSettings settings_;
  infra::Log log_;
  std::unique_ptr<Meters> meters_;
  std::unique_ptr<infra::WebhookPoster> poster_;
  std::mutex random_mutex_;
  std::mt19937_64 random_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<std::thread> threads_;
};

}  // namespace ims::workers::webhooks
