#include "ims/api/use_cases/webhooks.hpp"

#include "ims/api/use_cases/change_record.hpp"

namespace ims::api {
namespace {

using domain::Error;
using domain::ErrorCode;
using nlohmann::json;

Error not_found() {
  return Error::of(ErrorCode::not_found, "no such webhook");
}

}  // namespace

json webhook_json(const infra::WebhookRecord& w) {
  return {{"id", w.id},
          {"url", w.url},
          {"event_types", w.event_types},
          {"description", or_null(w.description)},
          {"enabled", w.enabled},
          {"disabled_at", or_null(w.disabled_at)},
          {"disabled_reason", or_null(w.disabled_reason)},
          {"created_by", or_null(w.created_by)},
          {"created_at", w.created_at},
          {"updated_at", w.updated_at},
          {"version", w.version}};
}

domain::Result<std::vector<infra::WebhookRecord>> list_webhooks(const WebhookFilter& filter,
                                                                infra::WebhookStore& store) {
  return store.list(filter.after_id, filter.limit + 1);
}

domain::Result<infra::WebhookRecord> get_webhook(std::int64_t id, infra::WebhookStore& store) {
  auto webhook = store.find(id);
  if (!webhook) return not_found();
  return *webhook;
}

domain::Result<webhooks::Created> create_webhook(const Caller& by, const webhooks::WebhookInput& input,
                                                 infra::WebhookStore& store, infra::AuditTrail& audit) {
  auto made = webhooks::create_webhook(store, by.actor, input);
  if (!made) return made.error();
  record_change(by, audit, "webhook.create", "webhook", made->webhook.id, std::nullopt,
                webhook_json(made->webhook));
  return made;
}

domain::Result<infra::WebhookRecord> update_webhook(const Caller& by, const WebhookChange& change,
                                                    infra::WebhookStore& store, infra::AuditTrail& audit) {
  auto before = store.find(change.id, true);
  if (!before) return not_found();
  auto after = webhooks::update_webhook(store, by.actor, change.id, change.input);
  if (!after) return after.error();
  record_change(by, audit, "webhook.update", "webhook", change.id, webhook_json(*before),
                webhook_json(*after));
  return after;
}

domain::Status delete_webhook(const Caller& by, const WebhookRemoval& removal, infra::WebhookStore& store,
                              infra::AuditTrail& audit) {
  auto before = store.find(removal.id, true);
  if (!before) return not_found();
  store.remove(removal.id);
  record_change(by, audit, "webhook.delete", "webhook", removal.id, webhook_json(*before), std::nullopt);
  return domain::ok_status();
}

domain::Result<std::vector<DeliveryHistory>> list_webhook_deliveries(const DeliveryFilter& filter,
                                                                     infra::WebhookStore& store) {
  if (!store.find(filter.webhook_id)) return not_found();
  std::vector<DeliveryHistory> out;
  for (auto& delivery : store.deliveries(filter.webhook_id, filter.before_id, filter.limit + 1)) {
    const bool shown = static_cast<int>(out.size()) < filter.limit;
    auto attempts =
        shown ? store.attempts(delivery.id, recent_attempts_shown) : std::vector<infra::AttemptRecord>{};
    out.push_back({std::move(delivery), std::move(attempts)});
  }
  return out;
}

domain::Result<infra::DeliveryRecord> replay_webhook_delivery(const Caller& by, const DeliveryReplay& replay,
                                                              infra::WebhookStore& store,
                                                              infra::AuditTrail& audit) {
  auto delivery = webhooks::replay_delivery(store, replay.webhook_id, replay.delivery_id);
  if (!delivery) return delivery.error();
  record_change(by, audit, "webhook.replay", "webhook", replay.webhook_id, std::nullopt,
                json{{"delivery_id", delivery->id}, {"event_id", delivery->event_id}});
  return delivery;
}

domain::Result<infra::DeliveryRecord> send_webhook_test(const Caller& by, const WebhookTest& test,
                                                        infra::WebhookStore& store) {
  return webhooks::send_test(store, by.actor, test.webhook_id, by.request_id);
}

}  // namespace ims::api
