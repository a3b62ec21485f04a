#include "ims/infra/request_store.hpp"

#include "ims/infra/pg.hpp"

namespace ims::infra {
namespace {

std::string request_columns() {
  return "r.id, r.number, r.action, r.product_id, r.quantity::text, r.from_location_id, r.to_location_id,"
         " r.reason, r.status, r.hold, r.failure_reason, r.requested_by, r.decided_by, r.decision_comment, " +
         utc_text("r.decided_at") + ", " + utc_text("r.expires_at") +
         ", r.transfer_id, r.adjustment_id, r.version, " + utc_text("r.created_at") + ", " +
         utc_text("r.updated_at");
}

RequestRecord read_request(const pqxx::row& r) {
  RequestRecord q;
  q.id = r[0].as<std::int64_t>();
  q.number = r[1].as<std::string>();
  q.action = r[2].as<std::string>();
  q.product_id = r[3].as<std::int64_t>();
  q.quantity = r[4].as<std::string>();
  q.from_location_id = r[5].as<std::int64_t>();
  q.to_location_id = nullable<std::int64_t>(r[6]);
  q.reason = r[7].as<std::string>();
  q.status = r[8].as<std::string>();
  q.hold = r[9].as<std::string>();
  q.failure_reason = nullable<std::string>(r[10]);
  q.requested_by = r[11].as<std::int64_t>();
  q.decided_by = nullable<std::int64_t>(r[12]);
  q.decision_comment = nullable<std::string>(r[13]);
  q.decided_at = nullable<std::string>(r[14]);
  q.expires_at = r[15].as<std::string>();
  q.transfer_id = nullable<std::int64_t>(r[16]);
  q.adjustment_id = nullable<std::int64_t>(r[17]);
  q.version = r[18].as<int>();
  q.created_at = r[19].as<std::string>();
  q.updated_at = r[20].as<std::string>();
  return q;
}

}  // namespace

PreparedStatements PgRequestStore::statements() {
  const auto select = "SELECT " + request_columns() + " FROM inventory.requests r";
  return {
      {"request_product_active", "SELECT 1 FROM catalog.products WHERE id = $1 AND is_active"},
      {"request_location_active", "SELECT 1 FROM inventory.locations WHERE id = $1 AND is_active"},
      {"request_source_up_the_chain",
       "SELECT 1 FROM inventory.locations f, inventory.locations me WHERE f.id = $1 AND f.is_active"
       " AND me.id = $2 AND (f.kind = 'factory' OR f.id = me.upstream_location_id)"},
      {"request_holds_lock", "SELECT pg_advisory_xact_lock(7301, $1::int)"},
      {"request_holds_open",
       "SELECT count(*) FROM inventory.requests WHERE requested_by = $1 AND action = 'transfer'"
       " AND hold IN ('requested', 'held')"},
      {"request_insert",
       "INSERT INTO inventory.requests (action, product_id, quantity, from_location_id, to_location_id, "
       "reason,"
       " hold, requested_by, expires_at, request_id)"
       " VALUES ($1, $2, $3::numeric, $4, $5, $6, $7, $8, now() + make_interval(hours => $9), $10) RETURNING "
       "id"},
      {"request_find", select + " WHERE r.id = $1"},
      {"request_find_locked", select + " WHERE r.id = $1 FOR UPDATE"},
      {"request_page", select +
                           " WHERE ($1::bigint IS NULL OR r.id < $1) AND ($2::text IS NULL OR r.status = $2)"
                           " AND ($3::bigint IS NULL OR r.requested_by = $3) ORDER BY r.id DESC LIMIT $4"},
      {"request_link_transfer", "UPDATE inventory.requests SET transfer_id = $2 WHERE id = $1"},
      {"request_adjustment_insert",
       "INSERT INTO inventory.adjustments (product_id, location_id, quantity_delta, reason, requested_by,"
       " request_id) VALUES ($1, $2, $3::numeric, $4, $5, $6) RETURNING id"},
      {"request_link_adjustment", "UPDATE inventory.requests SET adjustment_id = $2 WHERE id = $1"},
      {"request_decide",
       "UPDATE inventory.requests SET status = $2, decided_by = $3, decision_comment = $4, decided_at = "
       "now(),"
       " updated_at = now(), version = version + 1 WHERE id = $1"},
  };
}

bool PgRequestStore::product_active(std::int64_t product_id) {
  return !unit_.txn().exec_prepared("request_product_active", product_id).empty();
}

bool PgRequestStore::location_active(std::int64_t location_id) {
  return !unit_.txn().exec_prepared("request_location_active", location_id).empty();
}

bool PgRequestStore::source_is_up_the_chain(std::int64_t source, std::int64_t requester_location) {
  return !unit_.txn().exec_prepared("request_source_up_the_chain", source, requester_location).empty();
}

int PgRequestStore::lock_and_count_open_holds(std::int64_t requester) {
  unit_.txn().exec_prepared("request_holds_lock", static_cast<int>(requester));
  return unit_.txn().exec_prepared1("request_holds_open", requester)[0].as<int>();
}

std::int64_t PgRequestStore::insert(const NewRequest& q) {
  return unit_.txn()
      .exec_prepared1("request_insert", q.action, q.product_id, q.quantity, q.from_location_id,
                      q.to_location_id, q.reason, q.hold, q.requested_by, q.sla_hours, q.request_id)[0]
      .as<std::int64_t>();
}

std::optional<RequestRecord> PgRequestStore::find(std::int64_t id, bool for_update) {
  auto rows = unit_.txn().exec_prepared(for_update ? "request_find_locked" : "request_find", id);
  if (rows.empty()) return std::nullopt;
  return read_request(rows[0]);
}

std::vector<RequestRecord> PgRequestStore::page(const RequestFilter& f) {
  std::vector<RequestRecord> out;
  for (const auto& r :
       unit_.txn().exec_prepared("request_page", f.after_id, f.status, f.requested_by, f.limit + 1)) {
    out.push_back(read_request(r));
  }
  return out;
}

void PgRequestStore::link_transfer(std::int64_t id, std::int64_t transfer_id) {
  unit_.txn().exec_prepared("request_link_transfer", id, transfer_id);
}

std::int64_t PgRequestStore::insert_adjustment(const NewAdjustment& a) {
  return unit_.txn()
      .exec_prepared1("request_adjustment_insert", a.product_id, a.location_id, a.quantity_delta, a.reason,
                      a.requested_by, a.request_id)[0]
      .as<std::int64_t>();
}

void PgRequestStore::link_adjustment(std::int64_t id, std::int64_t adjustment_id) {
  unit_.txn().exec_prepared("request_link_adjustment", id, adjustment_id);
}

void PgRequestStore::decide(std::int64_t id, const std::string& status, std::int64_t decided_by,
                            const std::optional<std::string>& comment) {
  unit_.txn().exec_prepared("request_decide", id, status, decided_by, comment);
}

}  // namespace ims::infra

namespace ims::infra::requests {

std::vector<ExpiredRequest> expire_overdue(UnitOfWork& unit) {
  auto rows = unit.txn().exec(
      "UPDATE inventory.requests SET status = 'expired', updated_at = now(), version = version + 1"
      " WHERE status = 'pending' AND expires_at < now()"
      " RETURNING id, number, action, product_id, from_location_id, to_location_id");
  std::vector<ExpiredRequest> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    out.push_back({r[0].as<std::int64_t>(), r[1].as<std::string>(), r[2].as<std::string>(),
                   r[3].as<std::int64_t>(), r[4].as<std::int64_t>(), nullable<std::int64_t>(r[5])});
  }
  return out;
}

}  // namespace ims::infra::requests
