#include "alerts/email_sender.hpp"

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include "alerts/handlers.hpp"
#include "ims/infra/errors.hpp"
#include "ims/infra/pg.hpp"

namespace ims::workers::alerts {

struct EmailSender::Meters {
  prometheus::Counter& sent;
  prometheus::Counter& retried;
  prometheus::Counter& failed;
};

EmailSender::EmailSender(const infra::Config& config, infra::Log log, infra::Metrics& metrics)
    : config_(config),
      settings_(settings_from(config)),
      log_(std::move(log)),
      mailer_(std::make_unique<infra::SmtpMailer>(infra::smtp_settings(config))) {
  auto& family = prometheus::BuildCounter()
                     .Name("ims_emails_total")
                     .Help(
                         "Emails (alerts, nightly report links) by outcome: sent, retry (a transient "
                         "failure, tried again later), "
                         "failed (given up)")
                     .Register(metrics.registry());
  meters_.reset(new Meters{family.Add({{"outcome", "sent"}}), family.Add({{"outcome", "retry"}}),
                           family.Add({{"outcome", "failed"}})});
  thread_ = std::thread([this] { run(); });
}

EmailSender::~EmailSender() {
  stopping_ = true;
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void EmailSender::run() {
  infra::PgSession db(config_.database_url);
  auto pause = [this](std::chrono::milliseconds d) {
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, d, [this] { return stopping_.load(); });
  };
  while (!stopping_) {
    try {
      for (;;) {
        if (stopping_) return;
        const auto attempt = db.transact([&](pqxx::work& txn) {
          infra::PgEmailQueue queue(txn);
          return send_next_email(queue, *mailer_, settings_);
        });
        if (attempt == EmailAttempt::none_due) break;
        if (attempt == EmailAttempt::sent) meters_->sent.Increment();
        if (attempt == EmailAttempt::retry_later) meters_->retried.Increment();
        if (attempt == EmailAttempt::gave_up) meters_->failed.Increment();
      }
    } catch (const std::exception& e) {
      log_.warn("email sender: database unavailable; retrying", {{"error", e.what()}});
      pause(std::chrono::milliseconds(2000));
      continue;
    }
    // Queued rows are few and indexed: looking twice a second costs nothing and needs no listener.
    pause(std::chrono::milliseconds(500));
  }
}

}  // namespace ims::workers::alerts
