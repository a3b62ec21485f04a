#include "ims/infra/alert_store.hpp"

#include <nlohmann/json.hpp>

#include "ims/infra/pg.hpp"

namespace ims::infra {
namespace {

std::string utc(const std::string& column) {
  return "to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";
}

const std::string alert_columns =
    "a.id, a.kind, a.severity, a.product_id, a.location_id, a.subject, a.message, a.data::text,"
    " a.raised_count, " +
    utc("a.created_at") + ", " + utc("a.updated_at") + ", " + utc("a.last_raised_at") + ", " +
    utc("a.acked_at") + ", a.acked_by, " + utc("a.closed_at") + ", a.closed_by_event, a.close_reason";

AlertRecord read_alert(const pqxx::row& r) {
  AlertRecord a;
  a.id = r[0].as<std::int64_t>();
  a.kind = r[1].as<std::string>();
  a.severity = r[2].as<std::string>();
  a.product_id = nullable<std::int64_t>(r[3]);
  a.location_id = nullable<std::int64_t>(r[4]);
  a.subject = r[5].as<std::string>();
  a.message = r[6].as<std::string>();
  a.data = r[7].as<std::string>();
  a.raised_count = r[8].as<int>();
  a.created_at = r[9].as<std::string>();
  a.updated_at = r[10].as<std::string>();
  a.last_raised_at = r[11].as<std::string>();
  a.acked_at = nullable<std::string>(r[12]);
  a.acked_by = nullable<std::int64_t>(r[13]);
  a.closed_at = nullable<std::string>(r[14]);
  a.closed_by_event = nullable<std::string>(r[15]);
  a.close_reason = nullable<std::string>(r[16]);
  return a;
}

// A low-stock alert may close only once the rule it is about is no longer marked low (the stock
// worker sets and clears low_since in the transaction of the movement that crosses min).
constexpr const char* not_marked_low =
    "(a.kind <> 'stock.low' OR NOT EXISTS (SELECT 1 FROM inventory.reorder_rules r WHERE r.product_id = "
    "a.product_id"
    " AND r.location_id = a.location_id AND r.low_since IS NOT NULL))";

constexpr const char* same_key =
    "a.kind = $1 AND coalesce(a.product_id, 0) = coalesce($2::bigint, 0) AND coalesce(a.location_id, 0) = "
    "coalesce($3::bigint, 0)"
    " AND a.subject = $4 AND a.closed_at IS NULL";

}  // namespace

std::optional<AlertRecord> PgAlertStore::lock_open(const domain::AlertKey& k) {
  auto rows = txn_.exec_params(
      "SELECT " + alert_columns + " FROM reporting.alerts a WHERE " + same_key + " FOR UPDATE", k.kind,
      k.product_id, k.location_id, k.subject);
  if (rows.empty()) return std::nullopt;
  return read_alert(rows[0]);
}

std::optional<AlertRecord> PgAlertStore::open(const RaisedAlert& a) {
  auto rows = txn_.exec_params(
      "WITH a AS (INSERT INTO reporting.alerts (kind, severity, product_id, location_id, subject, message, "
      "data, last_raised_at,"
      "             raised_by_event)"
      "           VALUES ($1, $5, $2, $3, $4, $6, $7::jsonb, $8::timestamptz, $9)"
      "           ON CONFLICT (kind, coalesce(product_id, 0), coalesce(location_id, 0), subject) WHERE "
      "closed_at IS NULL DO NOTHING"
      "           RETURNING *)"
      " SELECT " +
          alert_columns + " FROM a",
      a.key.kind, a.key.product_id, a.key.location_id, a.key.subject, a.severity, a.message, a.data,
      a.occurred_at, a.event_id);
  if (rows.empty()) return std::nullopt;
  return read_alert(rows[0]);
}

AlertRecord PgAlertStore::refresh(std::int64_t id, const RaisedAlert& a) {
  return read_alert(
      txn_.exec_params1("WITH a AS (UPDATE reporting.alerts SET severity = $2, message = $3, data = "
                        "$4::jsonb, raised_count = raised_count + 1,"
                        "             last_raised_at = greatest(last_raised_at, $5::timestamptz), updated_at "
                        "= now() WHERE id = $1 RETURNING *)"
                        " SELECT " +
                            alert_columns + " FROM a",
                        id, a.severity, a.message, a.data, a.occurred_at));
}

int PgAlertStore::close(const domain::AlertKey& k, const std::string& event_id,
                        const std::string& occurred_at, const std::string& reason) {
  return static_cast<int>(
      txn_.exec_params(std::string("UPDATE reporting.alerts a SET closed_at = now(), closed_by_event = $5,"
                                   " close_reason = $6, updated_at = now() WHERE ") +
                           same_key + " AND a.last_raised_at <= $7::timestamptz AND " + not_marked_low +
                           " RETURNING 1",
                       k.kind, k.product_id, k.location_id, k.subject, event_id, reason, occurred_at)
          .size());
}

int PgAlertStore::close_subject(const std::string& kind, const std::string& subject,
                                const std::string& event_id, const std::string& reason) {
  return static_cast<int>(
      txn_.exec_params(
              "UPDATE reporting.alerts SET closed_at = now(), closed_by_event = $3, close_reason = $4,"
              " updated_at = now() WHERE kind = $1 AND subject = $2 AND closed_at IS NULL RETURNING 1",
              kind, subject, event_id, reason)
          .size());
}

std::vector<std::int64_t> PgAlertStore::close_unseen(const std::vector<std::string>& kinds,
                                                     const std::vector<domain::AlertKey>& seen,
                                                     const std::string& checked_at,
                                                     const std::string& event_id) {
  nlohmann::json keys = nlohmann::json::array();
  for (const auto& k : seen) {
    keys.push_back({{"kind", k.kind},
                    {"product_id", k.product_id ? nlohmann::json(*k.product_id) : nlohmann::json(nullptr)},
                    {"location_id", k.location_id ? nlohmann::json(*k.location_id) : nlohmann::json(nullptr)},
                    {"subject", k.subject}});
  }
  nlohmann::json kind_list = kinds;
  auto rows = txn_.exec_params(
      "WITH seen AS (SELECT * FROM jsonb_to_recordset($2::jsonb) AS s(kind text, product_id bigint, "
      "location_id bigint, subject text))"
      " UPDATE reporting.alerts a SET closed_at = now(), closed_by_event = $4, updated_at = now(),"
      "        close_reason = 'the inventory check no longer finds the condition'"
      " WHERE a.closed_at IS NULL AND a.kind IN (SELECT jsonb_array_elements_text($1::jsonb))"
      "   AND a.last_raised_at < $3::timestamptz AND " +
          std::string(not_marked_low) +
          "   AND NOT EXISTS (SELECT 1 FROM seen s WHERE s.kind = a.kind AND coalesce(s.product_id, 0) = "
          "coalesce(a.product_id, 0)"
          "                   AND coalesce(s.location_id, 0) = coalesce(a.location_id, 0) AND s.subject = "
          "a.subject)"
          " RETURNING a.id",
      kind_list.dump(), keys.dump(), checked_at, event_id);
  std::vector<std::int64_t> ids;
  for (const auto& r : rows) ids.push_back(r[0].as<std::int64_t>());
  return ids;
}

AlertPlace PgAlertStore::place(std::optional<std::int64_t> product_id,
                               std::optional<std::int64_t> location_id) {
  AlertPlace p;
  auto rows = txn_.exec_params(
      "SELECT p.sku, p.name, p.unit_of_measure, l.code, l.name, l.kind FROM (SELECT 1) one"
      " LEFT JOIN catalog.products p ON p.id = $1 LEFT JOIN inventory.locations l ON l.id = $2",
      product_id, location_id);
  const auto& r = rows[0];
  p.product_sku = nullable<std::string>(r[0]).value_or("");
  p.product_name = nullable<std::string>(r[1]).value_or("");
  p.unit = nullable<std::string>(r[2]).value_or("");
  p.location_code = nullable<std::string>(r[3]).value_or("");
  p.location_name = nullable<std::string>(r[4]).value_or("");
  if (!r[5].is_null()) p.location_kind = domain::parse_location_kind(r[5].as<std::string>());
  return p;
}

std::vector<Recipient> PgAlertStore::recipients(std::optional<std::int64_t> location_id, bool manufacturers) {
  auto rows = txn_.exec_params(
      "SELECT id, email FROM auth.users WHERE is_active AND email_alerts"
      " AND (role = 'admin' OR ($1::bigint IS NOT NULL AND location_id = $1) OR ($2 AND role = "
      "'manufacturer'))"
      " ORDER BY id",
      location_id, manufacturers);
  std::vector<Recipient> out;
  for (const auto& r : rows) out.push_back({r[0].as<std::int64_t>(), r[1].as<std::string>()});
  return out;
}

void PgAlertStore::queue_email(const QueuedEmail& e) {
  txn_.exec_params(
      "INSERT INTO reporting.email_deliveries (alert_id, user_id, recipient, subject, body_text, body_html, "
      "message_id)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7)",
      e.alert_id, e.user_id, e.recipient, e.subject, e.text, e.html, e.message_id);
  txn_.exec("SELECT pg_notify('ims_email', '')");  // wakes the sender at commit
}

std::optional<EmailToSend> PgEmailQueue::claim_due() {
  auto rows = txn_.exec(
      "SELECT id, recipient, subject, body_text, body_html, message_id, attempts FROM "
      "reporting.email_deliveries"
      " WHERE status = 'queued' AND next_attempt_at <= now() ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE "
      "SKIP LOCKED");
  if (rows.empty()) return std::nullopt;
  const auto& r = rows[0];
  return EmailToSend{r[0].as<std::int64_t>(), r[1].as<std::string>(), r[2].as<std::string>(),
                     r[3].as<std::string>(),  r[4].as<std::string>(), r[5].as<std::string>(),
                     r[6].as<int>()};
}

void PgEmailQueue::mark_sent(std::int64_t id) {
  txn_.exec_params(
      "UPDATE reporting.email_deliveries SET status = 'sent', attempts = attempts + 1, sent_at = now() WHERE "
      "id = $1",
      id);
}

void PgEmailQueue::mark_retry(std::int64_t id, const std::string& error, std::int64_t delay_ms) {
  txn_.exec_params(
      "UPDATE reporting.email_deliveries SET attempts = attempts + 1, last_error = left($2, 1000),"
      " next_attempt_at = now() + make_interval(secs => $3::float8 / 1000) WHERE id = $1",
      id, error, delay_ms);
}

void PgEmailQueue::mark_failed(std::int64_t id, const std::string& error) {
  txn_.exec_params(
      "UPDATE reporting.email_deliveries SET status = 'failed', attempts = attempts + 1, last_error = "
      "left($2, 1000) WHERE id = $1",
      id, error);
}

std::vector<AlertRecord> PgAlertBoard::list(const AlertFilter& f) {
  auto rows = unit_.txn().exec_params(
      "SELECT " + alert_columns +
          " FROM reporting.alerts a WHERE ($1::bigint IS NULL OR a.id < $1)"
          " AND ($2::bigint IS NULL OR a.location_id = $2) AND ($3::text IS NULL OR a.kind = $3)"
          " AND ($4::boolean IS NULL OR (a.closed_at IS NULL) = $4)"
          " AND ($5::bigint IS NULL OR a.product_id = $5) AND ($7 OR a.kind NOT LIKE 'account.%')"
          " ORDER BY a.id DESC LIMIT $6",
      f.before_id, f.location_id, f.kind, f.open, f.product_id, f.limit + 1, f.accounts);
  std::vector<AlertRecord> out;
  for (const auto& r : rows) out.push_back(read_alert(r));
  return out;
}

std::optional<AlertRecord> PgAlertBoard::find(std::int64_t id, bool for_update) {
  auto rows = unit_.txn().exec_params("SELECT " + alert_columns + " FROM reporting.alerts a WHERE a.id = $1" +
                                          (for_update ? " FOR UPDATE" : ""),
                                      id);
  if (rows.empty()) return std::nullopt;
  return read_alert(rows[0]);
}

AlertRecord PgAlertBoard::acknowledge(std::int64_t id, std::int64_t user_id, bool closes) {
  return read_alert(unit_.txn().exec_params1(
      "WITH a AS (UPDATE reporting.alerts SET acked_at = now(), acked_by = $2, updated_at = now(),"
      "             closed_at = CASE WHEN $3 AND closed_at IS NULL THEN now() ELSE closed_at END,"
      "             close_reason = CASE WHEN $3 AND closed_at IS NULL THEN 'acknowledged' ELSE close_reason "
      "END"
      "           WHERE id = $1 RETURNING *)"
      " SELECT " +
          alert_columns + " FROM a",
      id, user_id, closes));
}

std::vector<EmailDeliveryRecord> PgAlertBoard::deliveries(const std::vector<std::int64_t>& alert_ids) {
  std::string ids = "{";
  for (std::size_t i = 0; i < alert_ids.size(); ++i) ids += (i ? "," : "") + std::to_string(alert_ids[i]);
  ids += "}";
  auto rows = unit_.txn().exec_params(
      "SELECT id, alert_id, user_id, recipient, subject, status, attempts, last_error, message_id, " +
          utc("created_at") + ", " + utc("next_attempt_at") + ", " + utc("sent_at") +
          " FROM reporting.email_deliveries WHERE alert_id = ANY($1::bigint[]) ORDER BY id",
      ids);
  std::vector<EmailDeliveryRecord> out;
  for (const auto& r : rows) {
    EmailDeliveryRecord d;
    d.id = r[0].as<std::int64_t>();
    d.alert_id = r[1].as<std::int64_t>();
    d.user_id = nullable<std::int64_t>(r[2]);
    d.recipient = r[3].as<std::string>();
    d.subject = r[4].as<std::string>();
    d.status = r[5].as<std::string>();
    d.attempts = r[6].as<int>();
    d.last_error = nullable<std::string>(r[7]);
    d.message_id = r[8].as<std::string>();
    d.created_at = r[9].as<std::string>();
    d.next_attempt_at = r[10].as<std::string>();
    d.sent_at = nullable<std::string>(r[11]);
    out.push_back(std::move(d));
  }
  return out;
}

AlertLevels read_alert_levels(pqxx::work& txn) {
  AlertLevels levels;
  const auto rows = txn.exec(
      "SELECT kind, count(*) FROM reporting.alerts WHERE closed_at IS NULL GROUP BY kind"
      " UNION ALL SELECT NULL, count(*) FROM inventory.reorder_rules WHERE low_since IS NOT NULL");
  for (const auto& r : rows) {
    if (r[0].is_null()) {
      levels.stock_low_items = r[1].as<std::int64_t>();
    } else {
      levels.open_by_kind[r[0].as<std::string>()] = r[1].as<std::int64_t>();
    }
  }
  return levels;
}

}  // namespace ims::infra
