#include "webhooks/delivery_sender.hpp"

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <algorithm>
#include <chrono>

#include "ims/infra/pg.hpp"
#include "webhooks/handlers.hpp"

namespace ims::workers::webhooks {

struct DeliverySender::Meters {
  prometheus::Counter& delivered;
  prometheus::Counter& retried;
  prometheus::Counter& failed;
};

DeliverySender::DeliverySender(const infra::Config& config, infra::Log log, infra::Metrics& metrics)
    : config_(config),
      settings_(settings_from(config)),
      log_(std::move(log)),
      poster_(std::make_unique<infra::CurlWebhookPoster>(client_settings_from(config))),
      random_(std::random_device{}()) {
  auto& family = prometheus::BuildCounter()
                     .Name("ims_webhook_attempts_total")
                     .Help("Webhook delivery attempts by outcome: delivered, retry (tried again later), "
                           "failed (the retry window closed; the webhook is disabled)")
                     .Register(metrics.registry());
  meters_.reset(new Meters{family.Add({{"outcome", "delivered"}}), family.Add({{"outcome", "retry"}}),
                           family.Add({{"outcome", "failed"}})});
  for (int i = 0; i < std::max(1, config.webhook_senders); ++i) threads_.emplace_back([this] { run(); });
}

DeliverySender::~DeliverySender() {
  stopping_ = true;
  wake_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
}

void DeliverySender::run() {
  infra::PgSession db(config_.database_url);
  auto pause = [this](std::chrono::milliseconds d) {
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, d, [this] { return stopping_.load(); });
  };
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const SendClock clock{[] {
                          return static_cast<long long>(std::chrono::duration_cast<std::chrono::seconds>(
                                                            std::chrono::system_clock::now().time_since_epoch())
                                                            .count());
                        },
                        [this, &unit] {
                          std::lock_guard lock(random_mutex_);
                          return unit(random_);
                        }};
  while (!stopping_) {
    try {
      for (;;) {
        if (stopping_) return;
        const auto result = db.transact([&](pqxx::work& txn) {
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
    } catch (const std::exception& e) {
      log_.warn("webhook sender: database unavailable; retrying", {{"error", e.what()}});
      pause(std::chrono::milliseconds(2000));
      continue;
    }
    // Due rows are few and indexed: looking four times a second costs nothing and needs no listener.
    pause(std::chrono::milliseconds(250));
  }
}

}  // namespace ims::workers::webhooks
