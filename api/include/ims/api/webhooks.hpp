#pragma once
// The use cases behind /webhooks (admins): subscribe a URL to event types, change or remove it,
// read its deliveries with their attempts, replay one (a new series of attempts, the same
// webhook-id) and send a test event. The worker does the posting; these only write rows.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ims/domain/policy.hpp"
#include "ims/domain/result.hpp"
#include "ims/infra/webhook_records.hpp"

namespace ims::api::webhooks {

struct WebhookInput {
  std::string url;
  std::vector<std::string> event_types;
  std::optional<std::string> secret;  // create only; generated when absent
  std::optional<std::string> description;
  std::optional<bool> enabled;  // update only
};

// 422 with the field at fault: the URL (http/https, length, host, port), the event types, the secret.
domain::Status check_input(const WebhookInput& input);

struct Created {
  infra::WebhookRecord webhook;
  std::optional<std::string> generated_secret;  // shown once
};
domain::Result<Created> create_webhook(infra::WebhookStore& store, const domain::Actor& actor,
                                       const WebhookInput& input);
domain::Result<infra::WebhookRecord> update_webhook(infra::WebhookStore& store, const domain::Actor& actor,
                                                    std::int64_t id, const WebhookInput& input);

// 404 unknown webhook or delivery; 409 while the delivery's attempts still go on.
domain::Result<infra::DeliveryRecord> replay_delivery(infra::WebhookStore& store, std::int64_t webhook_id,
                                                      std::int64_t delivery_id);
// A webhook.test event delivered to this webhook alone. 409 when the webhook is disabled.
domain::Result<infra::DeliveryRecord> send_test(infra::WebhookStore& store, const domain::Actor& actor,
                                                std::int64_t webhook_id, const std::string& request_id);

}  // namespace ims::api::webhooks
