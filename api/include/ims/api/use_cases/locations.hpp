#pragma once
// The verbs of /locations, one use case each. Each takes the caller, the decoded command and the
// stores of its unit of work, and returns the outcome; PgSession::unit commits only a success.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ims/api/use_cases/caller.hpp"
#include "ims/domain/result.hpp"
#include "ims/infra/audit_store.hpp"
#include "ims/infra/location_store.hpp"

namespace ims::api {

// The JSON of a location: the API's body and the audit trail's before/after.
nlohmann::json location_json(const infra::LocationRecord& location);

struct LocationChange {
  std::int64_t id = 0;
  std::optional<std::string> if_match;
  infra::LocationFields fields;  // already decoded and checked on their own (code, kind ↔ upstream)
};

struct LocationRemoval {
  std::int64_t id = 0;
};

domain::Result<std::vector<infra::LocationRecord>> list_locations(const infra::LocationFilter& filter,
                                                                  infra::LocationStore& locations);
domain::Result<infra::LocationRecord> get_location(std::int64_t id, infra::LocationStore& locations);
// Refused with 422 when the upstream does not exist (or, on update, would make the chain loop) and
// with 409 "code is taken" when another location has the code.
domain::Result<infra::LocationRecord> create_location(const Caller& by, const infra::LocationFields& fields,
                                                      infra::LocationStore& locations,
                                                      infra::AuditTrail& audit);
domain::Result<infra::LocationRecord> update_location(const Caller& by, const LocationChange& change,
                                                      infra::LocationStore& locations,
                                                      infra::AuditTrail& audit);
// Refused (409) while users, stock, movements, orders or downstream locations refer to it.
domain::Status delete_location(const Caller& by, const LocationRemoval& removal,
                               infra::LocationStore& locations, infra::AuditTrail& audit);

}  // namespace ims::api
