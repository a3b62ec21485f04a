// GET /orders/stats and /sales/daily: figures over a period of at most a year.
#include "handlers.hpp"
#include "ims/api/resource.hpp"
#include "ims/api/use_cases/orders.hpp"
#include "ims/infra/pg.hpp"

namespace ims::api::order_handlers {
namespace {

constexpr int max_period_days = 366;

// from/to as dates (to inclusive); defaults: the last 30 days up to today (UTC). One request may
// not cover more than a year, so no query can scan the whole ledger.
infra::OrderPeriod read_period(const Context& ctx, std::vector<domain::FieldError>& errors) {
  const auto& r = ctx.request;
  infra::OrderPeriod p{r.query_param("from").value_or(""), r.query_param("to").value_or("")};
  if (!p.from.empty() && !is_calendar_date(p.from)) errors.push_back({"from", "must be a date, YYYY-MM-DD"});
  if (!p.to.empty() && !is_calendar_date(p.to)) errors.push_back({"to", "must be a date, YYYY-MM-DD"});
  if (!errors.empty()) return p;
  const auto today = ctx.services.now() / 86400;
  const auto last = p.to.empty() ? today : day_number(p.to);
  const auto first = p.from.empty() ? last - 29 : day_number(p.from);
  if (first > last) {
    errors.push_back({"from", "must not be after to"});
  } else if (last - first + 1 > max_period_days) {
    errors.push_back({"to", "from and to may be at most " + std::to_string(max_period_days) + " days apart"});
  }
  return p;
}

Response figures(const domain::Result<nlohmann::json>& out) {
  return out ? json_response(200, out->dump()) : problem(out.error());
}

}  // namespace

Response order_stats(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_orders);
  if (!auth) return problem(auth.error());
  std::vector<domain::FieldError> errors;
  const auto period = read_period(ctx, errors);
  const auto unit = ctx.request.query_param("period").value_or("day");
  if (unit != "day" && unit != "week" && unit != "month")
    errors.push_back({"period", "must be day, week or month"});
  if (auto n = ctx.request.query_param("number"); n && n->size() > 32) {
    errors.push_back({"number", "must be at most 32 characters"});
  }
  if (!errors.empty()) return problem(domain::Error::validation(std::move(errors)));
  return figures(ctx.resources.db.unit([&](infra::UnitOfWork& u) {
    infra::PgOrderStore orders(u);
    return api::order_stats(caller(ctx, *auth), period, unit, orders);
  }));
}

Response daily_sales(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_daily_sales);
  if (!auth) return problem(auth.error());
  std::vector<domain::FieldError> errors;
  const auto period = read_period(ctx, errors);
  std::optional<std::int64_t> location;
  if (auto l = ctx.request.query_param("location_id"); l && !l->empty()) {
    location = parse_id(*l);
    if (!location) errors.push_back({"location_id", "must be a positive integer id"});
  }
  if (!errors.empty()) return problem(domain::Error::validation(std::move(errors)));
  return figures(ctx.resources.db.unit([&](infra::UnitOfWork& u) {
    infra::PgOrderStore orders(u);
    return api::daily_sales(caller(ctx, *auth), period, location, orders);
  }));
}

}  // namespace ims::api::order_handlers
