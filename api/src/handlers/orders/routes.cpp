// /orders, /orders/{id}, /orders/{id}/status, /orders/stats, /sales/daily, /customers/{id}/orders.
// An order is recorded by the API (pending) with its order.created event in one statement; the
// stock worker confirms or rejects it and carries out the stock side of every later status. Buyers
// and sellers see their own orders; anybody else's order does not exist for them (404).
#include <memory>

#include "handlers.hpp"

namespace ims::api {

void add_order_routes(Router<Handler>& router, infra::Metrics& metrics) {
  auto counts = std::make_shared<order_handlers::OrderMetrics>(metrics);
  router.add("POST", "/api/v1/orders",
             [counts](Context& ctx) { return order_handlers::place_order(ctx, *counts); });
  router.add("GET", "/api/v1/orders", order_handlers::list_orders);
  router.add("GET", "/api/v1/orders/stats", order_handlers::order_stats);
  router.add("GET", "/api/v1/orders/{id}", order_handlers::get_order);
  router.add("PATCH", "/api/v1/orders/{id}/status", order_handlers::change_status);
  router.add("GET", "/api/v1/sales/daily", order_handlers::daily_sales);
  router.add("GET", "/api/v1/customers/{id}/orders", order_handlers::list_customer_orders);
}

}  // namespace ims::api
