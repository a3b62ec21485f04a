// /products: the catalog. Read by everyone; written by manufacturer and admin.
// Decode → use case (api/src/use_cases/products.cpp) → encode.
#include <nlohmann/json.hpp>

#include "ims/api/resource.hpp"
#include "ims/api/use_cases/products.hpp"
#include "ims/domain/catalog.hpp"
#include "ims/infra/pg.hpp"

namespace ims::api {
namespace {

using domain::Error;
using domain::ErrorCode;
using infra::PgAuditTrail;
using infra::PgProductStore;
using infra::UnitOfWork;
using nlohmann::json;

Response not_found() {
  return problem(Error::of(ErrorCode::not_found, "no such product"));
}

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
    in.fail(name, "must be a non-negative amount with at most 2 decimals, at most " +
                      domain::format_money(domain::max_price_cents));
    return std::nullopt;
  }
  return cents;
}

infra::ProductFields read_product(FieldReader& in, const json& body) {
  infra::ProductFields f;
  f.sku = in.required_string("sku", 64);
  f.name = in.required_string("name", 200);
  f.kind = in.required_string("kind", 32);
  f.unit_of_measure = in.required_string("unit_of_measure", 16);
  f.category = in.optional_string("category", 100);
  f.gtin = in.optional_string("gtin", 14);
  f.supplier_id = in.optional_id("supplier_id");
  f.is_active = in.optional_bool("is_active").value_or(true);
  f.price_cents = read_money(in, body, "price").value_or(0);
  f.cost_cents = read_money(in, body, "cost").value_or(0);
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

Response encoded(int status, const domain::Result<infra::ProductRecord>& product) {
  return product ? versioned(status, product_json(*product)) : problem(product.error());
}

Response list(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_catalog);
  if (!auth) return problem(auth.error());
  auto page = read_page(ctx.request);
  if (!page) return problem(page.error());
  infra::ProductFilter filter{page->after_id, ctx.request.query_param("kind"),
                              ctx.request.query_param("category")};
  if (filter.kind && *filter.kind != "finished_good" && *filter.kind != "raw_material") {
    return problem(Error::validation({{"kind", "must be finished_good or raw_material"}}));
  }
  if (auto q = ctx.request.query_param("q"); q && !q->empty()) filter.q = utf8_prefix(*q, 100);
  filter.low_stock = ctx.request.query_param("low_stock").value_or("false") == "true";
  if (domain::is_location_scoped(auth->actor.role))
    filter.low_stock_location = auth->actor.location_id.value_or(-1);
  filter.limit = page->limit;
  auto rows = ctx.resources.db.unit([&](UnitOfWork& u) {
    PgProductStore products(u);
    return list_products(filter, products);
  });
  return json_response(200, page_of(*rows, filter.limit, product_json).dump());
}

Response get(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_catalog);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  return encoded(200, ctx.resources.db.unit([&](UnitOfWork& u) {
    PgProductStore products(u);
    return get_product(*id, products);
  }));
}

Response create(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::write_catalog);
  if (!auth) return problem(auth.error());
  json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  auto fields = read_product(in, body);
  if (!in.ok()) return problem(in.error());
  auto created = ctx.resources.db.unit([&](UnitOfWork& u) {
    PgProductStore products(u);
    PgAuditTrail audit(u);
    return create_product(caller(ctx, *auth), fields, products, audit);
  });
  if (!created) return problem(created.error());
  return encoded(201, created).header("Location", "/api/v1/products/" + std::to_string(created->id));
}

Response update(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::write_catalog);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  ProductChange change{*id, ctx.request.header("if-match"), read_product(in, body)};
  if (!in.ok()) return problem(in.error());
  return encoded(200, ctx.resources.db.unit([&](UnitOfWork& u) {
    PgProductStore products(u);
    PgAuditTrail audit(u);
    return update_product(caller(ctx, *auth), change, products, audit);
  }));
}

// Referenced products (stock, movements, orders) cannot go: the foreign key answers 409.
Response remove(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::write_catalog);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  auto removed = ctx.resources.db.unit([&](UnitOfWork& u) {
    PgProductStore products(u);
    PgAuditTrail audit(u);
    return delete_product(caller(ctx, *auth), {*id}, products, audit);
  });
  return removed ? no_content() : problem(removed.error());
}
}  // namespace

void add_product_routes(Router<Handler>& router) {
  router.add("GET", "/api/v1/products", list);
  router.add("POST", "/api/v1/products", create);
  router.add("GET", "/api/v1/products/{id}", get);
  router.add("PUT", "/api/v1/products/{id}", update);
  router.add("DELETE", "/api/v1/products/{id}", remove);
}

}  // namespace ims::api
