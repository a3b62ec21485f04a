#pragma once
#include <string>

#include <prometheus/counter.h>
#include <prometheus/family.h>
// The HTTP handlers of /orders, /sales/daily and /customers/{id}/orders, one verb per file in this
// folder; routes.cpp registers them. Each decodes, runs its use case (api/src/use_cases/orders.cpp)
// in a unit of work, and encodes.
#include "ims/api/app.hpp"

namespace ims::api::order_handlers {

// ims_orders_total, registered once with the routes; the stock worker counts confirmed and rejected.
class OrderMetrics {
 public:
  explicit OrderMetrics(infra::Metrics& metrics);
  void count(const std::string& kind, const char* outcome);

 private:
  prometheus::Family<prometheus::Counter>& orders_;
};

Response place_order(Context& ctx, OrderMetrics& metrics);
Response get_order(Context& ctx);
Response list_orders(Context& ctx);
Response list_customer_orders(Context& ctx);
Response change_status(Context& ctx);
Response order_stats(Context& ctx);
Response daily_sales(Context& ctx);

}  // namespace ims::api::order_handlers
