// GET /orders, /orders/{id}, /customers/{id}/orders: the orders in the caller's scope.
#include "handlers.hpp"
#include "ims/api/resource.hpp"
#include "ims/api/use_cases/orders.hpp"
#include "ims/infra/pg.hpp"

namespace ims::api::order_handlers {
namespace {

using domain::Error;
using domain::ErrorCode;

// The query's filters, or the 422 naming every bad one.
domain::Result<infra::OrderFilter> read_filter(const Request& request, const Page& page) {
  std::vector<domain::FieldError> errors;
  infra::OrderFilter f;
  f.after_id = page.after_id;
  f.limit = page.limit;
  f.kind = request.query_param("kind");
  f.status = request.query_param("status");
  if (f.kind && !domain::parse_order_kind(*f.kind))
    errors.push_back({"kind", "must be sale, replenishment or purchase"});
  if (f.status && !domain::parse_order_status(*f.status))
    errors.push_back({"status", "is not an order status"});
  if (auto l = request.query_param("location_id"); l && !l->empty()) {
    f.location = parse_id(*l);
    if (!f.location) errors.push_back({"location_id", "must be a positive integer id"});
  }
  // number: one order by its number, in any letter case (the dashboards' search box).
  if (auto n = request.query_param("number"); n && !n->empty()) {
    if (n->size() > 32) errors.push_back({"number", "must be at most 32 characters"});
    f.number = *n;
  }
  if (auto c = request.query_param("customer_id"); c && !c->empty()) {
    f.customer_id = parse_id(*c);
    if (!f.customer_id) errors.push_back({"customer_id", "must be a positive integer id"});
  }
  if (!errors.empty()) return Error::validation(std::move(errors));
  return f;
}

Response page_response(const domain::Result<std::vector<infra::OrderRecord>>& rows, int limit) {
  if (!rows) return problem(rows.error());
  return json_response(200, page_of(*rows, limit, order_json).dump());
}

}  // namespace

Response get_order(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_orders);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return problem(Error::of(ErrorCode::not_found, "no such order"));
  auto order = ctx.resources.db.unit([&](infra::UnitOfWork& u) {
    infra::PgOrderStore orders(u);
    return api::get_order(caller(ctx, *auth), *id, orders);
  });
  return order ? versioned(200, *order) : problem(order.error());
}

Response list_orders(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_orders);
  if (!auth) return problem(auth.error());
  auto page = read_page(ctx.request);
  if (!page) return problem(page.error());
  auto filter = read_filter(ctx.request, *page);
  if (!filter) return problem(filter.error());
  return page_response(ctx.resources.db.unit([&](infra::UnitOfWork& u) {
    infra::PgOrderStore orders(u);
    return api::list_orders(caller(ctx, *auth), *filter, orders);
  }),
                       page->limit);
}

// A customer's orders: 404 for a customer the caller may not see, like the customer itself.
Response list_customer_orders(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_customers);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return problem(Error::of(ErrorCode::not_found, "no such customer"));
  auto page = read_page(ctx.request);
  if (!page) return problem(page.error());
  infra::OrderFilter filter;
  filter.after_id = page->after_id;
  filter.limit = page->limit;
  return page_response(ctx.resources.db.unit([&](infra::UnitOfWork& u) {
    infra::PgOrderStore orders(u);
    infra::PgCustomerStore customers(u);
    return api::list_customer_orders(caller(ctx, *auth), *id, filter, orders, customers);
  }),
                       page->limit);
}

}  // namespace ims::api::order_handlers
