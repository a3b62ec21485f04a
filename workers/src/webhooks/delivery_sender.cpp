#include "webhooks/delivery_sender.hpp"

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <chrono>

#include "ims/infra/pg.hpp"
#include "webhooks/handlers.hpp"

namespace ims::workers::webhooks {

struct DeliverySender::Meters {
  prometheus::Counter& delivered;
  prometheus::Counter& retried;
  prometheus::Counter& failed;

  static std::shared_ptr<Meters> of(infra::Metrics& metrics) {
    auto& family = prometheus::BuildCounter()
                       .Name("ims_webhook_attempts_total")
                       .Help(
                           "Webhook delivery attempts by outcome: delivered, retry (tried again later), "
                           "failed (the retry window closed; the webhook is disabled)")
                       .Register(metrics.registry());
    return std::make_shared<Meters>(Meters{family.Add({{"outcome", "delivered"}}),
                                           family.Add({{"outcome", "retry"}}),
                                           family.Add({{"outcome", "failed"}})});
  }
};

DeliverySender::DeliverySender(const infra::Config& config, infra::Log log, infra::Metrics& metrics)
    : settings_(settings_from(config)),
      log_(log),
      meters_(Meters::of(metrics)),
      poster_(std::make_unique<infra::CurlWebhookPoster>(client_settings_from(config))),
      random_(std::random_device{}()),
      loop_(std::move(log), "webhook sender", config.webhook_senders,
            [this, sessions = &metrics.db_sessions(), url = config.database_url] {
              return pass(url, sessions);
            }) {}

double DeliverySender::jitter() {
  std::lock_guard lock(random_mutex_);
  return std::uniform_real_distribution<double>(0.0, 1.0)(random_);
}

// Posts what is due, one delivery per transaction, then looks again in a quarter of a second: due
// rows are few and indexed, so polling costs nothing and needs no listener.
BackgroundLoop::Pass DeliverySender::pass(const std::string& database_url, infra::DbSessionMeters* sessions) {
  auto db = std::make_shared<infra::PgSession>(database_url, infra::PreparedStatements{}, sessions);
  const SendClock clock{
      [] {
        return static_cast<long long>(std::chrono::duration_cast<std::chrono::seconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
      },
      [this] { return jitter(); }};
  return [this, db, clock](const std::atomic<bool>& stopping) {
    while (!stopping) {
      const auto result = db->transact([&](pqxx::work& txn) {
        infra::PgDeliveryQueue queue(txn);
        return send_next_delivery(queue, *poster_, settings_, clock);
      });
      if (result == AttemptResult::none_due) break;
      if (result == AttemptResult::delivered) meters_->delivered.Increment();
      if (result == AttemptResult::retry_later) meters_->retried.Increment();
      if (result == AttemptResult::failed) {
        meters_->failed.Increment();
        log_.warn("webhook delivery failed; its webhook is disabled");
      }
    }
    return std::chrono::milliseconds(250);
  };
}

}  // namespace ims::workers::webhooks
