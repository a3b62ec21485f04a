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

  static std::shared_ptr<Meters> of(infra::Metrics& metrics) {
    auto& family = prometheus::BuildCounter()
                       .Name("ims_emails_total")
                       .Help(
                           "Emails (alerts, nightly report links) by outcome: sent, retry (a transient "
                           "failure, tried again "
                           "later), failed (given up)")
                       .Register(metrics.registry());
    return std::make_shared<Meters>(Meters{family.Add({{"outcome", "sent"}}),
                                           family.Add({{"outcome", "retry"}}),
                                           family.Add({{"outcome", "failed"}})});
  }
};

EmailSender::EmailSender(const infra::Config& config, infra::Log log, infra::Metrics& metrics)
    : settings_(settings_from(config)),
      meters_(Meters::of(metrics)),
      mailer_(std::make_unique<infra::SmtpMailer>(infra::smtp_settings(config))),
      loop_(std::move(log), "email sender", 1,
            [this, sessions = &metrics.db_sessions(), url = config.database_url] {
              return pass(url, sessions);
            }) {}

// Sends what is due, one row per transaction, then looks again in half a second: queued rows are
// few and indexed, so polling costs nothing and needs no listener.
BackgroundLoop::Pass EmailSender::pass(const std::string& database_url, infra::DbSessionMeters* sessions) {
  auto db = std::make_shared<infra::PgSession>(database_url, infra::PreparedStatements{}, sessions);
  return [this, db](const std::atomic<bool>& stopping) {
    while (!stopping) {
      const auto attempt = db->transact([&](pqxx::work& txn) {
        infra::PgEmailQueue queue(txn);
        return send_next_email(queue, *mailer_, settings_);
      });
      if (attempt == EmailAttempt::none_due) break;
      if (attempt == EmailAttempt::sent) meters_->sent.Increment();
      if (attempt == EmailAttempt::retry_later) meters_->retried.Increment();
      if (attempt == EmailAttempt::gave_up) meters_->failed.Increment();
    }
    return std::chrono::milliseconds(500);
  };
}

}  // namespace ims::workers::alerts
