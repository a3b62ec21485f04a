#pragma once
// The verbs of /webhooks (admins), one use case each, on the rules of ims/api/webhooks.hpp (what a
// subscription may say, which delivery may be replayed). Each takes the caller, the decoded command
// and the stores of its unit of work, and returns the outcome; PgSession::unit commits only a
// success. The worker does the posting; these only write rows (and their audit rows).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ims/api/use_cases/caller.hpp"
#include "ims/api/webhooks.hpp"
#include "ims/domain/result.hpp"
#include "ims/infra/audit_store.hpp"
#include "ims/infra/webhook_records.hpp"

namespace ims::api {

// The JSON of a webhook, never with its secret: the API's body and the audit trail's before/after.
nlohmann::json webhook_json(const infra::WebhookRecord& webhook);

struct WebhookFilter {
  std::optional<std::int64_t> after_id;
  int limit = 50;
};

struct WebhookChange {
  std::int64_t id = 0;
  webhooks::WebhookInput input;  // no secret; `enabled` when given
};

struct WebhookRemoval {
  std::int64_t id = 0;
};

// A webhook's deliveries, newest first, older than the cursor.
struct DeliveryFilter {
  std::int64_t webhook_id = 0;
  std::optional<std::int64_t> before_id;
  int limit = 50;
};

// A delivery with its most recent attempts, newest first.
struct DeliveryHistory : infra::DeliveryRecord {
  std::vector<infra::AttemptRecord> recent_attempts;
};
inline constexpr int recent_attempts_shown = 10;

struct DeliveryReplay {
  std::int64_t webhook_id = 0;
  std::int64_t delivery_id = 0;
};

struct WebhookTest {
  std::int64_t webhook_id = 0;
};

domain::Result<std::vector<infra::WebhookRecord>> list_webhooks(const WebhookFilter& filter,
                                                                infra::WebhookStore& store);
domain::Result<infra::WebhookRecord> get_webhook(std::int64_t id, infra::WebhookStore& store);
// The secret is generated when the input has none, and then shown this once.
domain::Result<webhooks::Created> create_webhook(const Caller& by, const webhooks::WebhookInput& input,
                                                 infra::WebhookStore& store, infra::AuditTrail& audit);
// 404 for an unknown webhook before the input is checked (422).
domain::Result<infra::WebhookRecord> update_webhook(const Caller& by, const WebhookChange& change,
                                                    infra::WebhookStore& store, infra::AuditTrail& audit);
domain::Status delete_webhook(const Caller& by, const WebhookRemoval& removal, infra::WebhookStore& store,
                              infra::AuditTrail& audit);
// Up to limit + 1 deliveries (the extra one only says there are more, and carries no attempts).
domain::Result<std::vector<DeliveryHistory>> list_webhook_deliveries(const DeliveryFilter& filter,
                                                                     infra::WebhookStore& store);
// A new series of attempts with the same webhook-id; 409 while the delivery's attempts still go on.
domain::Result<infra::DeliveryRecord> replay_webhook_delivery(const Caller& by, const DeliveryReplay& replay,
                                                              infra::WebhookStore& store,
                                                              infra::AuditTrail& audit);
// A webhook.test event delivered to this webhook alone; 409 when the webhook is disabled.
domain::Result<infra::DeliveryRecord> send_webhook_test(const Caller& by, const WebhookTest& test,
                                                        infra::WebhookStore& store);

}  // namespace ims::api
