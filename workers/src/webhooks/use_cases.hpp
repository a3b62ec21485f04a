#pragma once
// The webhooks worker's use cases: fan an event out into one delivery per enabled webhook that
// wants it (inside the consuming transaction, so the inbox row makes it once), and make the next
// due attempt (the sender thread, after commit): 2xx delivers, anything else is tried again with
// backoff until the retry window closes, then the delivery fails and its webhook is disabled.
#include <cstdint>
#include <functional>
#include <string>

#include "ims/infra/outbox.hpp"
#include "ims/infra/webhook_sender.hpp"
#include "ims/infra/webhook_store.hpp"

namespace ims::workers::webhooks {

struct WebhookSettings {
  std::int64_t retry_window_ms = 24LL * 3'600'000;
  std::int64_t retry_base_ms = 30'000;
};

// Deliveries created (0 when none wants it, or on a redelivered event).
int fan_out_event(infra::WebhookStore& store, const infra::Envelope& event, const std::string& body);

enum class AttemptResult { none_due, delivered, retry_later, failed };

struct SendClock {
  std::function<long long()> unix_seconds;
  std::function<double()> jitter;  // in [0, 1)
};

AttemptResult send_next_delivery(infra::DeliveryQueue& queue, infra::WebhookPoster& poster,
                                 const WebhookSettings& settings, const SendClock& clock);

}  // namespace ims::workers::webhooks
