// /stock, /stock/adjustments, /stock/movements, /products/{id}/movements, /lots (use cases in
// api/src/use_cases/stock.cpp). Adjustments are recorded here and carried out by the stock worker
// (202). Decode → use case → encode.
#include "ims/api/resource.hpp"
#include "ims/api/use_cases/stock.hpp"
#include "ims/infra/outbox.hpp"
#include "ims/infra/pg.hpp"

namespace ims::api {
namespace {

using domain::Error;
using domain::Quantity;
using infra::PgAuditTrail;
using infra::PgOutbox;
using infra::PgStockStore;
using infra::UnitOfWork;
using nlohmann::json;

constexpr std::int64_t max_delta_milli = 1'000'000'000'000;  // one billion units

// Redis; when it is away, every listing is a miss and reads go to PostgreSQL.
class RedisStockCache final : public StockCache {
 public:
  explicit RedisStockCache(Context& ctx) : ctx_(ctx) {}
  std::optional<std::string> get(const std::string& key) override {
    try {
      auto v = ctx_.resources.redis.command({"GET", key});
      if (v.kind == infra::RedisValue::Kind::text) return v.text;
    } catch (const std::exception& e) {
      ctx_.log.debug("stock cache unavailable", {{"error", e.what()}});
    }
    return std::nullopt;
  }
  void put(const std::string& key, const std::string& body) override {
    try {
      ctx_.resources.redis.command({"SET", key, body, "EX", "300"});
    } catch (const std::exception& e) {
      ctx_.log.debug("stock cache unavailable", {{"error", e.what()}});
    }
  }

 private:
  Context& ctx_;
};

// An optional positive id from the query string; a 422 field error when it is not one.
std::optional<std::int64_t> query_id(const Request& r, const char* name,
                                     std::vector<domain::FieldError>& errors) {
  auto v = r.query_param(name);
  if (!v || v->empty()) return std::nullopt;
  auto id = parse_id(*v);
  if (!id) errors.push_back({name, "must be a positive integer id"});
  return id;
}

// A required id: null counts as absent (an empty optional was once dereferenced here).
std::optional<std::int64_t> required_id(FieldReader& in, const json& body, const char* name) {
  const auto id = in.optional_id(name);
  if (!id && !in.has(name)) in.fail(name, "is required");
  if (!id && in.has(name) && body[name].is_null()) in.fail(name, "is required, a positive integer id");
  return id;
}

std::optional<Quantity> read_delta(FieldReader& in, const json& body) {
  std::optional<Quantity> delta;
  const bool given = body.contains("quantity_delta") && !body["quantity_delta"].is_null();
  if (!given) {
    in.fail("quantity_delta", "is required");
    return std::nullopt;
  }
  if (body["quantity_delta"].is_number()) delta = Quantity::from_double(body["quantity_delta"].get<double>());
  if (body["quantity_delta"].is_string()) delta = Quantity::parse(body["quantity_delta"].get<std::string>());
  if (!delta || delta->milli() == 0 || delta->milli() > max_delta_milli ||
      delta->milli() < -max_delta_milli) {
    in.fail("quantity_delta",
            "must be a non-zero number with at most 3 decimals, at most 1000000000 either way");
    return std::nullopt;
  }
  return delta;
}

std::optional<AdjustmentCommand> decode_adjustment(FieldReader& in, const json& body) {
  const auto product_id = required_id(in, body, "product_id");
  const auto location_id = required_id(in, body, "location_id");
  AdjustmentCommand c;
  c.reason = in.required_string("reason", 500);
  c.lot_code = in.optional_string("lot_code", 64);
  c.expires_on = in.optional_string("expires_on", 10);
  const auto delta = read_delta(in, body);
  // A lot code is a name or absent; "" is neither (lot codes are refused empty everywhere).
  if (c.lot_code && c.lot_code->empty())
    in.fail("lot_code", "must not be empty; leave it out for stock without a lot");
  if (in.has("reason") && c.reason.empty()) in.fail("reason", "must not be empty");
  if (c.expires_on && !is_calendar_date(*c.expires_on)) in.fail("expires_on", "must be a date, YYYY-MM-DD");
  if (c.expires_on && !c.lot_code) in.fail("expires_on", "needs a lot_code");
  if (!in.ok() || !product_id || !location_id || !delta) return std::nullopt;
  c.product_id = *product_id;
  c.location_id = *location_id;
  c.quantity_delta = *delta;
  return c;
}

Response post_adjustment(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::adjust_stock);
  if (!auth) return problem(auth.error());
  json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  const auto command = decode_adjustment(in, body);
  if (!command) return problem(in.error());
  auto created = ctx.resources.db.unit([&](UnitOfWork& u) {
    PgStockStore stock(u);
    PgOutbox outbox(u);
    PgAuditTrail audit(u);
    return request_adjustment(caller(ctx, *auth), *command, stock, outbox, audit);
  });
  if (!created) return problem(created.error());
  ctx.log.info("adjustment recorded", {{"adjustment_id", std::to_string(created->id)}});
  return json_response(202, adjustment_json(*created).dump())
      .header("Location", "/api/v1/stock/adjustments/" + std::to_string(created->id));
}

Response show_adjustment(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_stock);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return problem(Error::of(domain::ErrorCode::not_found, "no such adjustment"));
  auto found = ctx.resources.db.unit([&](UnitOfWork& u) {
    PgStockStore stock(u);
    return get_adjustment(caller(ctx, *auth), *id, stock);
  });
  return found ? json_response(200, adjustment_json(*found).dump()) : problem(found.error());
}

Response stock_levels(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_stock);
  if (!auth) return problem(auth.error());
  auto page = read_page(ctx.request);
  if (!page) return problem(page.error());
  std::vector<domain::FieldError> errors;
  infra::StockFilter filter;
  filter.after_id = page->after_id;
  filter.limit = page->limit;
  filter.product_id = query_id(ctx.request, "product_id", errors);
  filter.location_id = query_id(ctx.request, "location_id", errors);
  filter.kind = ctx.request.query_param("kind");
  if (filter.kind && *filter.kind != "finished_good" && *filter.kind != "raw_material") {
    errors.push_back({"kind", "must be finished_good or raw_material"});
  }
  if (!errors.empty()) return problem(Error::validation(std::move(errors)));
  filter.below_reorder = ctx.request.query_param("below_reorder").value_or("false") == "true";
  RedisStockCache cache(ctx);
  auto listing = ctx.resources.db.unit([&](UnitOfWork& u) {
    PgStockStore stock(u);
    return list_stock(caller(ctx, *auth), filter, stock, cache);
  });
  return json_response(200, listing->body).header("X-Cache", listing->cache);
}

// Newest first; the cursor is the last movement id seen. `product` is the path's, if any.
Response movements(Context& ctx, std::optional<std::int64_t> product) {
  auto auth = authorize(ctx, domain::Permission::read_stock);
  if (!auth) return problem(auth.error());
  auto page = read_page(ctx.request);
  if (!page) return problem(page.error());
  std::vector<domain::FieldError> errors;
  infra::MovementFilter filter;
  filter.after_id = page->after_id;
  filter.limit = page->limit;
  if (!product) filter.product_id = query_id(ctx.request, "product_id", errors);
  filter.location_id = query_id(ctx.request, "location_id", errors);
  filter.reason = ctx.request.query_param("reason");
  filter.reference = ctx.request.query_param("reference");
  if (!errors.empty()) return problem(Error::validation(std::move(errors)));
  auto out = ctx.resources.db.unit([&](UnitOfWork& u) {
    PgStockStore stock(u);
    return list_movements(caller(ctx, *auth), filter, product, stock);
  });
  return out ? json_response(200, out->dump()) : problem(out.error());
}

Response product_movements(Context& ctx) {
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return problem(Error::of(domain::ErrorCode::not_found, "no such product"));
  return movements(ctx, id);
}

Response lots(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_stock);
  if (!auth) return problem(auth.error());
  auto page = read_page(ctx.request);
  if (!page) return problem(page.error());
  std::vector<domain::FieldError> errors;
  infra::LotFilter filter;
  filter.after_id = page->after_id;
  filter.limit = page->limit;
  filter.product_id = query_id(ctx.request, "product_id", errors);
  if (auto days = ctx.request.query_param("expiring_within_days"); days && !days->empty()) {
    filter.expiring_within_days = *days == "0" ? std::optional<std::int64_t>(0) : parse_id(*days);
    if (!filter.expiring_within_days || *filter.expiring_within_days > 3650) {
      errors.push_back({"expiring_within_days", "must be a whole number from 0 to 3650"});
    }
  }
  if (!errors.empty()) return problem(Error::validation(std::move(errors)));
  auto out = ctx.resources.db.unit([&](UnitOfWork& u) {
    PgStockStore stock(u);
    return list_lots(caller(ctx, *auth), filter, stock);
  });
  return json_response(200, out->dump());
}

}  // namespace

void add_stock_routes(Router<Handler>& router) {
  router.add("GET", "/api/v1/stock", stock_levels);
  router.add("GET", "/api/v1/stock/movements", [](Context& ctx) { return movements(ctx, std::nullopt); });
  router.add("POST", "/api/v1/stock/adjustments", post_adjustment);
  router.add("GET", "/api/v1/stock/adjustments/{id}", show_adjustment);
  router.add("GET", "/api/v1/products/{id}/movements", product_movements);
  router.add("GET", "/api/v1/lots", lots);
}

}  // namespace ims::api
