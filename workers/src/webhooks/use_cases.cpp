#include "webhooks/use_cases.hpp"

#include "ims/domain/webhook.hpp"

namespace ims::workers::webhooks {
namespace {

std::string why_not(const infra::AttemptOutcome& o) {
  if (!o.error.empty()) return o.error;
  return "answered " + std::to_string(o.status_code.value_or(0));
}

}  // namespace

int fan_out_event(infra::WebhookStore& store, const infra::Envelope& event, const std::string& body) {
  int created = 0;
  for (const auto& webhook : store.enabled()) {
    if (!domain::webhook_wants(webhook.event_types, event.type)) continue;
    if (store.add_delivery(webhook.id, event.id, event.type, body)) ++created;
  }
  return created;
}

AttemptResult send_next_delivery(infra::DeliveryQueue& queue, infra::WebhookPoster& poster,
                                 const WebhookSettings& settings, const SendClock& clock) {
  auto due = queue.claim_due();
  if (!due) return AttemptResult::none_due;
  const auto outcome = poster.post({due->url, due->secret, due->event_id, clock.unix_seconds(), due->body});
  queue.record_attempt(due->id, outcome);
  const bool ok = outcome.error.empty() && outcome.status_code && *outcome.status_code >= 200 &&
                  *outcome.status_code < 300;
  if (ok) {
    queue.mark_delivered(due->id);
    return AttemptResult::delivered;
  }
  const int attempts = due->attempts + 1;
  if (auto delay =
          domain::webhook_retry_delay_ms(attempts, due->series_elapsed_ms + outcome.duration_ms,
                                         settings.retry_window_ms, settings.retry_base_ms, clock.jitter())) {
    queue.mark_retry(due->id, *delay);
    return AttemptResult::retry_later;
  }
  const auto reason = "gave up after " + std::to_string(attempts) + " attempts: " + why_not(outcome);
  queue.mark_failed(due->id, reason);
  queue.disable_webhook(due->webhook_id, "delivery " + std::to_string(due->id) + " failed: " + reason);
  return AttemptResult::failed;
}

}  // namespace ims::workers::webhooks
