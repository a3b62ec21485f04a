#include "ims/api/webhooks.hpp"

#include "ims/domain/webhook.hpp"
#include "ims/infra/outbox.hpp"
#include "ims/infra/webhook_sender.hpp"

namespace ims::api::webhooks {
namespace {

using domain::Error;
using domain::ErrorCode;

Error no_webhook() {
  return Error::of(ErrorCode::not_found, "no such webhook");
}

infra::WebhookFields fields_of(const WebhookInput& in) {
  return {in.url, in.event_types, in.description};
}

}  // namespace

domain::Status check_input(const WebhookInput& in) {
  std::vector<domain::FieldError> errors;
  if (auto target = domain::parse_webhook_url(in.url); !target) {
    for (const auto& f : target.error().fields) errors.push_back(f);
  }
  if (in.event_types.empty() || in.event_types.size() > domain::webhook_event_types_max)
    errors.push_back({"event_types", "must list 1 to 50 event types"});
  for (std::size_t i = 0; i < in.event_types.size(); ++i) {
    if (auto why = domain::check_webhook_pattern(in.event_types[i]))
      errors.push_back({"event_types[" + std::to_string(i) + "]", *why});
  }
  if (in.secret) {
    const auto key = infra::webhook_key(*in.secret);
    if (!key || key->size() < 24 || key->size() > 64 || in.secret->size() > 200)
      errors.push_back({"secret", "must be whsec_ followed by the base64 of 24 to 64 random bytes"});
  }
  if (!errors.empty()) return Error::validation(std::move(errors));
  return domain::ok_status();
}

domain::Result<Created> create_webhook(infra::WebhookStore& store, const domain::Actor& actor,
                                       const WebhookInput& input) {
  if (auto checked = check_input(input); !checked) return checked.error();
  std::optional<std::string> generated;
  if (!input.secret) generated = infra::generate_webhook_secret();
  auto webhook = store.create(fields_of(input), input.secret ? *input.secret : *generated, actor.user_id);
  return Created{std::move(webhook), std::move(generated)};
}

domain::Result<infra::WebhookRecord> update_webhook(infra::WebhookStore& store, const domain::Actor& actor,
                                                    std::int64_t id, const WebhookInput& input) {
  if (auto checked = check_input(input); !checked) return checked.error();
  if (!store.find(id, true)) return no_webhook();
  return store.update(id, fields_of(input), input.enabled,
                      "disabled by user " + std::to_string(actor.user_id));
}

domain::Result<infra::DeliveryRecord> replay_delivery(infra::WebhookStore& store, std::int64_t webhook_id,
                                                      std::int64_t delivery_id) {
  if (!store.find(webhook_id)) return no_webhook();
  auto delivery = store.find_delivery(webhook_id, delivery_id, true);
  if (!delivery) return Error::of(ErrorCode::not_found, "no such delivery");
  if (auto next = domain::replay_delivery(delivery->status); !next) return next.error();
  return store.restart(delivery->id);
}

domain::Result<infra::DeliveryRecord> send_test(infra::WebhookStore& store, const domain::Actor& actor,
                                                std::int64_t webhook_id, const std::string& request_id) {
  auto webhook = store.find(webhook_id);
  if (!webhook) return no_webhook();
  if (!webhook->enabled)
    return Error::of(ErrorCode::conflict,
                     "the webhook is disabled; enable it (PUT with enabled: true) first");
  const auto event = infra::prepare_event({"webhook.test",
                                           {{"webhook_id", webhook_id}, {"message", "a test event from IMS"}},
                                           request_id,
                                           actor.user_id});
  auto delivery = store.add_delivery(webhook_id, event.id, "webhook.test", event.envelope.dump());
  if (!delivery) throw std::logic_error("a fresh test event collided with an earlier one");
  return *delivery;
}

}  // namespace ims::api::webhooks
