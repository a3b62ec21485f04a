#pragma once
// The verbs of /products and /products/{id}/bom, one use case each. Each takes the caller, the
// decoded command and the stores of its unit of work, and returns the outcome; PgSession::unit
// commits only a success.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ims/api/use_cases/caller.hpp"
#include "ims/domain/result.hpp"
#include "ims/infra/audit_store.hpp"
#include "ims/infra/bom_store.hpp"
#include "ims/infra/product_store.hpp"

namespace ims::api {

// The JSON of a product (money as decimal strings): the API's body and the audit's before/after.
nlohmann::json product_json(const infra::ProductRecord& product);

struct ProductChange {
  std::int64_t id = 0;
  std::optional<std::string> if_match;
  infra::ProductFields fields;  // already decoded and checked on their own (SKU, GTIN, kind)
};

struct ProductRemoval {
  std::int64_t id = 0;
};

domain::Result<std::vector<infra::ProductRecord>> list_products(const infra::ProductFilter& filter,
                                                                infra::ProductStore& products);
domain::Result<infra::ProductRecord> get_product(std::int64_t id, infra::ProductStore& products);
// Refused with 409 when another product has the SKU or GTIN, 422 when the supplier does not exist.
domain::Result<infra::ProductRecord> create_product(const Caller& by, const infra::ProductFields& fields,
                                                    infra::ProductStore& products, infra::AuditTrail& audit);
domain::Result<infra::ProductRecord> update_product(const Caller& by, const ProductChange& change,
                                                    infra::ProductStore& products, infra::AuditTrail& audit);
// A product that stock, movements, orders or a BOM refer to is kept by the foreign keys (409).
domain::Status delete_product(const Caller& by, const ProductRemoval& removal, infra::ProductStore& products,
                              infra::AuditTrail& audit);

// A bill of materials: the finished good and its lines, by material id.
struct BillOfMaterials {
  std::int64_t product_id = 0;
  std::vector<infra::BomLineRecord> lines;
};
nlohmann::json bom_json(const BillOfMaterials& bom);

struct BomReplacement {
  std::int64_t product_id = 0;
  std::vector<infra::BomLine> lines;  // decoded: distinct materials, quantities in range
};

domain::Result<BillOfMaterials> get_bom(std::int64_t product_id, infra::BomStore& boms);
// Only a finished good has one, and only raw materials go in it (422 naming the line otherwise).
domain::Result<BillOfMaterials> replace_bom(const Caller& by, const BomReplacement& replacement,
                                            infra::BomStore& boms, infra::AuditTrail& audit);

}  // namespace ims::api
