#pragma once
// SQL of sales.customers: the people a location sells to. Typed records only; every function works
// inside the caller's transaction.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "ims/infra/customer_records.hpp"

namespace ims::infra {

namespace customers {
std::optional<CustomerRecord> find(pqxx::work& txn, std::int64_t id, bool for_update = false);
std::vector<CustomerRecord> list(pqxx::work& txn, const CustomerFilter& filter);  // up to limit + 1
// nullopt when the phone is already another customer's at the location.
std::optional<std::int64_t> insert(pqxx::work& txn, std::int64_t location_id, const CustomerFields& fields,
                                   std::int64_t created_by);
// false when the phone is already another customer's at the location.
bool update(pqxx::work& txn, std::int64_t id, const CustomerFields& fields);
void deactivate(pqxx::work& txn, std::int64_t id);
void anonymize(pqxx::work& txn, std::int64_t id);
// The location's customer with this phone, else with this email (case-insensitive), else none.
std::optional<CustomerRecord> match(pqxx::work& txn, std::int64_t location_id,
                                    const std::optional<std::string>& phone,
                                    const std::optional<std::string>& email);
// The customer as JSON; phone, email, address and tax id only when `personal` (their location's
// users and admins), null otherwise.
std::string to_json(const CustomerRecord& customer, bool personal);
}  // namespace customers

}  // namespace ims::infra
