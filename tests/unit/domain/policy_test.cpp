// The permission matrix of DESIGN §5, pinned row by row, and location scoping.
#include <gtest/gtest.h>

#include <set>

#include "ims/domain/policy.hpp"

using namespace ims::domain;
using P = Permission;

namespace {

struct Row {
  Permission permission;
  std::set<Role> allowed;
};

const std::set<Role> everyone{Role::admin, Role::manufacturer, Role::cfa, Role::stockist, Role::retailer};

const std::vector<Row> design_matrix{
    {P::manage_users, {Role::admin}},
    {P::read_catalog, everyone},
    {P::write_catalog, {Role::admin, Role::manufacturer}},
    {P::manage_suppliers, {Role::admin, Role::manufacturer}},
    {P::read_locations, everyone},
    {P::write_locations, {Role::admin}},
    {P::read_stock, everyone},
    {P::adjust_stock, {Role::admin, Role::manufacturer}},
    {P::read_reorder_rules, everyone},
    {P::write_reorder_rules, {Role::admin, Role::manufacturer}},
    {P::manage_production, {Role::admin, Role::manufacturer}},
    {P::read_orders, everyone},
    {P::create_sale_order, {Role::admin, Role::manufacturer, Role::stockist, Role::retailer}},
    {P::create_replenishment_order, everyone},
    {P::create_purchase_order, {Role::admin, Role::manufacturer}},
    {P::override_order_price, {Role::admin, Role::manufacturer}},
    {P::read_daily_sales, {Role::admin, Role::manufacturer, Role::stockist, Role::retailer}},
    {P::create_request, {Role::cfa, Role::stockist}},
    {P::decide_request, {Role::admin, Role::manufacturer}},
    {P::read_transfers, everyone},
    {P::manage_transfers, {Role::admin, Role::manufacturer}},
    {P::use_labels, everyone},
    {P::create_reports, everyone},
    {P::read_alerts, everyone},
    {P::manage_schedules, {Role::admin}},
    {P::read_events, everyone},
    {P::read_audit, {Role::admin}},
    {P::manage_webhooks, {Role::admin}},
    {P::read_customers, {Role::admin, Role::manufacturer, Role::stockist, Role::retailer}},
    {P::manage_customers, {Role::admin, Role::manufacturer, Role::stockist, Role::retailer}},
};

}  // namespace

TEST(Policy, MatrixMatchesDesignForEveryRoleAndPermission) {
  ASSERT_EQ(design_matrix.size(), static_cast<std::size_t>(permission_count))
      << "a permission is missing from the table";
  for (const auto& row : design_matrix) {
    for (Role role : all_roles) {
      EXPECT_EQ(allows(role, row.permission), row.allowed.contains(role))
          << to_string(role) << " / " << to_string(row.permission);
    }
  }
}

TEST(Policy, RetailerCannotManageUsers) {
  EXPECT_FALSE(allows(Role::retailer, P::manage_users));
}

TEST(Policy, ScopedRolesSeeOnlyTheirOwnLocation) {
  for (Role role : {Role::cfa, Role::stockist, Role::retailer}) {
    Actor actor{1, role, 7};
    EXPECT_TRUE(can_access_location(actor, 7)) << to_string(role);
    EXPECT_FALSE(can_access_location(actor, 8)) << to_string(role);
  }
}

TEST(Policy, ScopedRoleWithoutLocationSeesNothing) {
  Actor actor{1, Role::retailer, std::nullopt};
  EXPECT_FALSE(can_access_location(actor, 1));
}

TEST(Policy, AdminAndManufacturerSeeEveryLocation) {
  EXPECT_TRUE(can_access_location(Actor{1, Role::admin, std::nullopt}, 42));
  EXPECT_TRUE(can_access_location(Actor{1, Role::manufacturer, 1}, 42));
}

TEST(Roles, ParseAndPrintRoundTrip) {
  for (Role role : all_roles) EXPECT_EQ(parse_role(to_string(role)), role);
  EXPECT_EQ(parse_role("superuser"), std::nullopt);
  EXPECT_EQ(parse_role("Admin"), std::nullopt);
}

TEST(Policy, AShopFloorSessionDoesTheDaysWorkButNoAdministration) {
  for (P p : {P::manage_users, P::write_locations, P::manage_schedules, P::read_audit, P::manage_webhooks}) {
    EXPECT_FALSE(allowed_on_shop_floor(p)) << to_string(p);
  }
  for (P p : {P::read_stock, P::create_sale_order, P::read_orders, P::manage_customers, P::use_labels,
              P::read_alerts}) {
    EXPECT_TRUE(allowed_on_shop_floor(p)) << to_string(p);
  }
}
