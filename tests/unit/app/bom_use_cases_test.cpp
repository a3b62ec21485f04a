// Bills of materials over fake stores: only finished goods have one, only raw materials go in it.
#include <gtest/gtest.h>

#include "fake_catalog_stores.hpp"
#include "fake_stores.hpp"
#include "ims/api/use_cases/products.hpp"

namespace ims::api {
namespace {

using domain::ErrorCode;
using test::FakeAuditTrail;
using test::FakeBomStore;
using test::FakeProductStore;

const Caller admin{{1, domain::Role::admin, std::nullopt}, "req-b"};

std::int64_t add(FakeProductStore& products, const std::string& sku, const std::string& kind) {
  infra::ProductFields f;
  f.sku = sku;
  f.name = sku;
  f.kind = kind;
  f.unit_of_measure = kind == "raw_material" ? "kg" : "each";
  return products.insert(f);
}

TEST(BomUseCases, ReplaceWritesTheLinesAndAuditsBeforeAndAfter) {
  FakeProductStore products;
  FakeBomStore boms(products);
  FakeAuditTrail audit;
  const auto cream = add(products, "FG-CREAM", "finished_good");
  const auto glycerin = add(products, "RM-GLYCERIN", "raw_material");
  const auto wrapper = add(products, "RM-WRAPPER", "raw_material");
  ASSERT_TRUE(replace_bom(admin, {cream, {{glycerin, "0.0500"}}}, boms, audit).ok());
  auto bom = replace_bom(admin, {cream, {{glycerin, "0.0400"}, {wrapper, "1.0000"}}}, boms, audit);
  ASSERT_TRUE(bom.ok());
  const auto body = bom_json(*bom);
  ASSERT_EQ(body["lines"].size(), 2u);
  EXPECT_EQ(body["lines"][1]["sku"], "RM-WRAPPER");
  EXPECT_DOUBLE_EQ(body["lines"][0]["quantity_per_unit"].get<double>(), 0.04);
  ASSERT_EQ(audit.entries.size(), 2u);
  EXPECT_EQ(audit.entries[1].action, "product.bom.replace");
  EXPECT_EQ(nlohmann::json::parse(*audit.entries[1].before)["lines"].size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(*audit.entries[1].after)["lines"].size(), 2u);
  EXPECT_EQ(get_bom(cream, boms)->lines.size(), 2u);
}

TEST(BomUseCases, ARawMaterialHasNoBomAndAFinishedGoodIsNoMaterial) {
  FakeProductStore products;
  FakeBomStore boms(products);
  FakeAuditTrail audit;
  const auto cream = add(products, "FG-CREAM", "finished_good");
  const auto soap = add(products, "FG-SOAP", "finished_good");
  const auto glycerin = add(products, "RM-GLYCERIN", "raw_material");

  auto refused = replace_bom(admin, {glycerin, {}}, boms, audit);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().fields.at(0).field, "product_id");

  refused =
      replace_bom(admin, {cream, {{glycerin, "1.0000"}, {soap, "1.0000"}, {99, "1.0000"}}}, boms, audit);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::validation);
  ASSERT_EQ(refused.error().fields.size(), 2u);
  EXPECT_EQ(refused.error().fields[0],
            (domain::FieldError{"lines[1].material_id", "must be a raw material"}));
  EXPECT_EQ(refused.error().fields[1], (domain::FieldError{"lines[2].material_id", "does not exist"}));
  EXPECT_TRUE(boms.boms.empty());
  EXPECT_TRUE(audit.entries.empty());
}

TEST(BomUseCases, AnUnknownProductIsNotFound) {
  FakeProductStore products;
  FakeBomStore boms(products);
  FakeAuditTrail audit;
  EXPECT_EQ(get_bom(5, boms).error().code, ErrorCode::not_found);
  EXPECT_EQ(replace_bom(admin, {5, {}}, boms, audit).error().code, ErrorCode::not_found);
}

}  // namespace
}  // namespace ims::api
