// /products: the catalog. Read by everyone; written by manufacturer and admin.
#include <nlohmann/json.hpp>

#include "ims/api/resource.hpp"
#include "ims/domain/catalog.hpp"
#include "ims/infra/pg.hpp"
#include "ims/infra/user_store.hpp"

namespace ims::api {
namespace {

using domain::Error;
using domain::ErrorCode;
using nlohmann::json;

constexpr const char* product_columns =
    "p.id, p.sku, p.name, p.kind, p.category, p.unit_of_measure, (p.price * 100)::bigint, (p.cost * 100)::bigint,"
    " p.gtin, p.supplier_id, p.is_active, p.version,"
    " to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
    " to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";

json product_json(const pqxx::row& r) {
  return json{{"id", r[0].as<std::int64_t>()},
              {"sku", r[1].as<std::string>()},
              {"name", r[2].as<std::string>()},
              {"kind", r[3].as<std::string>()},
              {"category", r[4].is_null() ? json(nullptr) : json(r[4].as<std::string>())},
              {"unit_of_measure", r[5].as<std::string>()},
              {"price", domain::format_money(r[6].as<std::int64_t>())},
              {"cost", domain::format_money(r[7].as<std::int64_t>())},
              {"gtin", r[8].is_null() ? json(nullptr) : json(r[8].as<std::string>())},
              {"supplier_id", r[9].is_null() ? json(nullptr) : json(r[9].as<std::int64_t>())},
              {"is_active", r[10].as<bool>()},
              {"version", r[11].as<int>()},
              {"created_at", r[12].as<std::string>()},
              {"updated_at", r[13].as<std::string>()}};
}

std::optional<json> find_product(pqxx::work& txn, std::int64_t id) {
  auto rows = txn.exec_params(std::string("SELECT ") + product_columns + " FROM catalog.products p WHERE p.id = $1", id);
  if (rows.empty()) return std::nullopt;
  return product_json(rows[0]);
}

Response not_found() { return problem(Error::of(ErrorCode::not_found, "no such product")); }


// Money may come as a JSON number or a decimal string.
std::optional<std::int64_t> read_money(FieldReader& in, const json& body, const char* name) {
  if (!body.contains(name) || body[name].is_null()) {
    in.fail(name, "is required");
    return std::nullopt;
  }
  const auto& v = body[name];
  std::optional<std::int64_t> cents;
  if (v.is_number()) cents = domain::money_from_double(v.get<double>());
  if (v.is_string()) cents = domain::parse_money(v.get<std::string>());
  if (!cents || *cents > domain::max_price_cents) {
    in.fail(name, "must be a non-negative amount with at most 2 decimals, at most " + domain::format_money(domain::max_price_cents));
    return std::nullopt;
  }
  return cents;
}

struct ProductFields {
  std::string sku, name, kind, unit_of_measure;
  std::optional<std::string> category, gtin;
  std::optional<std::int64_t> supplier_id;
  std::int64_t price = 0, cost = 0;
  bool is_active = true;
};

ProductFields read_product(FieldReader& in, const json& body) {
  ProductFields f;
  f.sku = in.required_string("sku", 64);
  f.name = in.required_string("name", 200);
  f.kind = in.required_string("kind", 32);
  f.unit_of_measure = in.required_string("unit_of_measure", 16);
  f.category = in.optional_string("category", 100);
  f.gtin = in.optional_string("gtin", 14);
  f.supplier_id = in.optional_id("supplier_id");
  f.is_active = in.optional_bool("is_active").value_or(true);
  f.price = read_money(in, body, "price").value_or(0);
  f.cost = read_money(in, body, "cost").value_or(0);
  if (in.has("sku")) {
    if (auto why = domain::check_sku(f.sku)) in.fail("sku", *why);
  }
  if (in.has("name") && f.name.empty()) in.fail("name", "must not be empty");
  if (in.has("kind") && f.kind != "finished_good" && f.kind != "raw_material") {
    in.fail("kind", "must be finished_good or raw_material");
  }
  if (in.has("unit_of_measure") && f.unit_of_measure.empty()) in.fail("unit_of_measure", "must not be empty");
  if (f.gtin) {
    if (auto why = domain::check_gtin(*f.gtin)) in.fail("gtin", *why);
  }
  return f;
}

// Uniqueness and references, checked so the answer names the field (the database enforces them too).
void check_references(pqxx::work& txn, FieldReader& in, const ProductFields& f, std::int64_t self_id) {
  if (!txn.exec_params("SELECT 1 FROM catalog.products WHERE sku = $1 AND id <> $2", f.sku, self_id).empty()) {
    in.fail("sku", "is taken");
  }
  if (f.gtin && !txn.exec_params("SELECT 1 FROM catalog.products WHERE gtin = $1 AND id <> $2", *f.gtin, self_id).empty()) {
    in.fail("gtin", "is taken");
  }
  if (f.supplier_id && txn.exec_params("SELECT 1 FROM procurement.suppliers WHERE id = $1", *f.supplier_id).empty()) {
    in.fail("supplier_id", "does not exist");
  }
}


Response list_products(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_catalog);
  if (!auth) return problem(auth.error());
  auto page = read_page(ctx.request);
  if (!page) return problem(page.error());
  auto kind = ctx.request.query_param("kind");
  if (kind && *kind != "finished_good" && *kind != "raw_material") {
    return problem(Error::validation({{"kind", "must be finished_good or raw_material"}}));
  }
  auto category = ctx.request.query_param("category");
  std::optional<std::string> pattern;
  if (auto q = ctx.request.query_param("q"); q && !q->empty()) pattern = "%" + utf8_prefix(*q, 100) + "%";
  const bool low_stock = ctx.request.query_param("low_stock").value_or("false") == "true";
  std::optional<std::int64_t> scope;
  if (domain::is_location_scoped(auth->actor.role)) scope = auth->actor.location_id.value_or(-1);
  auto rows = ctx.resources.db.transact([&](pqxx::work& txn) {
    return txn.exec_params(std::string("SELECT ") + product_columns +
                               " FROM catalog.products p"
                               " WHERE ($1::bigint IS NULL OR p.id > $1) AND ($2::text IS NULL OR p.kind = $2)"
                               "   AND ($3::text IS NULL OR p.category = $3)"
                               "   AND ($4::text IS NULL OR p.name ILIKE $4 OR p.sku ILIKE $4)"
                               "   AND (NOT $5 OR EXISTS (SELECT 1 FROM inventory.reorder_rules r WHERE r.product_id = p.id"
                               "        AND r.low_since IS NOT NULL AND ($6::bigint IS NULL OR r.location_id = $6)))"
                               " ORDER BY p.id LIMIT $7",
                           page->after_id, kind, category, pattern, low_stock, scope, page->limit + 1);
  });
  return json_response(200, page_of(rows, page->limit, product_json).dump());
}

Response get_product(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_catalog);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  auto p = ctx.resources.db.transact([&](pqxx::work& txn) { return find_product(txn, *id); });
  return p ? versioned(200, *p) : not_found();
}

Response create_product(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::write_catalog);
  if (!auth) return problem(auth.error());
  json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  auto f = read_product(in, body);
  if (!in.ok()) return problem(in.error());
  auto created = ctx.resources.db.transact([&](pqxx::work& txn) -> std::optional<json> {
    check_references(txn, in, f, 0);
    if (!in.ok()) return std::nullopt;
    auto id = txn.exec_params1(
                     "INSERT INTO catalog.products (sku, name, kind, category, unit_of_measure, price, cost, gtin, supplier_id,"
                     " is_active) VALUES ($1, $2, $3, $4, $5, $6::numeric / 100, $7::numeric / 100, $8, $9, $10) RETURNING id",
                     f.sku, f.name, f.kind, f.category, f.unit_of_measure, f.price, f.cost, f.gtin, f.supplier_id, f.is_active)[0]
                  .as<std::int64_t>();
    auto p = find_product(txn, id);
    audit_change(ctx, txn, auth->actor.user_id, "product.create", "product", id, std::nullopt, p);
    return p;
  });
  if (!created) return refusal_for(in);
  return versioned(201, *created).header("Location", "/api/v1/products/" + std::to_string((*created)["id"].get<std::int64_t>()));
}

Response update_product(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::write_catalog);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  auto f = read_product(in, body);
  if (!in.ok()) return problem(in.error());
  std::optional<Response> refusal;
  auto updated = ctx.resources.db.transact([&](pqxx::work& txn) -> std::optional<json> {
    auto before = txn.exec_params("SELECT version FROM catalog.products WHERE id = $1 FOR UPDATE", *id);
    if (before.empty()) {
      refusal = not_found();
      return std::nullopt;
    }
    if ((refusal = precondition(ctx.request, before[0][0].as<int>(), "product"))) return std::nullopt;
    check_references(txn, in, f, *id);
    if (!in.ok()) {
      refusal = refusal_for(in);
      return std::nullopt;
    }
    auto old = find_product(txn, *id);
    txn.exec_params(
        "UPDATE catalog.products SET sku = $2, name = $3, kind = $4, category = $5, unit_of_measure = $6,"
        " price = $7::numeric / 100, cost = $8::numeric / 100, gtin = $9, supplier_id = $10, is_active = $11,"
        " version = version + 1, updated_at = now() WHERE id = $1",
        *id, f.sku, f.name, f.kind, f.category, f.unit_of_measure, f.price, f.cost, f.gtin, f.supplier_id, f.is_active);
    auto p = find_product(txn, *id);
    audit_change(ctx, txn, auth->actor.user_id, "product.update", "product", *id, old, p);
    return p;
  });
  if (refusal) return *refusal;
  return versioned(200, *updated);
}

Response delete_product(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::write_catalog);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  // Referenced products (stock, movements, orders) cannot go: the foreign key answers 409.
  bool found = ctx.resources.db.transact([&](pqxx::work& txn) {
    auto old = find_product(txn, *id);
    if (!old) return false;
    txn.exec_params("DELETE FROM catalog.products WHERE id = $1", *id);
    audit_change(ctx, txn, auth->actor.user_id, "product.delete", "product", *id, old, std::nullopt);
    return true;
  });
  return found ? no_content() : not_found();
}

}  // namespace

void add_product_routes(Router<Handler>& router) {
  router.add("GET", "/api/v1/products", list_products);
  router.add("POST", "/api/v1/products", create_product);
  router.add("GET", "/api/v1/products/{id}", get_product);
  router.add("PUT", "/api/v1/products/{id}", update_product);
  router.add("DELETE", "/api/v1/products/{id}", delete_product);
}

}  // namespace ims::api
