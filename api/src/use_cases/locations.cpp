#include "ims/api/use_cases/locations.hpp"

#include "ims/api/use_cases/change_record.hpp"
#include "ims/api/use_cases/refusals.hpp"

namespace ims::api {
namespace {

using domain::Error;
using domain::ErrorCode;
using domain::FieldError;
using nlohmann::json;

Error not_found() {
  return Error::of(ErrorCode::not_found, "no such location");
}

// What the stored chain says about the fields: the upstream exists, the chain does not loop back
// to `self` (an existing location), the code is free.
std::vector<FieldError> chain_errors(infra::LocationStore& locations, const infra::LocationFields& f,
                                     std::optional<std::int64_t> self) {
  std::vector<FieldError> errors;
  if (const auto& up = f.upstream_location_id) {
    if (!locations.exists(*up)) {
      errors.push_back({"upstream_location_id", "does not exist"});
    } else if (self && locations.upstream_reaches(*up, *self)) {
      errors.push_back({"upstream_location_id", "would make the chain loop"});
    }
  }
  if (locations.code_taken(f.code, self)) errors.push_back({"code", "is taken"});
  return errors;
}

void audit_location(const Caller& by, infra::AuditTrail& audit, const char* action, std::int64_t id,
                    const std::optional<infra::LocationRecord>& before,
                    const std::optional<infra::LocationRecord>& after) {
  record_change(by, audit, action, "location", id,
                before ? std::optional(location_json(*before)) : std::nullopt,
                after ? std::optional(location_json(*after)) : std::nullopt);
}

}  // namespace

json location_json(const infra::LocationRecord& l) {
  return json{{"id", l.id},
              {"code", l.fields.code},
              {"name", l.fields.name},
              {"kind", l.fields.kind},
              {"upstream_location_id", or_null(l.fields.upstream_location_id)},
              {"is_active", l.is_active},
              {"version", l.version}};
}

domain::Result<std::vector<infra::LocationRecord>> list_locations(const infra::LocationFilter& filter,
                                                                  infra::LocationStore& locations) {
  return locations.list(filter);
}

domain::Result<infra::LocationRecord> get_location(std::int64_t id, infra::LocationStore& locations) {
  auto location = locations.find(id, false);
  if (!location) return not_found();
  return *location;
}

domain::Result<infra::LocationRecord> create_location(const Caller& by, const infra::LocationFields& fields,
                                                      infra::LocationStore& locations,
                                                      infra::AuditTrail& audit) {
  if (auto errors = chain_errors(locations, fields, std::nullopt); !errors.empty())
    return field_refusal(errors);
  const auto id = locations.insert(fields);
  auto created = locations.find(id, false);
  audit_location(by, audit, "location.create", id, std::nullopt, created);
  return *created;
}

domain::Result<infra::LocationRecord> update_location(const Caller& by, const LocationChange& change,
                                                      infra::LocationStore& locations,
                                                      infra::AuditTrail& audit) {
  auto before = locations.find(change.id, true);
  if (!before) return not_found();
  if (auto stale = domain::stale_version(change.if_match, before->version, "location")) return *stale;
  if (auto errors = chain_errors(locations, change.fields, change.id); !errors.empty())
    return field_refusal(errors);
  locations.update(change.id, change.fields);
  auto after = locations.find(change.id, false);
  audit_location(by, audit, "location.update", change.id, before, after);
  return *after;
}

domain::Status delete_location(const Caller& by, const LocationRemoval& removal,
                               infra::LocationStore& locations, infra::AuditTrail& audit) {
  auto before = locations.find(removal.id, true);
  if (!before) return not_found();
  if (!locations.remove(removal.id)) {
    return Error::of(ErrorCode::conflict, "the record is referenced by or refers to another");
  }
  audit_location(by, audit, "location.delete", removal.id, before, std::nullopt);
  return domain::ok_status();
}

}  // namespace ims::api
