#pragma once
// The alerts worker's use cases: raise (open once, refresh after), clear, and send the emails an
// alert queued. Each works through the stores it is given, inside the caller's transaction.
#include <cstdint>
#include <string>
#include <vector>

#include "ims/domain/alert_email.hpp"
#include "ims/infra/alert_store.hpp"
#include "ims/infra/mailer.hpp"

namespace ims::workers::alerts {

struct AlertSettings {
  std::string dashboard_url;
  int smtp_max_attempts = 24;
  std::int64_t smtp_retry_base_ms = 2000;
};

struct RaiseResult {
  std::int64_t alert_id = 0;
  bool opened = false;  // a new alert (and its emails); false: the open one was refreshed
  int emails = 0;
};

// One open alert per key: a condition reported while its alert is open refreshes it (no second
// row, no second email); otherwise a new alert opens and one email per recipient is queued.
// `facts` carries the event's figures; the product and place are filled in here.
RaiseResult raise_alert(infra::AlertStore& store, const infra::RaisedAlert& alert,
                        domain::AlertEmailFacts facts, const AlertSettings& settings);

// The condition cleared: its open alert (if any) closes.
bool clear_alert(infra::AlertStore& store, const domain::AlertKey& key, const std::string& event_id,
                 const std::string& occurred_at, const std::string& reason);

// The subject (a request) is settled: its open alert of that kind closes.
bool clear_subject(infra::AlertStore& store, const std::string& kind, const std::string& subject,
                   const std::string& event_id, const std::string& reason);

// An inventory check finished: open alerts of `kinds` it did not see, raised before it looked, close.
std::vector<std::int64_t> clear_unseen(infra::AlertStore& store, const std::vector<std::string>& kinds,
                                       const std::vector<domain::AlertKey>& seen,
                                       const std::string& checked_at, const std::string& event_id);

enum class EmailAttempt { none_due, sent, retry_later, gave_up };

// Sends the next due email, if any, and records the outcome on its row.
EmailAttempt send_next_email(infra::EmailQueue& queue, infra::Mailer& mailer, const AlertSettings& settings);

// Quantities in event data are JSON numbers; emails show them as exact decimals ("12.5").
std::string decimal(double value);

}  // namespace ims::workers::alerts
