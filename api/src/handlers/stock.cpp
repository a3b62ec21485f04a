// /stock, /stock/adjustments, /stock/movements, /products/{id}/movements, /lots.
// Adjustments are recorded here with their event and carried out by the stock worker; reads are
// scoped: cfa, stockist and retailer users see their own location only.
#include <nlohmann/json.hpp>

#include "ims/api/resource.hpp"
#include "ims/domain/stock.hpp"
#include "ims/infra/crypto.hpp"
#include "ims/infra/outbox.hpp"
#include "ims/infra/pg.hpp"
#include "ims/infra/user_store.hpp"

namespace ims::api {
namespace {

using domain::Error;
using domain::ErrorCode;
using domain::Quantity;
using nlohmann::json;

constexpr std::int64_t max_delta_milli = 1'000'000'000'000;  // one billion units

json quantity(const std::string& decimal) { return Quantity::parse(decimal).value_or(Quantity()).to_double(); }


// The cache is an optimisation: when Redis is away, reads go to PostgreSQL.
std::optional<std::string> cache_get(Context& ctx, const std::string& key) {
  try {
    auto v = ctx.resources.redis.command({"GET", key});
    if (v.kind == infra::RedisValue::Kind::text) return v.text;
  } catch (const std::exception& e) {
    ctx.log.debug("stock cache unavailable", {{"error", e.what()}});
  }
  return std::nullopt;
}

void cache_put(Context& ctx, const std::string& key, const std::string& body) {
  try {
    ctx.resources.redis.command({"SET", key, body, "EX", "300"});
  } catch (const std::exception& e) {
    ctx.log.debug("stock cache unavailable", {{"error", e.what()}});
  }
}

// The location a scoped user is limited to; nullopt for roles that see every location.
std::optional<std::int64_t> scope_of(const domain::Actor& actor) {
  if (!domain::is_location_scoped(actor.role)) return std::nullopt;
  return actor.location_id.value_or(-1);
}

// An optional positive id from the query string, or a 422 naming it.
bool query_id(const Request& r, const char* name, std::optional<std::int64_t>& out, std::vector<domain::FieldError>& errors) {
  auto v = r.query_param(name);
  if (!v || v->empty()) return true;
  out = parse_id(*v);
  if (!out) errors.push_back({name, "must be a positive integer id"});
  return out.has_value();
}

constexpr const char* adjustment_columns =
    "id, product_id, location_id, lot_code, expires_on::text, quantity_delta::text, reason, status, rejection_reason,"
    " movement_id, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'),"
    " to_char(decided_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";

json adjustment_json(const pqxx::row& r) {
  return json{{"id", r[0].as<std::int64_t>()},      {"product_id", r[1].as<std::int64_t>()},
              {"location_id", r[2].as<std::int64_t>()}, {"lot_code", text_or_null(r[3])},
              {"expires_on", text_or_null(r[4])},     {"quantity_delta", quantity(r[5].as<std::string>())},
              {"reason", r[6].as<std::string>()},     {"status", r[7].as<std::string>()},
              {"rejection_reason", text_or_null(r[8])}, {"movement_id", id_or_null(r[9])},
              {"created_at", r[10].as<std::string>()}, {"decided_at", text_or_null(r[11])}};
}

Response create_adjustment(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::adjust_stock);
  if (!auth) return problem(auth.error());
  json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  const auto product_id = in.optional_id("product_id");
  const auto location_id = in.optional_id("location_id");
  // null is absent (an empty optional was dereferenced here once: a null location_id was accepted).
  if (!product_id && !in.has("product_id")) in.fail("product_id", "is required");
  if (!product_id && in.has("product_id") && body["product_id"].is_null()) in.fail("product_id", "is required, a positive integer id");
  if (!location_id && !in.has("location_id")) in.fail("location_id", "is required");
  if (!location_id && in.has("location_id") && body["location_id"].is_null()) in.fail("location_id", "is required, a positive integer id");
  const auto reason = in.required_string("reason", 500);
  const auto lot_code = in.optional_string("lot_code", 64);
  const auto expires_on = in.optional_string("expires_on", 10);
  std::optional<Quantity> delta;
  if (!body.contains("quantity_delta") || body["quantity_delta"].is_null()) {
    in.fail("quantity_delta", "is required");
  } else if (body["quantity_delta"].is_number()) {
    delta = Quantity::from_double(body["quantity_delta"].get<double>());
  } else if (body["quantity_delta"].is_string()) {
    delta = Quantity::parse(body["quantity_delta"].get<std::string>());
  }
  if (in.has("quantity_delta") && !body["quantity_delta"].is_null() &&
      (!delta || delta->milli() == 0 || delta->milli() > max_delta_milli || delta->milli() < -max_delta_milli)) {
    in.fail("quantity_delta", "must be a non-zero number with at most 3 decimals, at most 1000000000 either way");
  }
  // A lot code is a name or absent; "" is neither (lot codes are refused empty everywhere).
  if (lot_code && lot_code->empty()) in.fail("lot_code", "must not be empty; leave it out for stock without a lot");
  if (in.has("reason") && reason.empty()) in.fail("reason", "must not be empty");
  if (expires_on && !is_calendar_date(*expires_on)) in.fail("expires_on", "must be a date, YYYY-MM-DD");
  if (expires_on && !lot_code) in.fail("expires_on", "needs a lot_code");
  if (!in.ok()) return problem(in.error());

  auto created = ctx.resources.db.transact([&](pqxx::work& txn) -> std::optional<json> {
    auto product = txn.exec_params("SELECT is_active FROM catalog.products WHERE id = $1", *product_id);
    if (product.empty()) in.fail("product_id", "does not exist");
    else if (!product[0][0].as<bool>()) in.fail("product_id", "is not active");
    if (txn.exec_params("SELECT 1 FROM inventory.locations WHERE id = $1", *location_id).empty()) {
      in.fail("location_id", "does not exist");
    }
    if (!in.ok()) return std::nullopt;
    auto row = txn.exec_params1(
        std::string("INSERT INTO inventory.adjustments (product_id, location_id, lot_code, expires_on, quantity_delta,"
                    " reason, requested_by, request_id) VALUES ($1, $2, $3, $4::date, $5::numeric, $6, $7, $8) RETURNING ") +
            adjustment_columns,
        *product_id, *location_id, lot_code, expires_on, delta->to_string(), reason, auth->actor.user_id,
        ctx.request.request_id);
    auto adjustment = adjustment_json(row);
    infra::append_event(txn, {"stock.adjustment.requested",
                              {{"adjustment_id", adjustment["id"]}, {"product_id", *product_id}, {"location_id", *location_id}},
                              ctx.request.request_id, auth->actor.user_id});
    infra::audit::record(txn, {auth->actor.user_id, "stock.adjustment.request", "adjustment",
                               std::to_string(adjustment["id"].get<std::int64_t>()), std::nullopt, adjustment.dump(),
                               ctx.request.request_id});
    return adjustment;
  });
  if (!created) return problem(in.error());
  ctx.log.info("adjustment recorded", {{"adjustment_id", std::to_string((*created)["id"].get<std::int64_t>())}});
  return json_response(202, created->dump())
      .header("Location", "/api/v1/stock/adjustments/" + std::to_string((*created)["id"].get<std::int64_t>()));
}

Response get_adjustment(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_stock);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  const auto not_found = problem(Error::of(ErrorCode::not_found, "no such adjustment"));
  if (!id) return not_found;
  auto found = ctx.resources.db.transact([&](pqxx::work& txn) -> std::optional<json> {
    auto rows = txn.exec_params(std::string("SELECT ") + adjustment_columns + " FROM inventory.adjustments WHERE id = $1", *id);
    if (rows.empty()) return std::nullopt;
    return adjustment_json(rows[0]);
  });
  // Outside the caller's scope it does not exist for them.
  if (!found || !domain::can_access_location(auth->actor, (*found)["location_id"].get<std::int64_t>())) return not_found;
  return json_response(200, found->dump());
}

Response list_stock(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_stock);
  if (!auth) return problem(auth.error());
  auto page = read_page(ctx.request);
  if (!page) return problem(page.error());
  std::vector<domain::FieldError> errors;
  std::optional<std::int64_t> product_id, location_id;
  query_id(ctx.request, "product_id", product_id, errors);
  query_id(ctx.request, "location_id", location_id, errors);
  auto kind = ctx.request.query_param("kind");
  if (kind && *kind != "finished_good" && *kind != "raw_material") errors.push_back({"kind", "must be finished_good or raw_material"});
  if (!errors.empty()) return problem(Error::validation(std::move(errors)));
  if (auto scope = scope_of(auth->actor)) location_id = scope;  // scoped users see their own rows only
  const bool below = ctx.request.query_param("below_reorder").value_or("false") == "true";
  // Location-filtered reads (every scoped user's dashboard) come from Redis when the location's
  // stock version is unchanged; the version is read before the data, so a cached body is never
  // older than the version it is filed under.
  std::string cache_key;
  if (location_id) {
    const auto version = ctx.resources.db.transact([&](pqxx::work& txn) {
      auto v = txn.exec_params("SELECT version FROM inventory.stock_versions WHERE location_id = $1", *location_id);
      return v.empty() ? std::int64_t{0} : v[0][0].as<std::int64_t>();
    });
    cache_key = "ims:stock:" + std::to_string(*location_id) + ":" + std::to_string(version) + ":" +
                infra::sha256_hex(std::to_string(product_id.value_or(0)) + "|" + kind.value_or("") + "|" +
                                  (below ? "1" : "0") + "|" + std::to_string(page->after_id.value_or(0)) + "|" +
                                  std::to_string(page->limit));
    if (auto cached = cache_get(ctx, cache_key)) return json_response(200, *cached).header("X-Cache", "hit");
  }
  auto rows = ctx.resources.db.transact([&](pqxx::work& txn) {
    return txn.exec_params(
        "SELECT s.id, s.product_id, p.sku, p.name, s.location_id, loc.code, s.lot_id, l.lot_code, l.expires_on::text,"
        "       s.on_hand::text, s.reserved::text, (s.on_hand - s.reserved)::text"
        " FROM inventory.stock s JOIN catalog.products p ON p.id = s.product_id"
        " JOIN inventory.locations loc ON loc.id = s.location_id LEFT JOIN inventory.lots l ON l.id = s.lot_id"
        " WHERE ($1::bigint IS NULL OR s.id > $1) AND ($2::bigint IS NULL OR s.product_id = $2)"
        "   AND ($3::bigint IS NULL OR s.location_id = $3) AND ($4::text IS NULL OR p.kind = $4)"
        "   AND (NOT $5 OR EXISTS (SELECT 1 FROM inventory.reorder_rules r WHERE r.product_id = s.product_id"
        "        AND r.location_id = s.location_id AND r.low_since IS NOT NULL))"
        " ORDER BY s.id LIMIT $6",
        page->after_id, product_id, location_id, kind, below, page->limit + 1);
  });
  auto out = page_of(rows, page->limit, [](const pqxx::row& r) {
    return json{{"product_id", r[1].as<std::int64_t>()}, {"sku", r[2].as<std::string>()},
                {"product_name", r[3].as<std::string>()}, {"location_id", r[4].as<std::int64_t>()},
                {"location_code", r[5].as<std::string>()}, {"lot_id", id_or_null(r[6])},
                {"lot_code", text_or_null(r[7])}, {"expires_on", text_or_null(r[8])},
                {"on_hand", quantity(r[9].as<std::string>())}, {"reserved", quantity(r[10].as<std::string>())},
                {"available", quantity(r[11].as<std::string>())}};
  });
  const auto body = out.dump();
  if (!cache_key.empty()) cache_put(ctx, cache_key, body);
  return json_response(200, body).header("X-Cache", cache_key.empty() ? "bypass" : "miss");
}

// Newest first; the cursor is the last movement id seen.
Response movements(Context& ctx, std::optional<std::int64_t> product_id) {
  auto auth = authorize(ctx, domain::Permission::read_stock);
  if (!auth) return problem(auth.error());
  auto page = read_page(ctx.request);
  if (!page) return problem(page.error());
  std::vector<domain::FieldError> errors;
  std::optional<std::int64_t> location_id;
  if (!product_id) query_id(ctx.request, "product_id", product_id, errors);
  query_id(ctx.request, "location_id", location_id, errors);
  auto reason = ctx.request.query_param("reason");
  auto reference = ctx.request.query_param("reference");
  if (!errors.empty()) return problem(Error::validation(std::move(errors)));
  if (auto scope = scope_of(auth->actor)) location_id = scope;
  auto rows = ctx.resources.db.transact([&](pqxx::work& txn) {
    return txn.exec_params(
        "SELECT m.id, m.product_id, m.location_id, m.lot_id, l.lot_code, m.quantity::text, m.reason, m.reference,"
        "       m.actor_id, m.message_id, to_char(m.at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
        " FROM inventory.movements m LEFT JOIN inventory.lots l ON l.id = m.lot_id"
        " WHERE ($1::bigint IS NULL OR m.id < $1) AND ($2::bigint IS NULL OR m.product_id = $2)"
        "   AND ($3::bigint IS NULL OR m.location_id = $3) AND ($4::text IS NULL OR m.reason = $4)"
        "   AND ($5::text IS NULL OR m.reference = $5)"
        " ORDER BY m.id DESC LIMIT $6",
        page->after_id, product_id, location_id, reason, reference, page->limit + 1);
  });
  auto out = page_of(rows, page->limit, [](const pqxx::row& r) {
    return json{{"id", r[0].as<std::int64_t>()}, {"product_id", r[1].as<std::int64_t>()},
                {"location_id", r[2].as<std::int64_t>()}, {"lot_id", id_or_null(r[3])},
                {"lot_code", text_or_null(r[4])}, {"quantity", quantity(r[5].as<std::string>())},
                {"reason", r[6].as<std::string>()}, {"reference", text_or_null(r[7])},
                {"actor_id", id_or_null(r[8])}, {"message_id", text_or_null(r[9])}, {"at", r[10].as<std::string>()}};
  });
  return json_response(200, out.dump());
}

Response stock_movements(Context& ctx) { return movements(ctx, std::nullopt); }

Response product_movements(Context& ctx) {
  auto id = parse_id(ctx.request.path_params.at("id"));
  const auto not_found = problem(Error::of(ErrorCode::not_found, "no such product"));
  if (!id) return not_found;
  auto auth = authenticate(ctx);
  if (!auth) return problem(auth.error());
  const bool exists = ctx.resources.db.transact(
      [&](pqxx::work& txn) { return !txn.exec_params("SELECT 1 FROM catalog.products WHERE id = $1", *id).empty(); });
  if (!exists) return not_found;
  return movements(ctx, id);
}

Response list_lots(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_stock);
  if (!auth) return problem(auth.error());
  auto page = read_page(ctx.request);
  if (!page) return problem(page.error());
  std::vector<domain::FieldError> errors;
  std::optional<std::int64_t> product_id, within;
  query_id(ctx.request, "product_id", product_id, errors);
  if (auto days = ctx.request.query_param("expiring_within_days"); days && !days->empty()) {
    within = *days == "0" ? std::optional<std::int64_t>(0) : parse_id(*days);
    if (!within || *within > 3650) errors.push_back({"expiring_within_days", "must be a whole number from 0 to 3650"});
  }
  if (!errors.empty()) return problem(Error::validation(std::move(errors)));
  const auto scope = scope_of(auth->actor);
  auto rows = ctx.resources.db.transact([&](pqxx::work& txn) {
    return txn.exec_params(
        "SELECT l.id, l.product_id, p.sku, l.lot_code, l.manufactured_on::text, l.expires_on::text,"
        "       coalesce(sum(s.on_hand) FILTER (WHERE $4::bigint IS NULL OR s.location_id = $4), 0)::text"
        " FROM inventory.lots l JOIN catalog.products p ON p.id = l.product_id"
        " LEFT JOIN inventory.stock s ON s.lot_id = l.id"
        " WHERE ($1::bigint IS NULL OR l.id > $1) AND ($2::bigint IS NULL OR l.product_id = $2)"
        "   AND ($3::bigint IS NULL OR l.expires_on <= current_date + $3::int)"
        "   AND ($4::bigint IS NULL OR EXISTS (SELECT 1 FROM inventory.stock x WHERE x.lot_id = l.id AND x.location_id = $4"
        "        AND x.on_hand > 0))"
        " GROUP BY l.id, p.sku ORDER BY l.id LIMIT $5",
        page->after_id, product_id, within, scope, page->limit + 1);
  });
  auto out = page_of(rows, page->limit, [](const pqxx::row& r) {
    return json{{"id", r[0].as<std::int64_t>()}, {"product_id", r[1].as<std::int64_t>()}, {"sku", r[2].as<std::string>()},
                {"lot_code", r[3].as<std::string>()}, {"manufactured_on", text_or_null(r[4])},
                {"expires_on", text_or_null(r[5])}, {"on_hand", quantity(r[6].as<std::string>())}};
  });
  return json_response(200, out.dump());
}

}  // namespace

void add_stock_routes(Router<Handler>& router) {
  router.add("GET", "/api/v1/stock", list_stock);
  router.add("GET", "/api/v1/stock/movements", stock_movements);
  router.add("POST", "/api/v1/stock/adjustments", create_adjustment);
  router.add("GET", "/api/v1/stock/adjustments/{id}", get_adjustment);
  router.add("GET", "/api/v1/products/{id}/movements", product_movements);
  router.add("GET", "/api/v1/lots", list_lots);
}

}  // namespace ims::api
