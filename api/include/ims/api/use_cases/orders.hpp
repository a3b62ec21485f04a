#pragma once
// The verbs of /orders, one use case each: placing an order (pending, with its order.created event
// in one statement), reading orders in the caller's scope, moving an order along its lifecycle, and
// the figures. Each runs in a unit of work (PgSession::unit) that commits only a success.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ims/api/use_cases/caller.hpp"
#include "ims/domain/order.hpp"
#include "ims/domain/result.hpp"
#include "ims/domain/stock.hpp"
#include "ims/infra/audit_store.hpp"
#include "ims/infra/customer_records.hpp"
#include "ims/infra/event.hpp"
#include "ims/infra/order_store.hpp"

namespace ims::api {

struct OrderLineCommand {
  std::int64_t product_id = 0;
  domain::Quantity quantity;
  std::optional<std::int64_t> unit_price_cents;  // only manufacturer/admin may set it
  std::optional<std::string> lot_code;
  std::optional<std::string> expires_on;
};

// Who a sale is to: a known customer, one named inline (found by phone or email at the selling
// location, else created), or a walk-in name only.
struct OrderCustomerRef {
  std::optional<std::int64_t> id;
  std::optional<infra::CustomerFields> inline_fields;
};

struct PlaceOrder {
  domain::OrderKind kind = domain::OrderKind::sale;
  std::string kind_text;
  domain::OrderParties parties;
  std::optional<std::string> customer;  // the walk-in name
  OrderCustomerRef customer_ref;
  std::vector<OrderLineCommand> lines;
};

struct OrderStatusChange {
  std::int64_t id = 0;
  std::optional<std::string> if_match;
  domain::OrderStatus to = domain::OrderStatus::pending;
  std::optional<std::string> note;
};

struct MovedOrder {
  nlohmann::json order;     // with lines and history
  bool stock_work = false;  // the stock worker still has to carry out the stock side (202)
};

// JSON of an order as lists show it, and as the audit trail records it.
nlohmann::json order_json(const infra::OrderRecord& order);

// A new pending order (its body for 202), or the refusal: forbidden price, parties, lines, customer.
domain::Result<nlohmann::json> place_order(const Caller& by, PlaceOrder command, infra::OrderStore& orders,
                                           infra::CustomerStore& customers);
// An order with lines and history; not_found outside the caller's scope.
domain::Result<nlohmann::json> get_order(const Caller& by, std::int64_t id, infra::OrderStore& orders);
// A page of orders in the caller's scope (filter.scope is set here), newest first, limit + 1.
domain::Result<std::vector<infra::OrderRecord>> list_orders(const Caller& by, infra::OrderFilter filter,
                                                            infra::OrderStore& orders);
// A customer's orders; not_found for a customer the caller may not see.
domain::Result<std::vector<infra::OrderRecord>> list_customer_orders(const Caller& by,
                                                                     std::int64_t customer_id,
                                                                     const infra::OrderFilter& page,
                                                                     infra::OrderStore& orders,
                                                                     infra::CustomerStore& customers);
domain::Result<MovedOrder> change_order_status(const Caller& by, const OrderStatusChange& change,
                                               infra::OrderStore& orders, infra::Outbox& outbox,
                                               infra::AuditTrail& audit);
// Orders and amounts per period start, kind and status, with totals per kind.
domain::Result<nlohmann::json> order_stats(const Caller& by, const infra::OrderPeriod& period,
                                           const std::string& unit, infra::OrderStore& orders);
// Sales that went through (confirmed onwards), per day and selling location.
domain::Result<nlohmann::json> daily_sales(const Caller& by, const infra::OrderPeriod& period,
                                           std::optional<std::int64_t> location, infra::OrderStore& orders);

}  // namespace ims::api
