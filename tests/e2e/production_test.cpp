// Production batches end to end: plan, start, complete against the bill of materials (shortages
// named, nothing booked), the output lot sellable first-expiry-first-out, QC failure and cancel.
#include <gtest/gtest.h>

#include <thread>

#include "support/fixtures.hpp"

using namespace ims::test;
using nlohmann::json;

namespace {

std::string path(std::int64_t batch, const std::string& action = "") {
  return "/api/v1/production/batches/" + std::to_string(batch) + (action.empty() ? "" : "/" + action);
}

// A finished product made of 3 kg of a new raw material per unit, and a started batch of 100.
struct Setup {
  std::string token;
  std::int64_t factory = 0, product = 0, material = 0, batch = 0;
};

Setup started_batch_of_100() {
  Setup s;
  s.token = token_for("manufacturer");
  s.factory = location_id("FACTORY-01");
  s.product = create_product(s.token);
  s.material = create_product(s.token, "raw_material");  // cost 4.00
  auto bom =
      api("PUT", "/api/v1/products/" + std::to_string(s.product) + "/bom",
          json{{"lines", json::array({{{"material_id", s.material}, {"quantity_per_unit", 3}}})}}.dump(),
          as(s.token));
  EXPECT_EQ(bom.status, 200) << bom.body;
  auto planned =
      api("POST", "/api/v1/production/batches",
          json{{"product_id", s.product}, {"location_id", s.factory}, {"planned_quantity", 100}}.dump(),
          as(s.token));
  EXPECT_EQ(planned.status, 201) << planned.body;
  EXPECT_EQ(planned.json()["status"], "planned");
  s.batch = planned.json()["id"].get<std::int64_t>();
  auto started = api("PUT", path(s.batch, "start"), "", as(s.token));
  EXPECT_EQ(started.status, 200) << started.body;
  EXPECT_EQ(started.json()["status"], "in_progress");
  return s;
}

json wait_batch(const std::string& token, std::int64_t batch, const std::function<bool(const json&)>& done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  json last;
  do {
    last = api("GET", path(batch), "", as(token)).json();
    if (done(last)) return last;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (std::chrono::steady_clock::now() < deadline);
  return last;
}

long movements_of(const std::string& number) {
  return query_one<long>("SELECT count(*) FROM inventory.movements WHERE reference = '" + number + "'");
}

}  // namespace

TEST(Production, CompletingWithAShortMaterialNamesItAndBooksNothingThenWithEnoughConsumesAndBooksTheLot) {
  auto s = started_batch_of_100();
  stock_up(s.token, s.material, s.factory, 250);
  const json completion{
      {"quantity_produced", 100}, {"lot_code", "PB-LOT-" + unique_suffix()}, {"expires_on", "2029-06-30"}};
  auto refused = api("PUT", path(s.batch, "complete"), completion.dump(), as(s.token));
  ASSERT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(refused.header("content-type"), "application/problem+json");
  EXPECT_NE(refused.json()["detail"].get<std::string>().find("short by 50 (needs 300, has 250)"),
            std::string::npos)
      << refused.body;
  EXPECT_EQ(refused.json()["errors"][0]["field"], "materials." + std::to_string(s.material));
  const auto number = api("GET", path(s.batch), "", as(s.token)).json()["number"].get<std::string>();
  EXPECT_EQ(api("GET", path(s.batch), "", as(s.token)).json()["status"], "in_progress");
  EXPECT_EQ(movements_of(number), 0);
  EXPECT_DOUBLE_EQ(on_hand(s.material, s.factory), 250);

  stock_up(s.token, s.material, s.factory, 50);
  auto accepted = api("PUT", path(s.batch, "complete"), completion.dump(), as(s.token));
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  auto done = wait_batch(s.token, s.batch, [](const json& b) { return b["status"] == "completed"; });
  ASSERT_EQ(done["status"], "completed") << done.dump();
  EXPECT_EQ(done["cost_per_unit"], "12.00");  // 3 kg × 4.00
  EXPECT_DOUBLE_EQ(on_hand(s.material, s.factory), 0);
  EXPECT_DOUBLE_EQ(on_hand(s.product, s.factory), 100);
  auto lot = query_one<std::string>(
      "SELECT lot_code || ' ' || expires_on::text || ' ' || manufactured_on::text FROM inventory.lots WHERE "
      "id = " +
      std::to_string(done["lot_id"].get<long>()));
  EXPECT_EQ(lot.substr(0, lot.rfind(' ')), completion["lot_code"].get<std::string>() + " 2029-06-30");
  EXPECT_EQ(query_one<long>("SELECT count(*) FROM inventory.movements WHERE reference = '" + number +
                            "' AND reason = 'production_consume'"),
            1);
  EXPECT_EQ(query_one<long>("SELECT count(*) FROM inventory.movements WHERE reference = '" + number +
                            "' AND reason = 'production_output'"),
            1);
  EXPECT_EQ(ledger_drift(), 0);
  // Completing again is a conflict.
  EXPECT_EQ(api("PUT", path(s.batch, "complete"), completion.dump(), as(s.token)).status, 409);
}

TEST(Production, TheOutputLotIsSoldFirstExpiryFirstOut) {
  auto s = started_batch_of_100();
  stock_up(s.token, s.material, s.factory, 300);
  // Stock of the same product already at the factory, expiring later than the batch's lot.
  stock_up(s.token, s.product, s.factory, 50,
           {{"lot_code", "LATER-" + unique_suffix()}, {"expires_on", "2031-01-01"}});
  const auto lot_code = "EARLIER-" + unique_suffix();
  ASSERT_EQ(api("PUT", path(s.batch, "complete"),
                json{{"quantity_produced", 100}, {"lot_code", lot_code}, {"expires_on", "2030-01-01"}}.dump(),
                as(s.token))
                .status,
            202);
  ASSERT_EQ(wait_batch(s.token, s.batch, [](const json& b) { return b["status"] == "completed"; })["status"],
            "completed");
  // The CFA replenishes from the factory: the batch's lot goes first.
  auto order = api("POST", "/api/v1/orders",
                   json{{"kind", "replenishment"},
                        {"lines", json::array({{{"product_id", s.product}, {"quantity", 120}}})}}
                       .dump(),
                   as(token_for("cfa")));
  ASSERT_EQ(order.status, 202) << order.body;
  json confirmed;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  do {
    confirmed =
        api("GET", "/api/v1/orders/" + std::to_string(order.json()["id"].get<long>()), "", as(s.token))
            .json();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (confirmed["status"] == "pending" && std::chrono::steady_clock::now() < deadline);
  ASSERT_EQ(confirmed["status"], "confirmed") << confirmed.dump();
  std::map<std::string, double> taken;
  for (const auto& a : confirmed["lines"][0]["allocations"]) taken[a["lot_code"]] = a["quantity"];
  EXPECT_DOUBLE_EQ(taken[lot_code], 100);
  EXPECT_EQ(taken.size(), 2u);
}

TEST(Production, QcFailureOfACompletedBatchWritesItsLotOffAndCancelIsOnlyFromPlanned) {
  auto s = started_batch_of_100();
  stock_up(s.token, s.material, s.factory, 300);
  ASSERT_EQ(
      api("PUT", path(s.batch, "complete"),
          json{
              {"quantity_produced", 100}, {"lot_code", "QC-" + unique_suffix()}, {"expires_on", "2030-01-01"}}
              .dump(),
          as(s.token))
          .status,
      202);
  ASSERT_EQ(wait_batch(s.token, s.batch, [](const json& b) { return b["status"] == "completed"; })["status"],
            "completed");
  EXPECT_EQ(api("PUT", path(s.batch, "qc-fail"), json::object().dump(), as(s.token)).status,
            422);  // a reason is required
  auto failed = api("PUT", path(s.batch, "qc-fail"), json{{"reason", "bacterial count over limit"}}.dump(),
                    as(s.token));
  ASSERT_EQ(failed.status, 202) << failed.body;
  EXPECT_EQ(failed.json()["status"], "qc_failed");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (on_hand(s.product, s.factory) != 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_DOUBLE_EQ(on_hand(s.product, s.factory), 0);
  EXPECT_EQ(ledger_drift(), 0);
  EXPECT_EQ(api("PUT", path(s.batch, "cancel"), "", as(s.token)).status, 409);

  auto planned =
      api("POST", "/api/v1/production/batches",
          json{{"product_id", s.product}, {"location_id", s.factory}, {"planned_quantity", 5}}.dump(),
          as(s.token));
  ASSERT_EQ(planned.status, 201);
  const auto other = planned.json()["id"].get<std::int64_t>();
  EXPECT_EQ(api("PUT", path(other, "complete"), json{{"quantity_produced", 5}, {"lot_code", "X"}}.dump(),
                as(s.token))
                .status,
            409);
  auto canceled = api("PUT", path(other, "cancel"), "", as(s.token));
  EXPECT_EQ(canceled.status, 200);
  EXPECT_EQ(canceled.json()["status"], "canceled");
  EXPECT_EQ(api("PUT", path(other, "start"), "", as(s.token)).status, 409);
}

TEST(Production, IsForManufacturerAndAdminAndValidatesWhatItIsGiven) {
  const auto maker = token_for("manufacturer");
  const auto product = create_product(maker);
  const auto factory = location_id("FACTORY-01");
  const json body{{"product_id", product}, {"location_id", factory}, {"planned_quantity", 10}};
  EXPECT_EQ(api("POST", "/api/v1/production/batches", body.dump(), as(token_for("retailer"))).status, 403);
  EXPECT_EQ(api("GET", "/api/v1/production/batches", "", as(token_for("cfa"))).status, 403);
  auto at_store = body;
  at_store["location_id"] = location_id("RET-ANDHERI");
  auto r = api("POST", "/api/v1/production/batches", at_store.dump(), as(maker));
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.json()["errors"][0]["field"], "location_id");
  auto zero = body;
  zero["planned_quantity"] = 0;
  EXPECT_EQ(api("POST", "/api/v1/production/batches", zero.dump(), as(maker)).status, 422);
  auto material = body;
  material["product_id"] = create_product(maker, "raw_material");
  EXPECT_EQ(api("POST", "/api/v1/production/batches", material.dump(), as(maker)).status, 422);
  EXPECT_EQ(api("GET", "/api/v1/production/batches/999999999", "", as(maker)).status, 404);
  // A product without a bill of materials cannot be completed.
  auto planned = api("POST", "/api/v1/production/batches", body.dump(), as(maker));
  ASSERT_EQ(planned.status, 201);
  const auto id = planned.json()["id"].get<std::int64_t>();
  ASSERT_EQ(api("PUT", path(id, "start"), "", as(maker)).status, 200);
  EXPECT_EQ(api("PUT", path(id, "complete"), json{{"quantity_produced", 10}, {"lot_code", "NOBOM"}}.dump(),
                as(maker))
                .status,
            422);
}
