// Suppliers, locations, reorder rules, bills of materials and the audit log, through the API.
#include <gtest/gtest.h>

#include "support/fixtures.hpp"

using namespace ims::test;
using nlohmann::json;

TEST(Suppliers, ReferencedSupplierCannotBeDeletedButCanBeDeactivated) {
  const auto token = token_for("manufacturer");
  auto supplier =
      api("POST", "/api/v1/suppliers",
          json{{"name", "Acme " + unique_suffix()}, {"email", "sales@acme.example.com"}}.dump(), as(token));
  ASSERT_EQ(supplier.status, 201) << supplier.body;
  const auto id = supplier.json()["id"].get<long>();
  auto product = api("POST", "/api/v1/products",
                     json{{"sku", "T-SUP-" + unique_suffix()},
                          {"name", "x"},
                          {"kind", "raw_material"},
                          {"unit_of_measure", "kg"},
                          {"price", 0},
                          {"cost", 3},
                          {"supplier_id", id}}
                         .dump(),
                     as(token));
  ASSERT_EQ(product.status, 201) << product.body;
  auto del = api("DELETE", "/api/v1/suppliers/" + std::to_string(id), "", as(token));
  EXPECT_EQ(del.status, 409);
  EXPECT_EQ(del.header("content-type"), "application/problem+json");
  auto off = api("PATCH", "/api/v1/suppliers/" + std::to_string(id) + "/status",
                 json{{"is_active", false}}.dump(), as(token));
  ASSERT_EQ(off.status, 200);
  EXPECT_EQ(off.json()["is_active"], false);
  auto unused = api("POST", "/api/v1/suppliers", json{{"name", "Temp " + unique_suffix()}}.dump(), as(token))
                    .json()["id"]
                    .get<long>();
  EXPECT_EQ(api("DELETE", "/api/v1/suppliers/" + std::to_string(unused), "", as(token)).status, 204);
  EXPECT_EQ(api("GET", "/api/v1/suppliers/" + std::to_string(unused), "", as(token)).status, 404);
}

TEST(Suppliers, StockistsCannotSeeSuppliers) {
  EXPECT_EQ(api("GET", "/api/v1/suppliers", "", as(token_for("stockist"))).status, 403);
}

TEST(Locations, AdminBuildsTheChainOthersOnlyRead) {
  const auto admin = token_for("admin");
  const auto code = "CFA-" + unique_suffix().substr(0, 10);
  auto created = api("POST", "/api/v1/locations",
                     json{{"code", code},
                          {"name", "East CFA"},
                          {"kind", "cfa"},
                          {"upstream_location_id", location_id("FACTORY-01")}}
                         .dump(),
                     as(admin));
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(api("POST", "/api/v1/locations", json{{"code", "X1"}, {"name", "x"}, {"kind", "retail"}}.dump(),
                as(token_for("manufacturer")))
                .status,
            403);
  auto all = api("GET", "/api/v1/locations?kind=cfa&limit=500", "", as(token_for("retailer")));
  ASSERT_EQ(all.status, 200);
  bool seen = false;
  const auto listing1 = all.json();
  for (const auto& l : listing1["items"]) seen |= l["code"] == code;
  EXPECT_TRUE(seen);
  auto dup = api("POST", "/api/v1/locations",
                 json{{"code", code},
                      {"name", "again"},
                      {"kind", "cfa"},
                      {"upstream_location_id", location_id("FACTORY-01")}}
                     .dump(),
                 as(admin));
  EXPECT_EQ(dup.status, 409);
}

TEST(Locations, ChainRulesAreValidated) {
  const auto admin = token_for("admin");
  auto no_upstream =
      api("POST", "/api/v1/locations",
          json{{"code", "RT-" + unique_suffix().substr(0, 8)}, {"name", "x"}, {"kind", "retail"}}.dump(),
          as(admin));
  EXPECT_EQ(no_upstream.status, 422);
  EXPECT_EQ(no_upstream.json()["errors"][0]["field"], "upstream_location_id");
  // The factory cannot be re-pointed under its own descendant.
  const auto factory = std::to_string(location_id("FACTORY-01"));
  auto current = api("GET", "/api/v1/locations/" + factory, "", as(admin)).json();
  auto loop = api("PUT", "/api/v1/locations/" + factory,
                  json{{"code", "FACTORY-01"},
                       {"name", current["name"]},
                       {"kind", "cfa"},
                       {"upstream_location_id", location_id("RET-ANDHERI")}}
                      .dump(),
                  as(admin));
  EXPECT_EQ(loop.status, 422);
  // Referenced locations cannot be deleted.
  EXPECT_EQ(api("DELETE", "/api/v1/locations/" + factory, "", as(admin)).status, 409);
}

TEST(ReorderRules, CreatedByManufacturerReadWithinScope) {
  const auto token = token_for("manufacturer");
  const auto product = create_product(token);
  const auto retail = location_id("RET-ANDHERI");
  auto rule =
      api("POST", "/api/v1/reorder-rules",
          json{{"product_id", product}, {"location_id", retail}, {"min", 5}, {"max", 40}}.dump(), as(token));
  ASSERT_EQ(rule.status, 201) << rule.body;
  EXPECT_EQ(
      api("POST", "/api/v1/reorder-rules",
          json{{"product_id", product}, {"location_id", retail}, {"min", 1}, {"max", 2}}.dump(), as(token))
          .status,
      409);
  auto bad = api(
      "POST", "/api/v1/reorder-rules",
      json{{"product_id", product}, {"location_id", location_id("CFA-WEST")}, {"min", 9}, {"max", 3}}.dump(),
      as(token));
  EXPECT_EQ(bad.status, 422);
  const auto id = std::to_string(rule.json()["id"].get<long>());
  EXPECT_EQ(api("GET", "/api/v1/reorder-rules/" + id, "", as(token_for("retailer"))).status, 200);
  EXPECT_EQ(api("GET", "/api/v1/reorder-rules/" + id, "", as(token_for("cfa"))).status, 404)
      << "another location's rule";
  auto theirs = api("GET", "/api/v1/reorder-rules?limit=500", "", as(token_for("cfa"))).json();
  for (const auto& r : theirs["items"]) EXPECT_EQ(r["location_id"], location_id("CFA-WEST"));
  auto changed = api("PUT", "/api/v1/reorder-rules/" + id, json{{"min", 6}, {"max", 50}}.dump(),
                     as(token, {"If-Match: \"1\""}));
  EXPECT_EQ(changed.status, 200);
  EXPECT_EQ(api("PUT", "/api/v1/reorder-rules/" + id, json{{"min", 7}, {"max", 50}}.dump(),
                as(token, {"If-Match: \"1\""}))
                .status,
            412);
  EXPECT_EQ(api("POST", "/api/v1/reorder-rules",
                json{{"product_id", product}, {"location_id", retail}, {"min", 1}, {"max", 2}}.dump(),
                as(token_for("retailer")))
                .status,
            403);
}

TEST(Bom, FinishedGoodsListRawMaterialsPerUnit) {
  const auto token = token_for("manufacturer");
  const auto soap = create_product(token, "finished_good");
  const auto oil = create_product(token, "raw_material");
  const auto wrapper = create_product(token, "raw_material");
  auto put = api("PUT", "/api/v1/products/" + std::to_string(soap) + "/bom",
                 json{{"lines",
                       {{{"material_id", oil}, {"quantity_per_unit", 0.125}},
                        {{"material_id", wrapper}, {"quantity_per_unit", 1}}}}}
                     .dump(),
                 as(token));
  ASSERT_EQ(put.status, 200) << put.body;
  auto bom =
      api("GET", "/api/v1/products/" + std::to_string(soap) + "/bom", "", as(token_for("retailer"))).json();
  ASSERT_EQ(bom["lines"].size(), 2u);
  EXPECT_DOUBLE_EQ(bom["lines"][0]["quantity_per_unit"].get<double>(), 0.125);
  // A finished good is not a material; a material appears once; quantities are positive.
  auto wrong = api("PUT", "/api/v1/products/" + std::to_string(soap) + "/bom",
                   json{{"lines", {{{"material_id", soap}, {"quantity_per_unit", 1}}}}}.dump(), as(token));
  EXPECT_EQ(wrong.status, 422);
  auto twice = api("PUT", "/api/v1/products/" + std::to_string(soap) + "/bom",
                   json{{"lines",
                         {{{"material_id", oil}, {"quantity_per_unit", 1}},
                          {{"material_id", oil}, {"quantity_per_unit", 2}}}}}
                       .dump(),
                   as(token));
  EXPECT_EQ(twice.status, 422);
  auto zero = api("PUT", "/api/v1/products/" + std::to_string(soap) + "/bom",
                  json{{"lines", {{{"material_id", oil}, {"quantity_per_unit", 0}}}}}.dump(), as(token));
  EXPECT_EQ(zero.status, 422);
  EXPECT_EQ(
      api("GET", "/api/v1/products/" + std::to_string(soap) + "/bom", "", as(token)).json()["lines"].size(),
      2u)
      << "unchanged";
}

TEST(Audit, AdminReadsEveryWriteWithBeforeAndAfter) {
  const auto token = token_for("manufacturer");
  const auto request_id = "audit-read-" + unique_suffix();
  const auto product = create_product(token);
  auto current = api("GET", "/api/v1/products/" + std::to_string(product), "", as(token)).json();
  current["name"] = "Audited rename";
  ASSERT_EQ(api("PUT", "/api/v1/products/" + std::to_string(product), current.dump(),
                as(token, {"X-Request-Id: " + request_id}))
                .status,
            200);
  auto log = api("GET", "/api/v1/audit?request_id=" + request_id, "", as(token_for("admin")));
  ASSERT_EQ(log.status, 200);
  auto entries = log.json()["items"];
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0]["action"], "product.update");
  EXPECT_EQ(entries[0]["after"]["name"], "Audited rename");
  EXPECT_NE(entries[0]["before"]["name"], "Audited rename");
  EXPECT_EQ(api("GET", "/api/v1/audit", "", as(token)).status, 403);
}
