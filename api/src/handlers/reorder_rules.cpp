// /reorder-rules: per product × location, low stock is available ≤ min; replenish up to max.
// Read within the caller's scope; written by manufacturer and admin.
// Decode → use case (api/src/use_cases/reorder_rules.cpp) → encode.
#include "ims/api/resource.hpp"
#include "ims/api/use_cases/reorder_rules.hpp"
#include "ims/infra/pg.hpp"

namespace ims::api {
namespace {

using domain::Error;
using domain::ErrorCode;
using domain::Quantity;
using infra::PgAuditTrail;
using infra::PgReorderRuleStore;
using infra::UnitOfWork;
using nlohmann::json;

Response not_found() {
  return problem(Error::of(ErrorCode::not_found, "no such reorder rule"));
}

std::optional<Quantity> read_quantity(FieldReader& in, const json& body, const char* name) {
  if (!body.contains(name) || !body[name].is_number()) {
    in.fail(name, "is required, a number");
    return std::nullopt;
  }
  auto q = Quantity::from_double(body[name].get<double>());
  if (!q || *q < Quantity()) in.fail(name, "must be zero or more, with at most 3 decimals");
  return q;
}

struct Bounds {
  Quantity min, max;
};

// min and max, each zero or more, max above min; meaningful only while `in` is ok.
Bounds read_bounds(FieldReader& in, const json& body) {
  const auto min = read_quantity(in, body, "min");
  const auto max = read_quantity(in, body, "max");
  if (min && max && *max <= *min) in.fail("max", "must be greater than min");
  return {min.value_or(Quantity()), max.value_or(Quantity())};
}

NewReorderRule read_new_rule(FieldReader& in, const json& body) {
  const auto product = in.optional_id("product_id");
  const auto location = in.optional_id("location_id");
  if (!product && in.ok()) in.fail("product_id", "is required");
  if (!location && in.ok()) in.fail("location_id", "is required");
  const auto bounds = read_bounds(in, body);
  return {product.value_or(0), location.value_or(0), bounds.min, bounds.max};
}

Response encoded(int status, const domain::Result<infra::ReorderRuleRecord>& rule) {
  return rule ? versioned(status, reorder_rule_json(*rule)) : problem(rule.error());
}

Response list(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_reorder_rules);
  if (!auth) return problem(auth.error());
  auto page = read_page(ctx.request);
  if (!page) return problem(page.error());
  infra::ReorderRuleFilter filter{std::nullopt, std::nullopt, page->after_id, page->limit};
  if (auto p = ctx.request.query_param("product_id")) filter.product_id = parse_id(*p);
  if (auto l = ctx.request.query_param("location_id")) filter.location_id = parse_id(*l);
  auto rows = ctx.resources.db.unit([&](UnitOfWork& u) {
    PgReorderRuleStore rules(u);
    return list_reorder_rules(caller(ctx, *auth), filter, rules);
  });
  return json_response(200, page_of(*rows, filter.limit, reorder_rule_json).dump());
}

Response get(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_reorder_rules);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  return encoded(200, ctx.resources.db.unit([&](UnitOfWork& u) {
    PgReorderRuleStore rules(u);
    return get_reorder_rule(caller(ctx, *auth), *id, rules);
  }));
}

Response create(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::write_reorder_rules);
  if (!auth) return problem(auth.error());
  json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  const auto rule = read_new_rule(in, body);
  if (!in.ok()) return problem(in.error());
  auto created = ctx.resources.db.unit([&](UnitOfWork& u) {
    PgReorderRuleStore rules(u);
    PgAuditTrail audit(u);
    return create_reorder_rule(caller(ctx, *auth), rule, rules, audit);
  });
  if (!created) return problem(created.error());
  return encoded(201, created).header("Location", "/api/v1/reorder-rules/" + std::to_string(created->id));
}

Response update(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::write_reorder_rules);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  const auto bounds = read_bounds(in, body);
  if (!in.ok()) return problem(in.error());
  const ReorderRuleChange change{*id, ctx.request.header("if-match"), bounds.min, bounds.max};
  return encoded(200, ctx.resources.db.unit([&](UnitOfWork& u) {
    PgReorderRuleStore rules(u);
    PgAuditTrail audit(u);
    return update_reorder_rule(caller(ctx, *auth), change, rules, audit);
  }));
}

Response remove(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::write_reorder_rules);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  auto removed = ctx.resources.db.unit([&](UnitOfWork& u) {
    PgReorderRuleStore rules(u);
    PgAuditTrail audit(u);
    return delete_reorder_rule(caller(ctx, *auth), {*id}, rules, audit);
  });
  return removed ? no_content() : problem(removed.error());
}

}  // namespace

void add_reorder_rule_routes(Router<Handler>& router) {
  router.add("GET", "/api/v1/reorder-rules", list);
  router.add("POST", "/api/v1/reorder-rules", create);
  router.add("GET", "/api/v1/reorder-rules/{id}", get);
  router.add("PUT", "/api/v1/reorder-rules/{id}", update);
  router.add("DELETE", "/api/v1/reorder-rules/{id}", remove);
}

}  // namespace ims::api
