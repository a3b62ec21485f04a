#pragma once
// SQL of messaging.webhooks, webhook_deliveries and webhook_attempts. The API manages
// subscriptions and reads deliveries (WebhookStore); the webhooks worker fans each event out into
// deliveries (WebhookStore::add_delivery) and its sender thread works off the due ones
// (DeliveryQueue). Typed records only, never pqxx rows; the records and interfaces, without
// libpqxx, are in webhook_records.hpp.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "ims/infra/pg_statements.hpp"
#include "ims/infra/webhook_records.hpp"

namespace ims::infra {

class UnitOfWork;

// On prepared statements (statements(), registered by every PgSession).
class PgWebhookStore final : public WebhookStore {
 public:
  explicit PgWebhookStore(UnitOfWork& unit);
  // On the webhooks worker's message transaction.
  explicit PgWebhookStore(pqxx::work& txn) : txn_(txn) {}
  WebhookRecord create(const WebhookFields& fields, const std::string& secret,
                       std::optional<std::int64_t> created_by) override;
  std::vector<WebhookRecord> list(std::optional<std::int64_t> after_id, int limit) override;
  std::optional<WebhookRecord> find(std::int64_t id, bool for_update = false) override;
  WebhookRecord update(std::int64_t id, const WebhookFields& fields, std::optional<bool> enabled,
                       const std::string& reason) override;
  void remove(std::int64_t id) override;
  std::vector<WebhookRecord> enabled() override;
  std::optional<DeliveryRecord> add_delivery(std::int64_t webhook_id, const std::string& event_id,
                                             const std::string& event_type, const std::string& body) override;
  std::vector<DeliveryRecord> deliveries(std::int64_t webhook_id, std::optional<std::int64_t> before_id,
                                         int limit) override;
  std::vector<AttemptRecord> attempts(std::int64_t delivery_id, int limit) override;
  std::optional<DeliveryRecord> find_delivery(std::int64_t webhook_id, std::int64_t delivery_id,
                                              bool for_update = false) override;
  DeliveryRecord restart(std::int64_t delivery_id) override;

  static PreparedStatements statements();

 private:
  pqxx::work& txn_;
};

class PgDeliveryQueue final : public DeliveryQueue {
 public:
  explicit PgDeliveryQueue(pqxx::work& txn) : txn_(txn) {}
  std::optional<DueDelivery> claim_due() override;
  void record_attempt(std::int64_t delivery_id, const AttemptOutcome& outcome) override;
  void mark_delivered(std::int64_t delivery_id) override;
  void mark_retry(std::int64_t delivery_id, std::int64_t delay_ms) override;
  void mark_failed(std::int64_t delivery_id, const std::string& reason) override;
  void disable_webhook(std::int64_t webhook_id, const std::string& reason) override;

 private:
  pqxx::work& txn_;
};

}  // namespace ims::infra
