#include "ims/infra/request_store.hpp"

#include "ims/infra/pg.hpp"

namespace ims::infra::requests {

bool source_is_up_the_chain(pqxx::work& txn, std::int64_t source, std::int64_t requester_location) {
  return !txn.exec_params("SELECT 1 FROM inventory.locations f, inventory.locations me WHERE f.id = $1 AND f.is_active"
                          " AND me.id = $2 AND (f.kind = 'factory' OR f.id = me.upstream_location_id)",
                          source, requester_location)
              .empty();
}

int lock_and_count_open_holds(pqxx::work& txn, std::int64_t requester) {
  txn.exec_params("SELECT pg_advisory_xact_lock(7301, $1::int)", static_cast<int>(requester));
  return txn.exec_params1("SELECT count(*) FROM inventory.requests WHERE requested_by = $1 AND action = 'transfer'"
                          " AND hold IN ('requested', 'held')",
                          requester)[0]
      .as<int>();
}

std::vector<ExpiredRequest> expire_overdue(pqxx::work& txn) {
  auto rows = txn.exec(
      "UPDATE inventory.requests SET status = 'expired', updated_at = now(), version = version + 1"
      " WHERE status = 'pending' AND expires_at < now()"
      " RETURNING id, number, action, product_id, from_location_id, to_location_id");
  std::vector<ExpiredRequest> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    out.push_back({r[0].as<std::int64_t>(), r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<std::int64_t>(),
                   r[4].as<std::int64_t>(), nullable<std::int64_t>(r[5])});
  }
  return out;
}

}  // namespace ims::infra::requests
