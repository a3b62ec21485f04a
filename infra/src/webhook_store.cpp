#include "ims/infra/webhook_store.hpp"

#include <nlohmann/json.hpp>

#include "ims/infra/pg.hpp"

namespace ims::infra {
namespace {

const std::string webhook_columns = "w.id, w.url, to_jsonb(w.event_types)::text, w.secret, w.description, " +
                                    utc_text("w.disabled_at") + ", w.disabled_reason, w.created_by, " +
                                    utc_text("w.created_at") + ", " + utc_text("w.updated_at") +
                                    ", w.version";

const std::string delivery_columns =
    "d.id, d.webhook_id, d.event_id, d.event_type, d.status, d.attempts, "
    "d.last_status_code, d.last_error, " +
    utc_text("d.created_at") + ", " + utc_text("d.next_attempt_at") + ", " + utc_text("d.delivered_at");

WebhookRecord read_webhook(const pqxx::row& r) {
  WebhookRecord w;
  w.id = r[0].as<std::int64_t>();
  w.url = r[1].as<std::string>();
  w.event_types = nlohmann::json::parse(r[2].as<std::string>()).get<std::vector<std::string>>();
  w.secret = r[3].as<std::string>();
  w.description = nullable<std::string>(r[4]);
  w.disabled_at = nullable<std::string>(r[5]);
  w.disabled_reason = nullable<std::string>(r[6]);
  w.enabled = !w.disabled_at.has_value();
  w.created_by = nullable<std::int64_t>(r[7]);
  w.created_at = r[8].as<std::string>();
  w.updated_at = r[9].as<std::string>();
  w.version = r[10].as<int>();
  return w;
}

DeliveryRecord read_delivery(const pqxx::row& r) {
  DeliveryRecord d;
  d.id = r[0].as<std::int64_t>();
  d.webhook_id = r[1].as<std::int64_t>();
  d.event_id = r[2].as<std::string>();
  d.event_type = r[3].as<std::string>();
  d.status = domain::parse_delivery_status(r[4].as<std::string>()).value_or(domain::DeliveryStatus::pending);
  d.attempts = r[5].as<int>();
  d.last_status_code = nullable<int>(r[6]);
  d.last_error = nullable<std::string>(r[7]);
  d.created_at = r[8].as<std::string>();
  d.next_attempt_at = r[9].as<std::string>();
  d.delivered_at = nullable<std::string>(r[10]);
  return d;
}

std::string types_json(const std::vector<std::string>& types) {
  return nlohmann::json(types).dump();
}

}  // namespace

PgWebhookStore::PgWebhookStore(UnitOfWork& unit) : txn_(unit.txn()) {}

PreparedStatements PgWebhookStore::statements() {
  const std::string webhooks = "SELECT " + webhook_columns + " FROM messaging.webhooks w";
  const std::string deliveries = "SELECT " + delivery_columns + " FROM messaging.webhook_deliveries d";
  return {
      {"webhook_insert",
       "WITH w AS (INSERT INTO messaging.webhooks (url, event_types, secret, description, created_by)"
       " VALUES ($1, ARRAY(SELECT jsonb_array_elements_text($2::jsonb)), $3, $4, $5) RETURNING *)"
       " SELECT " +
           webhook_columns + " FROM w"},
      {"webhook_list", webhooks + " WHERE ($1::bigint IS NULL OR w.id > $1) ORDER BY w.id LIMIT $2"},
      {"webhook_find", webhooks + " WHERE w.id = $1"},
      {"webhook_find_locked", webhooks + " WHERE w.id = $1 FOR UPDATE"},
      {"webhook_update",
       "WITH w AS (UPDATE messaging.webhooks SET url = $2,"
       " event_types = ARRAY(SELECT jsonb_array_elements_text($3::jsonb)), description = $4,"
       " disabled_at = CASE WHEN $5::boolean THEN NULL WHEN NOT $5::boolean THEN coalesce(disabled_at, now())"
       "                    ELSE disabled_at END,"
       " disabled_reason = CASE WHEN $5::boolean THEN NULL WHEN NOT $5::boolean THEN "
       "coalesce(disabled_reason, $6)"
       "                    ELSE disabled_reason END,"
       " version = version + 1, updated_at = now() WHERE id = $1 RETURNING *)"
       " SELECT " +
           webhook_columns + " FROM w"},
      {"webhook_delete", "DELETE FROM messaging.webhooks WHERE id = $1"},
      {"webhook_enabled", webhooks + " WHERE w.disabled_at IS NULL ORDER BY w.id"},
      {"webhook_delivery_insert",
       "WITH d AS (INSERT INTO messaging.webhook_deliveries (webhook_id, event_id, event_type, body)"
       " VALUES ($1, $2, $3, $4) ON CONFLICT (webhook_id, event_id) DO NOTHING RETURNING *)"
       " SELECT " +
           delivery_columns + " FROM d"},
      {"webhook_deliveries", deliveries +
                                 " WHERE d.webhook_id = $1"
                                 " AND ($2::bigint IS NULL OR d.id < $2) ORDER BY d.id DESC LIMIT $3"},
      {"webhook_attempts",
       "SELECT id, " + utc_text("attempted_at") +
           ", status_code, duration_ms, response_body, error FROM messaging.webhook_attempts"
           " WHERE delivery_id = $1 ORDER BY id DESC LIMIT $2"},
      {"webhook_delivery_find", deliveries + " WHERE d.webhook_id = $1 AND d.id = $2"},
      {"webhook_delivery_find_locked", deliveries + " WHERE d.webhook_id = $1 AND d.id = $2 FOR UPDATE"},
      {"webhook_delivery_restart",
       "WITH d AS (UPDATE messaging.webhook_deliveries SET status = 'pending', delivered_at = NULL,"
       " series_started_at = now(), next_attempt_at = now() WHERE id = $1 RETURNING *)"
       " SELECT " +
           delivery_columns + " FROM d"},
  };
}

WebhookRecord PgWebhookStore::create(const WebhookFields& f, const std::string& secret,
                                     std::optional<std::int64_t> created_by) {
  return read_webhook(txn_.exec_prepared1("webhook_insert", f.url, types_json(f.event_types), secret,
                                          f.description, created_by));
}

std::vector<WebhookRecord> PgWebhookStore::list(std::optional<std::int64_t> after_id, int limit) {
  std::vector<WebhookRecord> out;
  for (const auto& r : txn_.exec_prepared("webhook_list", after_id, limit)) out.push_back(read_webhook(r));
  return out;
}

std::optional<WebhookRecord> PgWebhookStore::find(std::int64_t id, bool for_update) {
  auto rows = txn_.exec_prepared(for_update ? "webhook_find_locked" : "webhook_find", id);
  if (rows.empty()) return std::nullopt;
  return read_webhook(rows[0]);
}

WebhookRecord PgWebhookStore::update(std::int64_t id, const WebhookFields& f, std::optional<bool> enabled,
                                     const std::string& reason) {
  return read_webhook(txn_.exec_prepared1("webhook_update", id, f.url, types_json(f.event_types),
                                          f.description, enabled, reason));
}

void PgWebhookStore::remove(std::int64_t id) {
  txn_.exec_prepared("webhook_delete", id);
}

std::vector<WebhookRecord> PgWebhookStore::enabled() {
  std::vector<WebhookRecord> out;
  for (const auto& r : txn_.exec_prepared("webhook_enabled")) out.push_back(read_webhook(r));
  return out;
}

std::optional<DeliveryRecord> PgWebhookStore::add_delivery(std::int64_t webhook_id,
                                                           const std::string& event_id,
                                                           const std::string& event_type,
                                                           const std::string& body) {
  auto rows = txn_.exec_prepared("webhook_delivery_insert", webhook_id, event_id, event_type, body);
  if (rows.empty()) return std::nullopt;
  return read_delivery(rows[0]);
}

std::vector<DeliveryRecord> PgWebhookStore::deliveries(std::int64_t webhook_id,
                                                       std::optional<std::int64_t> before_id, int limit) {
  std::vector<DeliveryRecord> out;
  for (const auto& r : txn_.exec_prepared("webhook_deliveries", webhook_id, before_id, limit))
    out.push_back(read_delivery(r));
  return out;
}

std::vector<AttemptRecord> PgWebhookStore::attempts(std::int64_t delivery_id, int limit) {
  std::vector<AttemptRecord> out;
  for (const auto& r : txn_.exec_prepared("webhook_attempts", delivery_id, limit)) {
    out.push_back({r[0].as<std::int64_t>(), r[1].as<std::string>(), nullable<int>(r[2]), r[3].as<int>(),
                   nullable<std::string>(r[4]), nullable<std::string>(r[5])});
  }
  return out;
}

std::optional<DeliveryRecord> PgWebhookStore::find_delivery(std::int64_t webhook_id, std::int64_t delivery_id,
                                                            bool for_update) {
  auto rows = txn_.exec_prepared(for_update ? "webhook_delivery_find_locked" : "webhook_delivery_find",
                                 webhook_id, delivery_id);
  if (rows.empty()) return std::nullopt;
  return read_delivery(rows[0]);
}

DeliveryRecord PgWebhookStore::restart(std::int64_t delivery_id) {
  return read_delivery(txn_.exec_prepared1("webhook_delivery_restart", delivery_id));
}

std::optional<DueDelivery> PgDeliveryQueue::claim_due() {
  auto rows = txn_.exec(
      "SELECT d.id, d.webhook_id, w.url, w.secret, d.event_id, d.body, d.attempts,"
      " (extract(epoch FROM now() - d.series_started_at) * 1000)::bigint"
      " FROM messaging.webhook_deliveries d JOIN messaging.webhooks w ON w.id = d.webhook_id"
      " WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND w.disabled_at IS NULL"
      " ORDER BY d.next_attempt_at, d.id LIMIT 1 FOR UPDATE OF d SKIP LOCKED");
  if (rows.empty()) return std::nullopt;
  const auto& r = rows[0];
  return DueDelivery{r[0].as<std::int64_t>(), r[1].as<std::int64_t>(), r[2].as<std::string>(),
                     r[3].as<std::string>(),  r[4].as<std::string>(),  r[5].as<std::string>(),
                     r[6].as<int>(),          r[7].as<std::int64_t>()};
}

void PgDeliveryQueue::record_attempt(std::int64_t delivery_id, const AttemptOutcome& o) {
  std::optional<std::string> body = o.response_body.empty() ? std::nullopt : std::optional(o.response_body);
  std::optional<std::string> error = o.error.empty() ? std::nullopt : std::optional(o.error);
  txn_.exec_params(
      "INSERT INTO messaging.webhook_attempts (delivery_id, status_code, duration_ms, response_body, error)"
      " VALUES ($1, $2, $3, $4, left($5, 1000))",
      delivery_id, o.status_code, o.duration_ms, body, error);
  txn_.exec_params(
      "UPDATE messaging.webhook_deliveries SET attempts = attempts + 1, last_status_code = $2,"
      " last_error = left($3, 1000) WHERE id = $1",
      delivery_id, o.status_code, error);
}

void PgDeliveryQueue::mark_delivered(std::int64_t delivery_id) {
  txn_.exec_params(
      "UPDATE messaging.webhook_deliveries SET status = 'delivered', delivered_at = now() WHERE id = $1",
      delivery_id);
}

void PgDeliveryQueue::mark_retry(std::int64_t delivery_id, std::int64_t delay_ms) {
  txn_.exec_params(
      "UPDATE messaging.webhook_deliveries SET next_attempt_at = now() + make_interval(secs => $2::float8 / "
      "1000)"
      " WHERE id = $1",
      delivery_id, delay_ms);
}

void PgDeliveryQueue::mark_failed(std::int64_t delivery_id, const std::string& reason) {
  txn_.exec_params(
      "UPDATE messaging.webhook_deliveries SET status = 'failed', last_error = left($2, 1000) WHERE id = $1",
      delivery_id, reason);
}

void PgDeliveryQueue::disable_webhook(std::int64_t webhook_id, const std::string& reason) {
  auto updated = txn_.exec_params(
      "UPDATE messaging.webhooks SET disabled_at = now(), disabled_reason = left($2, 1000), updated_at = "
      "now(),"
      " version = version + 1 WHERE id = $1 AND disabled_at IS NULL RETURNING url",
      webhook_id, reason);
  if (updated.empty()) return;
  txn_.exec_params(
      "INSERT INTO reporting.alerts (kind, severity, message, data, subject)"
      " VALUES ('webhook.disabled', 'warning', left($2, 1000), jsonb_build_object('webhook_id', $1::bigint, "
      "'url', $3::text,"
      " 'reason', $4::text), 'webhook:' || $1) ON CONFLICT DO NOTHING",
      webhook_id, "webhook " + std::to_string(webhook_id) + " disabled: " + reason,
      updated[0][0].as<std::string>(), reason);
}

}  // namespace ims::infra
