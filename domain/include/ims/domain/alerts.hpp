#pragma once
// The rules of alerts (issue 10): which conditions are one alert, how severe, who is told, when a
// failed email is tried again, and what the inventory check proposes to restock a location.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ims/domain/order.hpp"
#include "ims/domain/result.hpp"
#include "ims/domain/role.hpp"
#include "ims/domain/stock.hpp"

namespace ims::domain {

// What an alert is about; at most one alert per key is open at a time.
struct AlertKey {
  std::string kind;  // stock.low, lot.expiring, inventory.drift, request.overdue, transfer.discrepancy
  std::optional<std::int64_t> product_id;
  std::optional<std::int64_t> location_id;
  std::string subject;  // "" or "lot:42", "request:7", "transfer:3"
  bool operator==(const AlertKey&) const = default;
};

AlertKey stock_low_key(std::int64_t product_id, std::int64_t location_id);
AlertKey lot_expiring_key(std::int64_t product_id, std::int64_t location_id, std::int64_t lot_id);
AlertKey drift_key(std::int64_t product_id, std::int64_t location_id, std::optional<std::int64_t> lot_id);
AlertKey request_overdue_key(std::int64_t product_id, std::int64_t location_id, std::int64_t request_id);
AlertKey discrepancy_key(std::int64_t product_id, std::int64_t location_id, std::int64_t transfer_id);
// A sign-up waiting for an admin to activate or reject it (no product, no location: admins only).
AlertKey account_pending_key(std::int64_t user_id);

// Conditions close by themselves when they clear; events (a discrepancy) close when acknowledged.
bool closes_by_itself(std::string_view kind);

// info | warning | critical. Stock at zero, an expired lot and drift are critical.
std::string alert_severity(std::string_view kind, bool worst_case);

// Who is emailed besides admins (always) and the location's own users: a factory's alerts and
// overdue approvals also go to every manufacturer (they run the factory and decide requests).
bool tells_manufacturers(std::string_view kind, std::optional<LocationKind> location_kind);

// Email retries: transient failures wait base, 2·base, 4·base, … up to ten minutes; after
// max_attempts attempts the delivery is given up. nullopt: give up now.
std::optional<std::int64_t> email_retry_delay_ms(int attempts_made, int max_attempts, std::int64_t base_ms);

// What the inventory check knows about one reorder rule at or below its min.
struct RestockFacts {
  Quantity available;
  Quantity min;
  Quantity max;
  LocationKind location_kind = LocationKind::retail;
  std::optional<std::int64_t> upstream_location_id;  // active upstream only
  std::optional<std::int64_t> supplier_id;           // the product's preferred supplier, if active
  bool finished_good = true;
  bool on_order = false;  // an open replenishment/purchase of this product for this location exists
  std::int64_t price_cents = 0;
  std::int64_t cost_cents = 0;
};

struct RestockPlan {
  OrderKind kind = OrderKind::replenishment;
  std::optional<std::int64_t> seller_location_id;  // replenishment
  std::optional<std::int64_t> supplier_id;         // purchase
  Quantity quantity;                               // max − available
  std::int64_t unit_price_cents = 0;               // price for a replenishment, cost for a purchase
};

// A draft for max − available: a replenishment from the location's upstream, or a purchase from
// the product's preferred supplier at a factory (or for a raw material anywhere). A refusal says
// why nothing is drafted (not low, already on order, no source); it is not an error of the check.
Result<RestockPlan> plan_restock(const RestockFacts& facts);

}  // namespace ims::domain
