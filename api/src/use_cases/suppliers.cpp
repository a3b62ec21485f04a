#include "ims/api/use_cases/suppliers.hpp"

#include "ims/api/use_cases/change_record.hpp"

namespace ims::api {
namespace {

using domain::Error;
using domain::ErrorCode;
using nlohmann::json;

Error not_found() {
  return Error::of(ErrorCode::not_found, "no such supplier");
}

void audit_supplier(const Caller& by, infra::AuditTrail& audit, const char* action, std::int64_t id,
                    const std::optional<infra::SupplierRecord>& before,
                    const std::optional<infra::SupplierRecord>& after) {
  record_change(by, audit, action, "supplier", id,
                before ? std::optional(supplier_json(*before)) : std::nullopt,
                after ? std::optional(supplier_json(*after)) : std::nullopt);
}

}  // namespace

json supplier_json(const infra::SupplierRecord& s) {
  return json{{"id", s.id},
              {"name", s.fields.name},
              {"email", or_null(s.fields.email)},
              {"phone", or_null(s.fields.phone)},
              {"payment_terms", or_null(s.fields.payment_terms)},
              {"is_active", s.is_active},
              {"version", s.version}};
}

domain::Result<std::vector<infra::SupplierRecord>> list_suppliers(const infra::SupplierFilter& filter,
                                                                  infra::SupplierStore& suppliers) {
  return suppliers.list(filter);
}

domain::Result<infra::SupplierRecord> get_supplier(std::int64_t id, infra::SupplierStore& suppliers) {
  auto supplier = suppliers.find(id, false);
  if (!supplier) return not_found();
  return *supplier;
}

domain::Result<infra::SupplierRecord> create_supplier(const Caller& by, const infra::SupplierFields& fields,
                                                      infra::SupplierStore& suppliers,
                                                      infra::AuditTrail& audit) {
  const auto id = suppliers.insert(fields);
  auto created = suppliers.find(id, false);
  audit_supplier(by, audit, "supplier.create", id, std::nullopt, created);
  return *created;
}

domain::Result<infra::SupplierRecord> update_supplier(const Caller& by, const SupplierChange& change,
                                                      infra::SupplierStore& suppliers,
                                                      infra::AuditTrail& audit) {
  auto before = suppliers.find(change.id, true);
  if (!before) return not_found();
  if (auto stale = domain::stale_version(change.if_match, before->version, "supplier")) return *stale;
  suppliers.update(change.id, change.fields);
  auto after = suppliers.find(change.id, false);
  audit_supplier(by, audit, "supplier.update", change.id, before, after);
  return *after;
}

domain::Result<infra::SupplierRecord> set_supplier_status(const Caller& by,
                                                          const SupplierStatusChange& change,
                                                          infra::SupplierStore& suppliers,
                                                          infra::AuditTrail& audit) {
  auto before = suppliers.find(change.id, true);
  if (!before) return not_found();
  if (auto stale = domain::stale_version(change.if_match, before->version, "supplier")) return *stale;
  suppliers.set_active(change.id, change.is_active);
  auto after = suppliers.find(change.id, false);
  audit_supplier(by, audit, change.is_active ? "supplier.activate" : "supplier.deactivate", change.id, before,
                 after);
  return *after;
}

domain::Status delete_supplier(const Caller& by, const SupplierRemoval& removal,
                               infra::SupplierStore& suppliers, infra::AuditTrail& audit) {
  auto before = suppliers.find(removal.id, true);
  if (!before) return not_found();
  if (const auto used = suppliers.products_supplied(removal.id); used > 0) {
    return Error::of(ErrorCode::conflict, "the supplier is referenced by " + std::to_string(used) +
                                              " product(s); deactivate it instead");
  }
  suppliers.remove(removal.id);
  audit_supplier(by, audit, "supplier.delete", removal.id, before, std::nullopt);
  return domain::ok_status();
}

}  // namespace ims::api
