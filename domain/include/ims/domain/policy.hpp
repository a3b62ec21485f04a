#pragma once
// The one place that decides who may do what (DESIGN §5). The HTTP layer asks; it never decides.
#include <cstdint>
#include <optional>
#include <string_view>

#include "ims/domain/role.hpp"

namespace ims::domain {

enum class Permission {
  manage_users,
  read_catalog,
  write_catalog,
  manage_suppliers,
  read_locations,
  write_locations,
  read_stock,
  adjust_stock,
  read_reorder_rules,
  write_reorder_rules,
  manage_production,
  read_orders,
  create_sale_order,
  create_replenishment_order,
  create_purchase_order,
  override_order_price,
  read_daily_sales,
  create_request,
  decide_request,
  read_transfers,
  manage_transfers,
  use_labels,
  create_reports,
  read_alerts,
  manage_schedules,
  read_events,
  read_audit,
  manage_webhooks,
  read_customers,
  manage_customers,
};

inline constexpr int permission_count = static_cast<int>(Permission::manage_customers) + 1;

std::string_view to_string(Permission permission);

// Who is acting: their role and, for location-bound users, their location.
struct Actor {
  std::int64_t user_id = 0;
  Role role = Role::retailer;
  std::optional<std::int64_t> location_id;
};

bool allows(Role role, Permission permission);

// What a shop-floor (PIN) session may do on top of its role: the day's work at its location, not
// the administration of accounts, integrations, schedules or the audit trail.
bool allowed_on_shop_floor(Permission permission);

// Location scope: which locations' data the actor may see or act on. Unscoped roles see all.
bool can_access_location(const Actor& actor, std::int64_t location_id);

}  // namespace ims::domain
