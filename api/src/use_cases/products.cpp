#include "ims/api/use_cases/products.hpp"

#include "ims/api/use_cases/change_record.hpp"
#include "ims/api/use_cases/refusals.hpp"
#include "ims/domain/catalog.hpp"

namespace ims::api {
namespace {

using domain::Error;
using domain::ErrorCode;
using domain::FieldError;
using nlohmann::json;

Error no_product() {
  return Error::of(ErrorCode::not_found, "no such product");
}

// Uniqueness and references, checked so the answer names the field (the database enforces them too).
std::vector<FieldError> reference_errors(infra::ProductStore& products, const infra::ProductFields& f,
                                         std::optional<std::int64_t> self) {
  std::vector<FieldError> errors;
  if (products.sku_taken(f.sku, self)) errors.push_back({"sku", "is taken"});
  if (f.gtin && products.gtin_taken(*f.gtin, self)) errors.push_back({"gtin", "is taken"});
  if (f.supplier_id && !products.supplier_exists(*f.supplier_id))
    errors.push_back({"supplier_id", "does not exist"});
  return errors;
}

std::optional<json> as_json(const std::optional<infra::ProductRecord>& p) {
  return p ? std::optional(product_json(*p)) : std::nullopt;
}

}  // namespace

json product_json(const infra::ProductRecord& p) {
  const auto& f = p.fields;
  return json{{"id", p.id},
              {"sku", f.sku},
              {"name", f.name},
              {"kind", f.kind},
              {"category", or_null(f.category)},
              {"unit_of_measure", f.unit_of_measure},
              {"price", domain::format_money(f.price_cents)},
              {"cost", domain::format_money(f.cost_cents)},
              {"gtin", or_null(f.gtin)},
              {"supplier_id", or_null(f.supplier_id)},
              {"is_active", f.is_active},
              {"version", p.version},
              {"created_at", p.created_at},
              {"updated_at", p.updated_at}};
}

domain::Result<std::vector<infra::ProductRecord>> list_products(const infra::ProductFilter& filter,
                                                                infra::ProductStore& products) {
  return products.list(filter);
}

domain::Result<infra::ProductRecord> get_product(std::int64_t id, infra::ProductStore& products) {
  auto product = products.find(id, false);
  if (!product) return no_product();
  return *product;
}

domain::Result<infra::ProductRecord> create_product(const Caller& by, const infra::ProductFields& fields,
                                                    infra::ProductStore& products, infra::AuditTrail& audit) {
  if (auto errors = reference_errors(products, fields, std::nullopt); !errors.empty())
    return field_refusal(errors);
  const auto id = products.insert(fields);
  auto created = products.find(id, false);
  record_change(by, audit, "product.create", "product", id, std::nullopt, as_json(created));
  return *created;
}

domain::Result<infra::ProductRecord> update_product(const Caller& by, const ProductChange& change,
                                                    infra::ProductStore& products, infra::AuditTrail& audit) {
  auto before = products.find(change.id, true);
  if (!before) return no_product();
  if (auto stale = domain::stale_version(change.if_match, before->version, "product")) return *stale;
  if (auto errors = reference_errors(products, change.fields, change.id); !errors.empty()) {
    return field_refusal(errors);
  }
  products.update(change.id, change.fields);
  auto after = products.find(change.id, false);
  record_change(by, audit, "product.update", "product", change.id, as_json(before), as_json(after));
  return *after;
}

domain::Status delete_product(const Caller& by, const ProductRemoval& removal, infra::ProductStore& products,
                              infra::AuditTrail& audit) {
  auto before = products.find(removal.id, false);
  if (!before) return no_product();
  products.remove(removal.id);
  record_change(by, audit, "product.delete", "product", removal.id, as_json(before), std::nullopt);
  return domain::ok_status();
}

json bom_json(const BillOfMaterials& bom) {
  json lines = json::array();
  for (const auto& l : bom.lines) {
    lines.push_back({{"material_id", l.material_id},
                     {"sku", l.sku},
                     {"name", l.name},
                     {"unit_of_measure", l.unit_of_measure},
                     {"quantity_per_unit", std::stod(l.quantity_per_unit)}});
  }
  return json{{"product_id", bom.product_id}, {"lines", lines}};
}

domain::Result<BillOfMaterials> get_bom(std::int64_t product_id, infra::BomStore& boms) {
  if (!boms.product_exists(product_id)) return no_product();
  return BillOfMaterials{product_id, boms.lines(product_id)};
}

domain::Result<BillOfMaterials> replace_bom(const Caller& by, const BomReplacement& replacement,
                                            infra::BomStore& boms, infra::AuditTrail& audit) {
  const auto id = replacement.product_id;
  auto kind = boms.product_kind(id, true);
  if (!kind) return no_product();
  if (*kind != "finished_good") {
    return Error::validation({{"product_id", "only finished goods have a bill of materials"}});
  }
  std::vector<FieldError> errors;
  for (std::size_t i = 0; i < replacement.lines.size(); ++i) {
    auto material = boms.product_kind(replacement.lines[i].material_id, false);
    const auto at = "lines[" + std::to_string(i) + "].material_id";
    if (!material) {
      errors.push_back({at, "does not exist"});
    } else if (*material != "raw_material") {
      errors.push_back({at, "must be a raw material"});
    }
  }
  if (!errors.empty()) return Error::validation(errors);
  const BillOfMaterials before{id, boms.lines(id)};
  boms.replace(id, replacement.lines);
  BillOfMaterials after{id, boms.lines(id)};
  record_change(by, audit, "product.bom.replace", "product", id, bom_json(before), bom_json(after));
  return after;
}

}  // namespace ims::api
