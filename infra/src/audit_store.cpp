#include "ims/infra/audit_store.hpp"

#include "ims/infra/pg.hpp"

namespace ims::infra {

PreparedStatements PgAuditLog::statements() {
  return {
      {"audit_list",
       "SELECT id, actor_id, action, entity, entity_id, before::text, after::text, request_id,"
       " to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
       " FROM audit.log WHERE ($1::bigint IS NULL OR id < $1) AND ($2::text IS NULL OR entity = $2)"
       " AND ($3::text IS NULL OR entity_id = $3) AND ($4::text IS NULL OR action = $4)"
       " AND ($5::bigint IS NULL OR actor_id = $5) AND ($6::text IS NULL OR request_id = $6)"
       " ORDER BY id DESC LIMIT $7"},
  };
}

std::vector<AuditRecord> PgAuditLog::list(const AuditFilter& f) {
  std::vector<AuditRecord> out;
  for (const auto& r : unit_.txn().exec_prepared("audit_list", f.before_id, f.entity, f.entity_id, f.action,
                                                 f.actor_id, f.request_id, f.limit + 1)) {
    out.push_back({r[0].as<std::int64_t>(), nullable<std::int64_t>(r[1]), r[2].as<std::string>(),
                   r[3].as<std::string>(), nullable<std::string>(r[4]), nullable<std::string>(r[5]),
                   nullable<std::string>(r[6]), nullable<std::string>(r[7]), r[8].as<std::string>()});
  }
  return out;
}

}  // namespace ims::infra
