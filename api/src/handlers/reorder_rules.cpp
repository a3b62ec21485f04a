// /reorder-rules: per product × location, low stock is available ≤ min; replenish up to max.
// Read within the caller's scope; written by manufacturer and admin.
#include "ims/api/resource.hpp"
#include "ims/domain/stock.hpp"
#include "ims/infra/user_store.hpp"

namespace ims::api {
namespace {

using domain::Error;
using domain::ErrorCode;
using domain::Quantity;
using nlohmann::json;

constexpr const char* columns =
    "r.id, r.product_id, r.location_id, r.min_quantity::text, r.max_quantity::text, r.version,"
    " to_char(r.low_since AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";

json rule_json(const pqxx::row& r) {
  return json{{"id", r[0].as<std::int64_t>()},
              {"product_id", r[1].as<std::int64_t>()},
              {"location_id", r[2].as<std::int64_t>()},
              {"min", Quantity::parse(r[3].as<std::string>())->to_double()},
              {"max", Quantity::parse(r[4].as<std::string>())->to_double()},
              {"version", r[5].as<int>()},
              {"low_since", text_or_null(r[6])}};
}

std::optional<json> find(pqxx::work& txn, std::int64_t id, bool lock = false) {
  auto rows = txn.exec_params(std::string("SELECT ") + columns + " FROM inventory.reorder_rules r WHERE r.id = $1" + (lock ? " FOR UPDATE" : ""), id);
  if (rows.empty()) return std::nullopt;
  return rule_json(rows[0]);
}

Response not_found() { return problem(Error::of(ErrorCode::not_found, "no such reorder rule")); }

std::optional<Quantity> read_quantity(FieldReader& in, const json& body, const char* name) {
  if (!body.contains(name) || !body[name].is_number()) {
    in.fail(name, "is required, a number");
    return std::nullopt;
  }
  auto q = Quantity::from_double(body[name].get<double>());
  if (!q || *q < Quantity()) in.fail(name, "must be zero or more, with at most 3 decimals");
  return q;
}

void check_bounds(FieldReader& in, const std::optional<Quantity>& min, const std::optional<Quantity>& max) {
  if (min && max && *max <= *min) in.fail("max", "must be greater than min");
}


Response list(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_reorder_rules);
  if (!auth) return problem(auth.error());
  auto page = read_page(ctx.request);
  if (!page) return problem(page.error());
  std::optional<std::int64_t> product, location;
  if (auto p = ctx.request.query_param("product_id")) product = parse_id(*p);
  if (auto l = ctx.request.query_param("location_id")) location = parse_id(*l);
  if (domain::is_location_scoped(auth->actor.role)) location = auth->actor.location_id.value_or(-1);
  auto rows = ctx.resources.db.transact([&](pqxx::work& txn) {
    return txn.exec_params(std::string("SELECT ") + columns +
                               " FROM inventory.reorder_rules r WHERE ($1::bigint IS NULL OR r.id > $1)"
                               " AND ($2::bigint IS NULL OR r.product_id = $2) AND ($3::bigint IS NULL OR r.location_id = $3)"
                               " ORDER BY r.id LIMIT $4",
                           page->after_id, product, location, page->limit + 1);
  });
  return json_response(200, page_of(rows, page->limit, rule_json).dump());
}

Response get(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_reorder_rules);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  auto r = ctx.resources.db.transact([&](pqxx::work& txn) { return find(txn, *id); });
  if (!r || !domain::can_access_location(auth->actor, (*r)["location_id"].get<std::int64_t>())) return not_found();
  return versioned(200, *r);
}

Response create(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::write_reorder_rules);
  if (!auth) return problem(auth.error());
  json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  const auto product = in.optional_id("product_id");
  const auto location = in.optional_id("location_id");
  if (!product && in.ok()) in.fail("product_id", "is required");
  if (!location && in.ok()) in.fail("location_id", "is required");
  const auto min = read_quantity(in, body, "min");
  const auto max = read_quantity(in, body, "max");
  check_bounds(in, min, max);
  if (!in.ok()) return problem(in.error());
  auto created = ctx.resources.db.transact([&](pqxx::work& txn) -> std::optional<json> {
    if (txn.exec_params("SELECT 1 FROM catalog.products WHERE id = $1", *product).empty()) in.fail("product_id", "does not exist");
    if (txn.exec_params("SELECT 1 FROM inventory.locations WHERE id = $1", *location).empty()) in.fail("location_id", "does not exist");
    if (in.ok() && !txn.exec_params("SELECT 1 FROM inventory.reorder_rules WHERE product_id = $1 AND location_id = $2",
                                    *product, *location).empty()) {
      in.fail("product_id", "is taken");
    }
    if (!in.ok()) return std::nullopt;
    auto id = txn.exec_params1("INSERT INTO inventory.reorder_rules (product_id, location_id, min_quantity, max_quantity)"
                               " VALUES ($1, $2, $3::numeric, $4::numeric) RETURNING id",
                               *product, *location, min->to_string(), max->to_string())[0].as<std::int64_t>();
    auto r = find(txn, id);
    audit_change(ctx, txn, auth->actor.user_id, "reorder_rule.create", "reorder_rule", id, std::nullopt, r);
    return r;
  });
  if (!created) return refusal_for(in);
  return versioned(201, *created).header("Location", "/api/v1/reorder-rules/" + std::to_string((*created)["id"].get<std::int64_t>()));
}

Response update(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::write_reorder_rules);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  const auto min = read_quantity(in, body, "min");
  const auto max = read_quantity(in, body, "max");
  check_bounds(in, min, max);
  if (!in.ok()) return problem(in.error());
  std::optional<Response> refusal;
  auto updated = ctx.resources.db.transact([&](pqxx::work& txn) -> std::optional<json> {
    auto before = find(txn, *id, true);
    if (!before) return refusal = not_found(), std::nullopt;
    if ((refusal = precondition(ctx.request, (*before)["version"], "reorder rule"))) return std::nullopt;
    txn.exec_params("UPDATE inventory.reorder_rules SET min_quantity = $2::numeric, max_quantity = $3::numeric,"
                    " version = version + 1 WHERE id = $1",
                    *id, min->to_string(), max->to_string());
    auto after = find(txn, *id);
    audit_change(ctx, txn, auth->actor.user_id, "reorder_rule.update", "reorder_rule", *id, before, after);
    return after;
  });
  return refusal ? *refusal : versioned(200, *updated);
}

Response remove(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::write_reorder_rules);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  bool found = ctx.resources.db.transact([&](pqxx::work& txn) {
    auto before = find(txn, *id, true);
    if (!before) return false;
    txn.exec_params("DELETE FROM inventory.reorder_rules WHERE id = $1", *id);
    audit_change(ctx, txn, auth->actor.user_id, "reorder_rule.delete", "reorder_rule", *id, before, std::nullopt);
    return true;
  });
  return found ? no_content() : not_found();
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
