// The /locations use cases over fake stores: what is written, audited and refused.
#include <gtest/gtest.h>

#include "ims/api/use_cases/locations.hpp"
#include "fake_location_stores.hpp"
#include "fake_stores.hpp"

namespace ims::api {
namespace {

using domain::ErrorCode;
using domain::FieldError;
using test::FakeAuditTrail;
using test::FakeLocationStore;

const Caller admin{{1, domain::Role::admin, std::nullopt}, "req-9"};

infra::LocationFields factory() {
  return {"FACTORY-01", "Main factory", "factory", std::nullopt};
}
infra::LocationFields under(std::int64_t upstream, std::string code, std::string kind) {
  return {std::move(code), "Somewhere", std::move(kind), upstream};
}

TEST(LocationUseCases, CreateWritesTheLocationAndItsAuditRow) {
  FakeLocationStore locations;
  FakeAuditTrail audit;
  const auto plant = locations.insert(factory());
  auto created = create_location(admin, under(plant, "CFA-EAST", "cfa"), locations, audit);
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created->fields.upstream_location_id, plant);
  EXPECT_EQ(created->version, 1);
  ASSERT_EQ(audit.entries.size(), 1u);
  const auto& row = audit.entries[0];
  EXPECT_EQ(row.action, "location.create");
  EXPECT_EQ(row.entity, "location");
  EXPECT_EQ(row.entity_id, std::to_string(created->id));
  EXPECT_EQ(row.actor_id, 1);
  EXPECT_EQ(row.request_id, "req-9");
  EXPECT_FALSE(row.before.has_value());
  const auto after = nlohmann::json::parse(*row.after);
  EXPECT_EQ(after["code"], "CFA-EAST");
  EXPECT_EQ(after["upstream_location_id"], plant);
}

TEST(LocationUseCases, TheFactoryEncodesItsMissingUpstreamAsNull) {
  FakeLocationStore locations;
  const auto id = locations.insert(factory());
  const auto body = location_json(*get_location(id, locations));
  EXPECT_TRUE(body["upstream_location_id"].is_null());
  EXPECT_EQ(body["kind"], "factory");
  EXPECT_EQ(body["is_active"], true);
  EXPECT_EQ(body["version"], 1);
}

TEST(LocationUseCases, CreateUnderAMissingUpstreamIsAValidationErrorAndWritesNothing) {
  FakeLocationStore locations;
  FakeAuditTrail audit;
  auto refused = create_location(admin, under(42, "RT-1", "retail"), locations, audit);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::validation);
  EXPECT_EQ(refused.error().fields, (std::vector<FieldError>{{"upstream_location_id", "does not exist"}}));
  EXPECT_TRUE(locations.rows.empty());
  EXPECT_TRUE(audit.entries.empty());
}

TEST(LocationUseCases, ATakenCodeIsAConflictListingEveryFieldError) {
  FakeLocationStore locations;
  FakeAuditTrail audit;
  locations.insert(factory());
  auto refused = create_location(admin, under(42, "FACTORY-01", "cfa"), locations, audit);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::conflict);
  EXPECT_EQ(refused.error().message, "code is taken");
  EXPECT_EQ(refused.error().fields,
            (std::vector<FieldError>{{"upstream_location_id", "does not exist"}, {"code", "is taken"}}));
  EXPECT_EQ(locations.rows.size(), 1u);
  EXPECT_TRUE(audit.entries.empty());
}

TEST(LocationUseCases, TheChainCannotLoopBackToTheLocation) {
  FakeLocationStore locations;
  FakeAuditTrail audit;
  const auto plant = locations.insert(factory());
  const auto cfa = locations.insert(under(plant, "CFA-WEST", "cfa"));
  const auto shop = locations.insert(under(cfa, "RET-ANDHERI", "retail"));
  for (const auto target : {shop, plant}) {
    auto loop =
        update_location(admin, {plant, std::nullopt, under(target, "FACTORY-01", "cfa")}, locations, audit);
    ASSERT_FALSE(loop.ok());
    EXPECT_EQ(loop.error().code, ErrorCode::validation);
    EXPECT_EQ(loop.error().fields,
              (std::vector<FieldError>{{"upstream_location_id", "would make the chain loop"}}));
  }
  EXPECT_EQ(locations.rows.at(plant).fields.kind, "factory");
  EXPECT_EQ(locations.rows.at(plant).version, 1);
  EXPECT_TRUE(audit.entries.empty());
}

TEST(LocationUseCases, UpdateChecksTheVersionKeepsItsOwnCodeAndAuditsBeforeAndAfter) {
  FakeLocationStore locations;
  FakeAuditTrail audit;
  const auto plant = locations.insert(factory());
  const auto cfa = locations.insert(under(plant, "CFA-WEST", "cfa"));
  auto renamed = under(plant, "CFA-WEST", "cfa");
  renamed.name = "West CFA";
  auto stale = update_location(admin, {cfa, std::string("\"2\""), renamed}, locations, audit);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::precondition_failed);
  EXPECT_EQ(stale.error().message, "the location has changed (now version 1); fetch it again");
  EXPECT_EQ(locations.rows.at(cfa).fields.name, "Somewhere");

  auto updated = update_location(admin, {cfa, std::string("\"1\""), renamed}, locations, audit);
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  EXPECT_EQ(updated->fields.name, "West CFA");
  EXPECT_EQ(updated->version, 2);
  ASSERT_EQ(audit.entries.size(), 1u);
  EXPECT_EQ(audit.entries[0].action, "location.update");
  EXPECT_EQ(nlohmann::json::parse(*audit.entries[0].before)["name"], "Somewhere");
  EXPECT_EQ(nlohmann::json::parse(*audit.entries[0].after)["version"], 2);
}

TEST(LocationUseCases, UpdateToAnotherLocationsCodeIsAConflict) {
  FakeLocationStore locations;
  FakeAuditTrail audit;
  const auto plant = locations.insert(factory());
  const auto cfa = locations.insert(under(plant, "CFA-WEST", "cfa"));
  auto refused =
      update_location(admin, {cfa, std::nullopt, under(plant, "FACTORY-01", "cfa")}, locations, audit);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::conflict);
  EXPECT_EQ(locations.rows.at(cfa).fields.code, "CFA-WEST");
}

TEST(LocationUseCases, DeleteIsRefusedWhileAnythingRefersToTheLocation) {
  FakeLocationStore locations;
  FakeAuditTrail audit;
  const auto plant = locations.insert(factory());
  const auto cfa = locations.insert(under(plant, "CFA-WEST", "cfa"));
  locations.referenced.insert(cfa);  // e.g. a user works there
  for (const auto id : {plant, cfa}) {
    auto refused = delete_location(admin, {id}, locations, audit);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::conflict);
    EXPECT_EQ(refused.error().message, "the record is referenced by or refers to another");
  }
  EXPECT_EQ(locations.rows.size(), 2u);
  EXPECT_TRUE(audit.entries.empty());

  locations.referenced.clear();
  ASSERT_TRUE(delete_location(admin, {cfa}, locations, audit).ok());
  EXPECT_EQ(locations.rows.count(cfa), 0u);
  ASSERT_EQ(audit.entries.size(), 1u);
  EXPECT_EQ(audit.entries[0].action, "location.delete");
  EXPECT_EQ(nlohmann::json::parse(*audit.entries[0].before)["code"], "CFA-WEST");
  EXPECT_FALSE(audit.entries[0].after.has_value());
}

TEST(LocationUseCases, MissingLocationIsNotFoundForEveryVerb) {
  FakeLocationStore locations;
  FakeAuditTrail audit;
  EXPECT_EQ(get_location(9, locations).error().message, "no such location");
  EXPECT_EQ(update_location(admin, {9, std::nullopt, factory()}, locations, audit).error().code,
            ErrorCode::not_found);
  EXPECT_EQ(delete_location(admin, {9}, locations, audit).error().code, ErrorCode::not_found);
  EXPECT_TRUE(audit.entries.empty());
}

}  // namespace
}  // namespace ims::api
