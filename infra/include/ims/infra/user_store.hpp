#pragma once
// The few functions on a bare pqxx::work that code outside the use cases still calls (the ims CLI
// seeds users, older handlers look a location up, the schedules write audit rows). Each works inside
// the caller's transaction and runs the same statements as the stores. The use cases take the
// stores instead: user_records.hpp (UserStore, LocationLookup), account_store.hpp, session_store.hpp.
#include <cstdint>
#include <optional>
#include <string>

#include <pqxx/pqxx>

#include "ims/infra/audit_store.hpp"
#include "ims/infra/user_records.hpp"

namespace ims::infra {

namespace users {
std::optional<UserRecord> find_by_username(pqxx::work& txn, const std::string& username);
std::int64_t insert(pqxx::work& txn, const NewUserRow& row);
}  // namespace users

namespace locations {
std::optional<LocationSummary> find(pqxx::work& txn, std::int64_t id);
std::optional<LocationSummary> find_by_code(pqxx::work& txn, const std::string& code);  // active ones only
}  // namespace locations

namespace audit {
void record(pqxx::work& txn, const AuditEntry& entry);
}

}  // namespace ims::infra
