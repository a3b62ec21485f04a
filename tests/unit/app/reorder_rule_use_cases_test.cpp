// The /reorder-rules use cases over fake stores: scope, what is written, audited and refused.
#include <gtest/gtest.h>

#include "ims/api/use_cases/reorder_rules.hpp"
#include "fake_location_stores.hpp"
#include "fake_stores.hpp"

namespace ims::api {
namespace {

using domain::ErrorCode;
using domain::FieldError;
using domain::Quantity;
using test::FakeAuditTrail;
using test::FakeReorderRuleStore;

constexpr std::int64_t soap = 11, shop = 21, other_shop = 22;

const Caller manufacturer{{3, domain::Role::manufacturer, std::nullopt}, "req-3"};
const Caller retailer{{4, domain::Role::retailer, shop}, "req-4"};
const Caller unplaced_cfa{{5, domain::Role::cfa, std::nullopt}, "req-5"};

Quantity qty(const char* text) {
  return *Quantity::parse(text);
}

FakeReorderRuleStore catalog() {
  FakeReorderRuleStore rules;
  rules.products = {soap, 12};
  rules.locations = {shop, other_shop};
  return rules;
}

TEST(ReorderRuleUseCases, CreateWritesTheRuleAndItsAuditRow) {
  auto rules = catalog();
  FakeAuditTrail audit;
  auto created = create_reorder_rule(manufacturer, {soap, shop, qty("5"), qty("40.5")}, rules, audit);
  ASSERT_TRUE(created.ok());
  const auto body = reorder_rule_json(*created);
  EXPECT_EQ(body["min"], 5.0);
  EXPECT_EQ(body["max"], 40.5);
  EXPECT_TRUE(body["low_since"].is_null());
  EXPECT_EQ(body["version"], 1);
  ASSERT_EQ(audit.entries.size(), 1u);
  EXPECT_EQ(audit.entries[0].action, "reorder_rule.create");
  EXPECT_EQ(audit.entries[0].entity, "reorder_rule");
  EXPECT_EQ(audit.entries[0].actor_id, 3);
  EXPECT_EQ(audit.entries[0].request_id, "req-3");
  EXPECT_EQ(nlohmann::json::parse(*audit.entries[0].after)["location_id"], shop);
}

TEST(ReorderRuleUseCases, LowSinceIsEncodedWhenSet) {
  auto rules = catalog();
  const auto id = rules.insert(soap, shop, qty("1"), qty("2"));
  rules.rows.at(id).low_since = "2024-05-01T08:00:00Z";
  EXPECT_EQ(reorder_rule_json(rules.rows.at(id))["low_since"], "2024-05-01T08:00:00Z");
}

TEST(ReorderRuleUseCases, UnknownProductAndLocationAreBothReported) {
  auto rules = catalog();
  FakeAuditTrail audit;
  auto refused = create_reorder_rule(manufacturer, {99, 98, qty("1"), qty("2")}, rules, audit);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::validation);
  EXPECT_EQ(refused.error().fields,
            (std::vector<FieldError>{{"product_id", "does not exist"}, {"location_id", "does not exist"}}));
  EXPECT_TRUE(rules.rows.empty());
  EXPECT_TRUE(audit.entries.empty());
}

TEST(ReorderRuleUseCases, ASecondRuleForTheSameProductAndLocationIsAConflict) {
  auto rules = catalog();
  FakeAuditTrail audit;
  ASSERT_TRUE(create_reorder_rule(manufacturer, {soap, shop, qty("5"), qty("40")}, rules, audit).ok());
  auto dup = create_reorder_rule(manufacturer, {soap, shop, qty("1"), qty("2")}, rules, audit);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, ErrorCode::conflict);
  EXPECT_EQ(dup.error().message, "product_id is taken");
  EXPECT_EQ(rules.rows.size(), 1u);
  EXPECT_EQ(audit.entries.size(), 1u);
  EXPECT_TRUE(create_reorder_rule(manufacturer, {soap, other_shop, qty("1"), qty("2")}, rules, audit).ok());
}

TEST(ReorderRuleUseCases, AScopedCallerListsOnlyItsOwnLocation) {
  auto rules = catalog();
  rules.insert(soap, shop, qty("1"), qty("2"));
  rules.insert(soap, other_shop, qty("1"), qty("2"));
  rules.insert(12, shop, qty("1"), qty("2"));

  infra::ReorderRuleFilter asks_for_other;
  asks_for_other.location_id = other_shop;
  auto mine = list_reorder_rules(retailer, asks_for_other, rules);
  ASSERT_EQ(mine->size(), 2u);
  for (const auto& r : *mine) EXPECT_EQ(r.location_id, shop);

  EXPECT_TRUE(list_reorder_rules(unplaced_cfa, {}, rules)->empty())
      << "a scoped user with no location sees none";
  EXPECT_EQ(list_reorder_rules(manufacturer, {}, rules)->size(), 3u);
  EXPECT_EQ(list_reorder_rules(manufacturer, asks_for_other, rules)->size(), 1u);
}

TEST(ReorderRuleUseCases, AnotherLocationsRuleIsNotFound) {
  auto rules = catalog();
  const auto theirs = rules.insert(soap, other_shop, qty("1"), qty("2"));
  const auto ours = rules.insert(soap, shop, qty("1"), qty("2"));
  EXPECT_EQ(get_reorder_rule(retailer, theirs, rules).error().code, ErrorCode::not_found);
  EXPECT_TRUE(get_reorder_rule(retailer, ours, rules).ok());
  EXPECT_TRUE(get_reorder_rule(manufacturer, theirs, rules).ok());
}

TEST(ReorderRuleUseCases, UpdateWithAStaleVersionIsRefusedAndChangesNothing) {
  auto rules = catalog();
  FakeAuditTrail audit;
  const auto id = rules.insert(soap, shop, qty("5"), qty("40"));
  ASSERT_TRUE(
      update_reorder_rule(manufacturer, {id, std::string("\"1\""), qty("6"), qty("50")}, rules, audit).ok());
  auto stale =
      update_reorder_rule(manufacturer, {id, std::string("\"1\""), qty("7"), qty("50")}, rules, audit);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::precondition_failed);
  EXPECT_EQ(stale.error().message, "the reorder rule has changed (now version 2); fetch it again");
  EXPECT_EQ(rules.rows.at(id).min, qty("6"));
  ASSERT_EQ(audit.entries.size(), 1u);
  EXPECT_EQ(audit.entries[0].action, "reorder_rule.update");
  EXPECT_EQ(nlohmann::json::parse(*audit.entries[0].before)["min"], 5.0);
  EXPECT_EQ(nlohmann::json::parse(*audit.entries[0].after)["min"], 6.0);
}

TEST(ReorderRuleUseCases, DeleteRemovesAndAuditsMissingIsNotFound) {
  auto rules = catalog();
  FakeAuditTrail audit;
  const auto id = rules.insert(soap, shop, qty("5"), qty("40"));
  ASSERT_TRUE(delete_reorder_rule(manufacturer, {id}, rules, audit).ok());
  EXPECT_TRUE(rules.rows.empty());
  ASSERT_EQ(audit.entries.size(), 1u);
  EXPECT_EQ(audit.entries[0].action, "reorder_rule.delete");
  EXPECT_FALSE(audit.entries[0].after.has_value());

  EXPECT_EQ(delete_reorder_rule(manufacturer, {id}, rules, audit).error().message, "no such reorder rule");
  EXPECT_EQ(
      update_reorder_rule(manufacturer, {id, std::nullopt, qty("1"), qty("2")}, rules, audit).error().code,
      ErrorCode::not_found);
  EXPECT_EQ(audit.entries.size(), 1u);
}

}  // namespace
}  // namespace ims::api
