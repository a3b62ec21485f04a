#include "ims/api/use_cases/customers.hpp"

#include "ims/api/use_cases/change_record.hpp"

namespace ims::api {
namespace {

using domain::Error;
using domain::ErrorCode;
using nlohmann::json;

Error not_found() {
  return Error::of(ErrorCode::not_found, "no such customer");
}

Error phone_taken() {
  return Error{ErrorCode::conflict,
               "another customer of this location has this phone",
               {{"phone", "is taken by another customer of this location"}},
               0};
}

// The customer if the actor may see it: another location's does not exist for a store's users.
std::optional<infra::CustomerRecord> visible(const domain::Actor& actor,
                                             std::optional<infra::CustomerRecord> customer) {
  if (!customer || !domain::can_access_location(actor, customer->location_id)) return std::nullopt;
  return customer;
}

// Changing a customer takes seeing all of it: its location's users and admins.
std::optional<Error> refuse_change(const domain::Actor& actor, const infra::CustomerRecord& customer) {
  if (sees_personal_data(actor, customer)) return std::nullopt;
  return Error::of(ErrorCode::forbidden, "only the customer's location and admins may change a customer");
}

// The audit row keeps the customer without its personal data.
void audit_customer(const Caller& by, infra::AuditTrail& audit, const char* action, std::int64_t id,
                    const std::optional<infra::CustomerRecord>& before,
                    const std::optional<infra::CustomerRecord>& after) {
  record_change(by, audit, action, "customer", id,
                before ? std::optional(customer_json(*before, false)) : std::nullopt,
                after ? std::optional(customer_json(*after, false)) : std::nullopt);
}

}  // namespace

bool sees_personal_data(const domain::Actor& viewer, const infra::CustomerRecord& customer) {
  return viewer.role == domain::Role::admin || viewer.location_id == customer.location_id;
}

json customer_json(const infra::CustomerRecord& c, bool personal) {
  auto personal_field = [&](const std::optional<std::string>& v) {
    return personal ? or_null(v) : json(nullptr);
  };
  return json{{"id", c.id},
              {"location_id", c.location_id},
              {"name", c.name},
              {"phone", personal_field(c.phone)},
              {"email", personal_field(c.email)},
              {"address", personal_field(c.address)},
              {"tax_id", personal_field(c.tax_id)},
              {"notes", personal_field(c.notes)},
              {"is_active", c.is_active},
              {"anonymized", c.anonymized},
              {"version", c.version},
              {"created_at", c.created_at},
              {"updated_at", c.updated_at}};
}

json customer_json(const domain::Actor& viewer, const infra::CustomerRecord& customer) {
  return customer_json(customer, sees_personal_data(viewer, customer));
}

domain::Result<std::vector<infra::CustomerRecord>> list_customers(const Caller& by,
                                                                  const infra::CustomerFilter& filter,
                                                                  infra::CustomerStore& customers) {
  const auto& actor = by.actor;
  auto scoped = filter;
  // Only who may see phones and emails searches them (a manufacturer could otherwise probe them).
  scoped.q_personal = actor.role == domain::Role::admin || domain::is_location_scoped(actor.role);
  // A store's users see their own location's customers, whatever location they ask for.
  if (domain::is_location_scoped(actor.role)) {
    if (scoped.location_id && scoped.location_id != actor.location_id) scoped.location_id = -1;
    if (!scoped.location_id) scoped.location_id = actor.location_id.value_or(-1);
  }
  return customers.list(scoped);
}

domain::Result<infra::CustomerRecord> get_customer(const Caller& by, std::int64_t id,
                                                   infra::CustomerStore& customers) {
  auto customer = visible(by.actor, customers.find(id));
  if (!customer) return not_found();
  return *customer;
}

domain::Result<infra::CustomerRecord> create_customer(const Caller& by, const NewCustomer& customer,
                                                      infra::CustomerStore& customers,
                                                      infra::LocationStore& locations,
                                                      infra::AuditTrail& audit) {
  if (!locations.exists(customer.location_id)) return Error::validation({{"location_id", "does not exist"}});
  auto id = customers.insert(customer.location_id, customer.fields, by.actor.user_id);
  if (!id) return phone_taken();
  auto created = customers.find(*id);
  audit_customer(by, audit, "customer.create", *id, std::nullopt, created);
  return *created;
}

domain::Result<infra::CustomerRecord> update_customer(const Caller& by, const CustomerChange& change,
                                                      infra::CustomerStore& customers,
                                                      infra::AuditTrail& audit) {
  auto before = visible(by.actor, customers.find_locked(change.id));
  if (!before) return not_found();
  if (auto refused = refuse_change(by.actor, *before)) return *refused;
  if (auto stale = domain::stale_version(change.if_match, before->version, "customer")) return *stale;
  if (before->anonymized) return Error::of(ErrorCode::conflict, "an anonymized customer cannot be edited");
  if (!customers.update(change.id, change.fields)) return phone_taken();
  auto after = customers.find(change.id);
  audit_customer(by, audit, "customer.update", change.id, before, after);
  return *after;
}

domain::Status deactivate_customer(const Caller& by, const CustomerRemoval& removal,
                                   infra::CustomerStore& customers, infra::AuditTrail& audit) {
  auto before = visible(by.actor, customers.find_locked(removal.id));
  if (!before) return not_found();
  if (auto refused = refuse_change(by.actor, *before)) return *refused;
  if (before->is_active) {
    customers.deactivate(removal.id);
    audit_customer(by, audit, "customer.deactivate", removal.id, before, customers.find(removal.id));
  }
  return domain::ok_status();
}

domain::Result<infra::CustomerRecord> anonymize_customer(const Caller& by, const CustomerRemoval& removal,
                                                         infra::CustomerStore& customers,
                                                         infra::AuditTrail& audit) {
  auto before = visible(by.actor, customers.find_locked(removal.id));
  if (!before) return not_found();
  if (auto refused = refuse_change(by.actor, *before)) return *refused;
  customers.anonymize(removal.id);
  auto after = customers.find(removal.id);
  audit_customer(by, audit, "customer.anonymize", removal.id, std::nullopt, after);
  return *after;
}

}  // namespace ims::api
