#pragma once
// The stock side of orders, as the stock worker writes it: orders and their lines locked, the
// seller's stock locked, reservations made, shipped, received and released, and the worker's
// decisions (confirmed, rejected) with their history and events. One order at a time or a batch
// of them in one round trip per step. The API's side of orders is order_store.hpp.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ims/domain/order.hpp"
#include "ims/domain/reservation_plan.hpp"
#include "ims/infra/pg_statements.hpp"

namespace ims::infra {

class UnitOfWork;

struct OrderToSettle {
  std::int64_t id = 0;
  std::string number;
  domain::OrderKind kind = domain::OrderKind::sale;
  domain::OrderStatus status = domain::OrderStatus::pending;
  std::optional<std::int64_t> seller_id;
  std::optional<std::int64_t> buyer_id;
  std::optional<std::int64_t> created_by;
  std::string today;  // the database's date, for expiry
};

struct OrderLineToSettle {
  std::int64_t id = 0;
  int line_no = 0;
  std::int64_t product_id = 0;
  std::string sku;
  domain::Quantity quantity;
  std::optional<std::string> lot_code;    // purchases: the lot the goods arrive in
  std::optional<std::string> expires_on;  // and its expiry
};

struct OrderWithLines {
  OrderToSettle order;
  std::vector<OrderLineToSettle> lines;  // in line order
};

// A reservation of an order line, as shipping, receiving and releasing it need it.
struct HeldReservation {
  std::int64_t id = 0;
  std::int64_t stock_id = 0;
  std::int64_t product_id = 0;
  std::optional<std::int64_t> lot_id;
  domain::Quantity quantity;
};

struct NewReservation {
  std::int64_t line_id = 0;
  std::int64_t stock_id = 0;
  std::int64_t product_id = 0;
  std::int64_t location_id = 0;
  std::optional<std::int64_t> lot_id;
  domain::Quantity quantity;
};

// The stock worker's decision on a pending order: the new status, its history entry and its
// event (the outbox row), written together.
struct OrderDecision {
  std::int64_t order_id = 0;
  std::string status;  // confirmed | rejected
  std::optional<std::string> reason;
  std::string from_status;
  std::string request_id;
  std::string event_id;
  std::string event_type;
  std::string envelope;
};

// (location, product)
using LocationProduct = std::pair<std::int64_t, std::int64_t>;

class PgOrderLedger {
 public:
  explicit PgOrderLedger(UnitOfWork& unit) : unit_(unit) {}

  std::optional<OrderToSettle> lock(std::int64_t order_id);
  std::optional<OrderWithLines> lock_with_lines(std::int64_t order_id);
  // Several orders with their lines, locked in id order; the ones that do not exist are absent.
  std::map<std::int64_t, OrderWithLines> lock_with_lines(const std::vector<std::int64_t>& order_ids);
  std::vector<OrderLineToSettle> lines(std::int64_t order_id);

  // The seller's rows of these products, locked in (product, row) order, by product.
  domain::SellerStock lock_seller_stock(std::int64_t seller_id, const std::vector<std::int64_t>& product_ids);
  // The rows of every (location, product), locked in (location, product, row) order, by location.
  std::map<std::int64_t, domain::SellerStock> lock_stock(const std::vector<LocationProduct>& keys);

  // The reservations, the stock they hold and the locations' stock versions: one round trip.
  void reserve(const std::vector<NewReservation>& reservations);
  void reject_lines(const std::vector<std::pair<std::int64_t, std::string>>& line_reasons);
  // In the given order, so their events keep it in the outbox; wakes the relay.
  void decide(const std::vector<OrderDecision>& decisions);

  std::vector<HeldReservation> lock_reservations(std::int64_t order_id, const std::string& state);
  void release(std::int64_t reservation_id);  // stock reserved goes back to available
  void ship(std::int64_t reservation_id);     // leaves reserved; the caller books the movement
  void mark_received(std::int64_t reservation_id);

  static PreparedStatements statements();

 private:
  UnitOfWork& unit_;
};

}  // namespace ims::infra
