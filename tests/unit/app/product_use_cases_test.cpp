// The /products use cases over fake stores: what is written, audited and refused.
#include <gtest/gtest.h>

#include "fake_catalog_stores.hpp"
#include "fake_stores.hpp"
#include "ims/api/use_cases/products.hpp"

namespace ims::api {
namespace {

using domain::ErrorCode;
using test::FakeAuditTrail;
using test::FakeProductStore;

const Caller manufacturer{{3, domain::Role::manufacturer, std::int64_t{1}}, "req-9"};

infra::ProductFields cream() {
  infra::ProductFields f;
  f.sku = "FG-CREAM-50";
  f.name = "Cream 50 ml";
  f.kind = "finished_good";
  f.unit_of_measure = "each";
  f.price_cents = 12550;
  f.cost_cents = 4000;
  f.gtin = "4006381333931";
  return f;
}

TEST(ProductUseCases, CreateWritesTheProductWithMoneyAsDecimalTextAndAnAuditRow) {
  FakeProductStore products;
  FakeAuditTrail audit;
  auto created = create_product(manufacturer, cream(), products, audit);
  ASSERT_TRUE(created.ok());
  const auto body = product_json(*created);
  EXPECT_EQ(body["price"], "125.50");
  EXPECT_EQ(body["cost"], "40.00");
  EXPECT_EQ(body["supplier_id"], nullptr);
  ASSERT_EQ(audit.entries.size(), 1u);
  EXPECT_EQ(audit.entries[0].action, "product.create");
  EXPECT_EQ(audit.entries[0].entity_id, std::to_string(created->id));
  EXPECT_EQ(nlohmann::json::parse(*audit.entries[0].after)["sku"], "FG-CREAM-50");
}

TEST(ProductUseCases, ATakenSkuOrGtinIsAConflictAndNothingIsWritten) {
  FakeProductStore products;
  FakeAuditTrail audit;
  products.insert(cream());
  auto other = cream();
  other.gtin = std::nullopt;
  auto refused = create_product(manufacturer, other, products, audit);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::conflict);
  EXPECT_EQ(refused.error().message, "sku is taken");

  other = cream();
  other.sku = "FG-CREAM-100";
  refused = create_product(manufacturer, other, products, audit);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message, "gtin is taken");
  EXPECT_EQ(products.rows.size(), 1u);
  EXPECT_TRUE(audit.entries.empty());
}

TEST(ProductUseCases, AnUnknownSupplierIsAFieldError) {
  FakeProductStore products;
  FakeAuditTrail audit;
  auto f = cream();
  f.supplier_id = 42;
  auto refused = create_product(manufacturer, f, products, audit);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::validation);
  ASSERT_EQ(refused.error().fields.size(), 1u);
  EXPECT_EQ(refused.error().fields[0].field, "supplier_id");
  products.suppliers.insert(42);
  EXPECT_TRUE(create_product(manufacturer, f, products, audit).ok());
}

TEST(ProductUseCases, UpdateKeepsItsOwnSkuChecksTheVersionAndAuditsBeforeAndAfter) {
  FakeProductStore products;
  FakeAuditTrail audit;
  const auto id = products.insert(cream());
  auto f = cream();
  f.price_cents = 13000;
  auto stale = update_product(manufacturer, {id, std::string("\"7\""), f}, products, audit);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::precondition_failed);
  EXPECT_EQ(products.rows.at(id).fields.price_cents, 12550);

  auto updated = update_product(manufacturer, {id, std::string("\"1\""), f}, products, audit);
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->version, 2);
  ASSERT_EQ(audit.entries.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(*audit.entries[0].before)["price"], "125.50");
  EXPECT_EQ(nlohmann::json::parse(*audit.entries[0].after)["price"], "130.00");

  auto missing = update_product(manufacturer, {id + 1, std::nullopt, f}, products, audit);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);
}

TEST(ProductUseCases, DeleteRemovesAndAuditsTheLastState) {
  FakeProductStore products;
  FakeAuditTrail audit;
  const auto id = products.insert(cream());
  ASSERT_TRUE(delete_product(manufacturer, {id}, products, audit).ok());
  EXPECT_TRUE(products.rows.empty());
  ASSERT_EQ(audit.entries.size(), 1u);
  EXPECT_EQ(audit.entries[0].action, "product.delete");
  EXPECT_FALSE(audit.entries[0].after.has_value());
  EXPECT_EQ(delete_product(manufacturer, {id}, products, audit).error().code, ErrorCode::not_found);
}

}  // namespace
}  // namespace ims::api
