#pragma once
// The webhooks worker's sender: threads of their own (IMS_WEBHOOK_SENDERS) that post due deliveries after the
// transactions that queued them committed, each claimed with a row lock (SKIP LOCKED: two workers
// never post one delivery at once), and records every attempt. A crash between posting and
// recording posts that one again (at least once); the webhook-id stays the same, so receivers dedupe.
#include <memory>
#include <mutex>
#include <random>
#include <string>

#include "background.hpp"
#include "ims/infra/config.hpp"
#include "ims/infra/log.hpp"
#include "ims/infra/metrics.hpp"
#include "webhooks/use_cases.hpp"

namespace ims::workers::webhooks {

class DeliverySender {
 public:
  DeliverySender(const infra::Config& config, infra::Log log, infra::Metrics& metrics);
  DeliverySender(const DeliverySender&) = delete;
  DeliverySender& operator=(const DeliverySender&) = delete;

 private:
  struct Meters;
  BackgroundLoop::Pass pass(const std::string& database_url, infra::DbSessionMeters* sessions);
  double jitter();  // uniform in [0, 1), shared by the sender threads
  WebhookSettings settings_;
  infra::Log log_;
  std::shared_ptr<Meters> meters_;
  std::unique_ptr<infra::WebhookPoster> poster_;
  std::mutex random_mutex_;
  std::mt19937_64 random_;
  BackgroundLoop loop_;  // last: stops and joins first
};

}  // namespace ims::workers::webhooks
