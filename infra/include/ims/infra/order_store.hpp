#pragma once
// sales.orders, their lines and history: the store the order use cases take, and its PostgreSQL
// implementation (prepared statements; the intake pair is shared with the benchmark through
// order_statements.hpp). Typed records only.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ims/domain/order.hpp"
#include "ims/infra/pg_statements.hpp"

namespace ims::infra {

class UnitOfWork;

struct OrderProductFacts {
  bool is_active = false;
  bool finished = false;  // a finished good (only those are sold)
  std::string sku;
  std::int64_t price_cents = 0;
  std::int64_t cost_cents = 0;
};

// What an order names, looked up in one round trip.
struct OrderNames {
  std::map<std::int64_t, OrderProductFacts> products;
  std::map<std::int64_t, domain::OrderLocation> locations;
  std::optional<bool> supplier_active;  // nullopt: no such supplier
};

struct NewOrder {
  std::string lines_json;  // [{line_no, product_id, quantity, unit_price, lot_code, expires_on}]
  std::string kind;
  std::optional<std::int64_t> seller_id, buyer_id, supplier_id;
  std::optional<std::string> customer;  // the walk-in name (none when customer_id is set)
  std::int64_t actor_id = 0;
  std::string request_id;
  std::string event_id;
  std::string event_envelope;  // order.created; data.order_id and data.number are filled in
  std::optional<std::int64_t> customer_id;
};

struct PlacedOrder {
  std::int64_t id = 0;
  std::string number;
  std::string total;
  std::string created_at;
  std::string lines_json;  // as the API shows a new order's lines (quantity still a decimal)
};

struct OrderRecord {
  std::int64_t id = 0;
  std::string number;
  std::string kind;
  std::string status;
  std::optional<std::int64_t> seller_location_id, buyer_location_id, supplier_id;
  std::optional<std::string> customer;  // the walk-in name or the customer's name
  std::string total;
  std::optional<std::string> rejection_reason;
  std::optional<std::int64_t> created_by;
  int version = 1;
  std::string created_at;
  std::string updated_at;
  std::int64_t line_count = 0;
  std::optional<std::int64_t> customer_id;
};

struct OrderLineRecord {
  std::int64_t id = 0;
  int line_no = 0;
  std::int64_t product_id = 0;
  std::string sku;
  std::string quantity, unit_price, amount;  // decimals as PostgreSQL prints them
  std::optional<std::string> lot_code, expires_on, rejection_reason;
  std::string allocations_json;  // [{lot_id, lot_code, expires_on, quantity, state}]
};

struct OrderEventRecord {
  std::optional<std::string> from;
  std::string to;
  std::optional<std::int64_t> actor_id;
  std::optional<std::string> note, request_id;
  std::string at;
};

struct OrderFilter {
  std::optional<std::int64_t> after_id;
  std::optional<std::string> kind, status;
  std::optional<std::int64_t> scope;     // the caller's location, when its role is location-scoped
  std::optional<std::int64_t> location;  // the asked-for location (seller or buyer)
  std::optional<std::string> number;
  std::optional<std::int64_t> customer_id;
  int limit = 50;
};

struct OrderMove {
  std::int64_t id = 0;
  std::string from, to;
  std::int64_t actor_id = 0;
  std::optional<std::string> note;
  std::string request_id;
};

struct OrderPeriod {
  std::string from, to;  // dates, or empty for the default (the last 30 days)
};

struct OrderStatsRow {
  std::string period_start, kind, status;
  std::int64_t orders = 0;
  std::string amount;
};

struct DailySalesRow {
  std::string day;
  std::int64_t location_id = 0;
  std::int64_t orders = 0;
  std::string units, revenue;
};

class OrderStore {
 public:
  virtual ~OrderStore() = default;
  virtual OrderNames look_up(const std::vector<std::int64_t>& product_ids,
                             const std::vector<std::int64_t>& location_ids,
                             std::optional<std::int64_t> supplier_id) = 0;
  virtual std::optional<domain::OrderLocation> location(std::int64_t id) = 0;
  virtual PlacedOrder insert(const NewOrder& order) = 0;  // order, lines, history, order.created
  virtual std::optional<OrderRecord> find(std::int64_t id, bool for_update) = 0;
  virtual std::vector<OrderRecord> page(const OrderFilter& filter) = 0;  // newest first, limit + 1
  virtual std::vector<OrderLineRecord> lines(std::int64_t order_id) = 0;
  virtual std::vector<OrderEventRecord> history(std::int64_t order_id) = 0;
  virtual void move(const OrderMove& move) = 0;  // status, timestamps, version, history row
  virtual std::vector<OrderStatsRow> stats(const OrderPeriod& period, const std::string& unit,
                                           std::optional<std::int64_t> scope) = 0;
  virtual std::vector<DailySalesRow> daily_sales(const OrderPeriod& period,
                                                 std::optional<std::int64_t> location) = 0;
};

class PgOrderStore final : public OrderStore {
 public:
  explicit PgOrderStore(UnitOfWork& unit) : unit_(unit) {}
  OrderNames look_up(const std::vector<std::int64_t>& product_ids,
                     const std::vector<std::int64_t>& location_ids,
                     std::optional<std::int64_t> supplier_id) override;
  std::optional<domain::OrderLocation> location(std::int64_t id) override;
  PlacedOrder insert(const NewOrder& order) override;
  std::optional<OrderRecord> find(std::int64_t id, bool for_update) override;
  std::vector<OrderRecord> page(const OrderFilter& filter) override;
  std::vector<OrderLineRecord> lines(std::int64_t order_id) override;
  std::vector<OrderEventRecord> history(std::int64_t order_id) override;
  void move(const OrderMove& move) override;
  std::vector<OrderStatsRow> stats(const OrderPeriod& period, const std::string& unit,
                                   std::optional<std::int64_t> scope) override;
  std::vector<DailySalesRow> daily_sales(const OrderPeriod& period,
                                         std::optional<std::int64_t> location) override;

  static PreparedStatements statements();

 private:
  UnitOfWork& unit_;
};

}  // namespace ims::infra
