#pragma once
// messaging.webhooks, webhook_deliveries and webhook_attempts as use cases see them: the records
// and the store interfaces. No libpqxx here (the SQL is infra/src/webhook_store.cpp, the
// PostgreSQL implementations are in webhook_store.hpp).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ims/domain/webhook.hpp"

namespace ims::infra {

struct WebhookRecord {
  std::int64_t id = 0;
  std::string url;
  std::vector<std::string> event_types;
  std::string secret;
  std::optional<std::string> description;
  bool enabled = true;
  std::optional<std::string> disabled_at;
  std::optional<std::string> disabled_reason;
  std::optional<std::int64_t> created_by;
  std::string created_at;
  std::string updated_at;
  int version = 1;
};

struct WebhookFields {
  std::string url;
  std::vector<std::string> event_types;
  std::optional<std::string> description;
};

struct DeliveryRecord {
  std::int64_t id = 0;
  std::int64_t webhook_id = 0;
  std::string event_id;
  std::string event_type;
  domain::DeliveryStatus status = domain::DeliveryStatus::pending;
  int attempts = 0;
  std::optional<int> last_status_code;
  std::optional<std::string> last_error;
  std::string created_at;
  std::string next_attempt_at;
  std::optional<std::string> delivered_at;
};

struct AttemptRecord {
  std::int64_t id = 0;
  std::string attempted_at;
  std::optional<int> status_code;
  int duration_ms = 0;
  std::optional<std::string> response_body;
  std::optional<std::string> error;
};

class WebhookStore {
 public:
  virtual ~WebhookStore() = default;
  virtual WebhookRecord create(const WebhookFields& fields, const std::string& secret,
                               std::optional<std::int64_t> created_by) = 0;
  virtual std::vector<WebhookRecord> list(std::optional<std::int64_t> after_id, int limit) = 0;
  virtual std::optional<WebhookRecord> find(std::int64_t id, bool for_update = false) = 0;
  // Replaces the fields; `enabled` true clears a disablement, false disables with `reason`.
  virtual WebhookRecord update(std::int64_t id, const WebhookFields& fields, std::optional<bool> enabled,
                               const std::string& reason) = 0;
  virtual void remove(std::int64_t id) = 0;
  virtual std::vector<WebhookRecord> enabled() = 0;
  // A pending delivery; nullopt when this webhook has this event already (a redelivered event).
  virtual std::optional<DeliveryRecord> add_delivery(std::int64_t webhook_id, const std::string& event_id,
                                                     const std::string& event_type,
                                                     const std::string& body) = 0;
  virtual std::vector<DeliveryRecord> deliveries(std::int64_t webhook_id,
                                                 std::optional<std::int64_t> before_id, int limit) = 0;
  virtual std::vector<AttemptRecord> attempts(std::int64_t delivery_id, int limit) = 0;
  virtual std::optional<DeliveryRecord> find_delivery(std::int64_t webhook_id, std::int64_t delivery_id,
                                                      bool for_update = false) = 0;
  // A new series of attempts, due now, with the same event id.
  virtual DeliveryRecord restart(std::int64_t delivery_id) = 0;
};

// A delivery claimed by the sender, with what it needs to send it.
struct DueDelivery {
  std::int64_t id = 0;
  std::int64_t webhook_id = 0;
  std::string url;
  std::string secret;
  std::string event_id;
  std::string body;
  int attempts = 0;
  std::int64_t series_elapsed_ms = 0;
};

struct AttemptOutcome {
  std::optional<int> status_code;
  int duration_ms = 0;
  std::string response_body;  // at most 1 KiB
  std::string error;          // empty when an answer came
};

class DeliveryQueue {
 public:
  virtual ~DeliveryQueue() = default;
  // The oldest due pending delivery of an enabled webhook, locked (SKIP LOCKED: one sender each).
  virtual std::optional<DueDelivery> claim_due() = 0;
  virtual void record_attempt(std::int64_t delivery_id, const AttemptOutcome& outcome) = 0;
  virtual void mark_delivered(std::int64_t delivery_id) = 0;
  virtual void mark_retry(std::int64_t delivery_id, std::int64_t delay_ms) = 0;
  virtual void mark_failed(std::int64_t delivery_id, const std::string& reason) = 0;
  // Disables the webhook with the reason and raises a webhook.disabled alert for admins.
  virtual void disable_webhook(std::int64_t webhook_id, const std::string& reason) = 0;
};

}  // namespace ims::infra
