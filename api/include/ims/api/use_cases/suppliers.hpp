#pragma once
// The verbs of /suppliers, one use case each. Each takes the caller, the decoded command and the
// stores of its unit of work, and returns the outcome; PgSession::unit commits only a success.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ims/api/use_cases/caller.hpp"
#include "ims/domain/result.hpp"
#include "ims/infra/audit_store.hpp"
#include "ims/infra/supplier_store.hpp"

namespace ims::api {

// The JSON of a supplier: the API's body and the audit trail's before/after.
nlohmann::json supplier_json(const infra::SupplierRecord& supplier);

struct SupplierChange {
  std::int64_t id = 0;
  std::optional<std::string> if_match;
  infra::SupplierFields fields;
};

struct SupplierStatusChange {
  std::int64_t id = 0;
  std::optional<std::string> if_match;
  bool is_active = true;
};

struct SupplierRemoval {
  std::int64_t id = 0;
};

domain::Result<std::vector<infra::SupplierRecord>> list_suppliers(const infra::SupplierFilter& filter,
                                                                  infra::SupplierStore& suppliers);
domain::Result<infra::SupplierRecord> get_supplier(std::int64_t id, infra::SupplierStore& suppliers);
domain::Result<infra::SupplierRecord> create_supplier(const Caller& by, const infra::SupplierFields& fields,
                                                      infra::SupplierStore& suppliers,
                                                      infra::AuditTrail& audit);
domain::Result<infra::SupplierRecord> update_supplier(const Caller& by, const SupplierChange& change,
                                                      infra::SupplierStore& suppliers,
                                                      infra::AuditTrail& audit);
domain::Result<infra::SupplierRecord> set_supplier_status(const Caller& by,
                                                          const SupplierStatusChange& change,
                                                          infra::SupplierStore& suppliers,
                                                          infra::AuditTrail& audit);
// Refused while a product names the supplier: deactivating keeps the history intact.
domain::Status delete_supplier(const Caller& by, const SupplierRemoval& removal,
                               infra::SupplierStore& suppliers, infra::AuditTrail& audit);

}  // namespace ims::api
