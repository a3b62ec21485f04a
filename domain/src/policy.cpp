#include "ims/domain/policy.hpp"

#include <array>

namespace ims::domain {
namespace {

// Bit per role, in the order of the Role enum.
constexpr unsigned bit(Role r) {
  return 1u << static_cast<unsigned>(r);
}
constexpr unsigned A = bit(Role::admin);
constexpr unsigned M = bit(Role::manufacturer);
constexpr unsigned C = bit(Role::cfa);
constexpr unsigned S = bit(Role::stockist);
constexpr unsigned R = bit(Role::retailer);
constexpr unsigned everyone = A | M | C | S | R;

struct Rule {
  Permission permission;
  std::string_view name;
  unsigned roles;
};

// DESIGN §5, table of resources. Scope (own location) is applied separately by can_access_location.
constexpr std::array<Rule, permission_count> matrix{{
    {Permission::manage_users, "manage_users", A},
    {Permission::read_catalog, "read_catalog", everyone},
    {Permission::write_catalog, "write_catalog", A | M},
    {Permission::manage_suppliers, "manage_suppliers", A | M},
    {Permission::read_locations, "read_locations", everyone},
    {Permission::write_locations, "write_locations", A},
    {Permission::read_stock, "read_stock", everyone},
    {Permission::adjust_stock, "adjust_stock", A | M},
    {Permission::read_reorder_rules, "read_reorder_rules", everyone},
    {Permission::write_reorder_rules, "write_reorder_rules", A | M},
    {Permission::manage_production, "manage_production", A | M},
    {Permission::read_orders, "read_orders", everyone},
    {Permission::create_sale_order, "create_sale_order", A | M | S | R},
    {Permission::create_replenishment_order, "create_replenishment_order", A | M | C | S | R},
    {Permission::create_purchase_order, "create_purchase_order", A | M},
    {Permission::override_order_price, "override_order_price", A | M},
    {Permission::read_daily_sales, "read_daily_sales", A | M | S | R},
    {Permission::create_request, "create_request", C | S},
    {Permission::decide_request, "decide_request", A | M},
    {Permission::read_transfers, "read_transfers", everyone},
    {Permission::manage_transfers, "manage_transfers", A | M},
    {Permission::use_labels, "use_labels", everyone},
    {Permission::create_reports, "create_reports", everyone},
    {Permission::read_alerts, "read_alerts", everyone},
    {Permission::manage_schedules, "manage_schedules", A},
    {Permission::read_events, "read_events", everyone},
    {Permission::read_audit, "read_audit", A},
    {Permission::manage_webhooks, "manage_webhooks", A},
    {Permission::read_customers, "read_customers", A | M | S | R},
    {Permission::manage_customers, "manage_customers", A | M | S | R},
}};

constexpr bool matrix_in_enum_order() {
  for (std::size_t i = 0; i < matrix.size(); ++i) {
    if (static_cast<std::size_t>(matrix[i].permission) != i) return false;
  }
  return true;
}
static_assert(matrix_in_enum_order(), "policy matrix rows must follow the Permission enum");

}  // namespace

std::string_view to_string(Permission permission) {
  return matrix[static_cast<std::size_t>(permission)].name;
}

bool allows(Role role, Permission permission) {
  return (matrix[static_cast<std::size_t>(permission)].roles & bit(role)) != 0;
}

bool allowed_on_shop_floor(Permission permission) {
  switch (permission) {
    case Permission::manage_users:
    case Permission::write_locations:
    case Permission::manage_schedules:
    case Permission::read_audit:
    case Permission::manage_webhooks:
      return false;
    default:
      return true;
  }
}

bool can_access_location(const Actor& actor, std::int64_t location_id) {
  if (!is_location_scoped(actor.role)) return true;
  return actor.location_id.has_value() && *actor.location_id == location_id;
}

}  // namespace ims::domain
