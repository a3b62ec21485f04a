#include "alerts/use_cases.hpp"

#include "ims/domain/stock.hpp"

namespace ims::workers::alerts {

std::string decimal(double value) {
  auto q = domain::Quantity::from_double(value);
  return q ? q->to_string() : std::to_string(value);
}

RaiseResult raise_alert(infra::AlertStore& store, const infra::RaisedAlert& alert,
                        domain::AlertEmailFacts facts, const AlertSettings& settings) {
  const auto place = store.place(alert.key.product_id, alert.key.location_id);
  facts.kind = alert.key.kind;
  facts.severity = alert.severity;
  facts.product_sku = place.product_sku;
  facts.product_name = place.product_name;
  facts.unit = place.unit;
  facts.location_code = place.location_code;
  facts.location_name = place.location_name;
  facts.dashboard_url = settings.dashboard_url;
  auto row = alert;
  if (row.message.empty()) {
    row.message = domain::render_alert_email(facts).subject;
    if (row.message.rfind("[IMS] ", 0) == 0) row.message.erase(0, 6);
  }
  // Reported again while open: the newer figures, no new alert, no email.
  if (auto open = store.lock_open(alert.key)) return {store.refresh(open->id, row).id, false, 0};
  auto opened = store.open(row);
  if (!opened) {  // a concurrent transaction opened it first: this report refreshes that one
    auto other = store.lock_open(alert.key);
    return {other ? store.refresh(other->id, row).id : 0, false, 0};
  }
  facts.alert_id = opened->id;
  const auto email = domain::render_alert_email(facts);
  RaiseResult result{opened->id, true, 0};
  for (const auto& to : store.recipients(alert.key.location_id,
                                         domain::tells_manufacturers(alert.key.kind, place.location_kind))) {
    store.queue_email(
        {opened->id, to.user_id, to.email, email.subject, email.text, email.html,
         "<alert-" + std::to_string(opened->id) + "-user-" + std::to_string(to.user_id) + "@ims>"});
    ++result.emails;
  }
  return result;
}

bool clear_alert(infra::AlertStore& store, const domain::AlertKey& key, const std::string& event_id,
                 const std::string& occurred_at, const std::string& reason) {
  return store.close(key, event_id, occurred_at, reason) > 0;
}

bool clear_subject(infra::AlertStore& store, const std::string& kind, const std::string& subject,
                   const std::string& event_id, const std::string& reason) {
  return store.close_subject(kind, subject, event_id, reason) > 0;
}

std::vector<std::int64_t> clear_unseen(infra::AlertStore& store, const std::vector<std::string>& kinds,
                                       const std::vector<domain::AlertKey>& seen,
                                       const std::string& checked_at, const std::string& event_id) {
  return store.close_unseen(kinds, seen, checked_at, event_id);
}

EmailAttempt send_next_email(infra::EmailQueue& queue, infra::Mailer& mailer, const AlertSettings& settings) {
  auto due = queue.claim_due();
  if (!due) return EmailAttempt::none_due;
  const auto result = mailer.send({due->recipient, due->subject, due->text, due->html, due->message_id});
  switch (result.status) {
    case infra::SendStatus::sent:
      queue.mark_sent(due->id);
      return EmailAttempt::sent;
    case infra::SendStatus::retry:
      if (auto delay = domain::email_retry_delay_ms(due->attempts + 1, settings.smtp_max_attempts,
                                                    settings.smtp_retry_base_ms)) {
        queue.mark_retry(due->id, result.detail, *delay);
        return EmailAttempt::retry_later;
      }
      queue.mark_failed(due->id,
                        "gave up after " + std::to_string(due->attempts + 1) + " attempts: " + result.detail);
      return EmailAttempt::gave_up;
    case infra::SendStatus::failed:
      queue.mark_failed(due->id, result.detail);
      return EmailAttempt::gave_up;
  }
  return EmailAttempt::gave_up;
}

}  // namespace ims::workers::alerts
