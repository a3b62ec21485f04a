// Approval requests: a CFA asks, the manufacturer decides, stock moves atomically; holds are placed
// at once and given back exactly once.
#include <gtest/gtest.h>

#include <thread>

#include "support/fixtures.hpp"

using namespace ims::test;
using nlohmann::json;

namespace {

json poll(const std::string& token, const std::string& path, const std::function<bool(const json&)>& done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  json last;
  do {
    last = api("GET", path, "", as(token)).json();
    if (done(last)) return last;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (std::chrono::steady_clock::now() < deadline);
  return last;
}

std::string req(std::int64_t id, const std::string& action = "") {
  return "/api/v1/requests/" + std::to_string(id) + (action.empty() ? "" : "/" + action);
}

// A transfer request from the factory to the CFA, its hold placed.
json held_request(const std::string& cfa, std::int64_t product, double quantity) {
  auto r = api("POST", "/api/v1/requests",
               json{{"action", "transfer"},
                    {"product_id", product},
                    {"quantity", quantity},
                    {"from_location_id", location_id("FACTORY-01")},
                    {"reason", "festival demand"}}
                   .dump(),
               as(cfa));
  EXPECT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(r.json()["status"], "pending");
  return poll(cfa, req(r.json()["id"]), [](const json& x) { return x["hold"] != "requested"; });
}

}  // namespace

TEST(Requests, ACfaAsksTheManufacturerApprovesAndFortySentThirtyEightArrive) {
  const auto maker = token_for("manufacturer");
  const auto cfa = token_for("cfa");
  const auto factory = location_id("FACTORY-01");
  const auto cfa_loc = location_id("CFA-WEST");
  const auto product = create_product(maker);
  stock_up(maker, product, factory, 100);

  auto request = held_request(cfa, product, 40);
  ASSERT_EQ(request["hold"], "held") << request.dump();
  EXPECT_DOUBLE_EQ(available(product, factory), 60);  // held at once
  EXPECT_DOUBLE_EQ(on_hand(product, factory), 100);   // nothing has moved
  const auto id = request["id"].get<long>();

  auto approved = api("PUT", req(id, "approve"), json{{"comment", "go ahead"}}.dump(), as(maker));
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(approved.json()["status"], "executed");
  EXPECT_EQ(approved.json()["decision_comment"], "go ahead");
  ASSERT_FALSE(approved.json()["transfer_id"].is_null());
  const auto transfer = "/api/v1/transfers/" + std::to_string(approved.json()["transfer_id"].get<long>());
  EXPECT_EQ(api("PUT", req(id, "approve"), "", as(maker)).status, 409);  // approving twice
  EXPECT_DOUBLE_EQ(available(product, factory), 60);                     // still held until dispatch

  ASSERT_EQ(api("PUT", transfer + "/dispatch", "", as(maker)).status, 202);
  ASSERT_EQ(poll(maker, transfer, [](const json& t) { return t["pending_step"].is_null(); })["status"],
            "in_transit");
  EXPECT_DOUBLE_EQ(on_hand(product, factory), 60);
  EXPECT_DOUBLE_EQ(available(product, factory),
                   60);  // the hold was used by the dispatch, not released on top
  EXPECT_EQ(query_one<std::string>("SELECT hold FROM inventory.requests WHERE id = " + std::to_string(id)),
            "used");
  ASSERT_EQ(api("PUT", transfer + "/arrive", "", as(cfa)).status, 200);
  ASSERT_EQ(api("PUT", transfer + "/complete",
                json{{"lines", json::array({{{"product_id", product}, {"received_quantity", 38}}})}}.dump(),
                as(cfa))
                .status,
            202);
  auto done = poll(cfa, transfer, [](const json& t) { return t["pending_step"].is_null(); });
  ASSERT_EQ(done["status"], "completed");
  EXPECT_DOUBLE_EQ(on_hand(product, factory), 60);  // the factory lost 40
  EXPECT_DOUBLE_EQ(on_hand(product, cfa_loc), 38);  // the CFA gained 38
  EXPECT_DOUBLE_EQ(done["lines"][0]["discrepancy"].get<double>(), -2);
  EXPECT_EQ(
      wait_count(
          "SELECT count(*) FROM reporting.alerts WHERE kind = 'transfer.discrepancy' AND location_id = " +
              std::to_string(cfa_loc) + " AND (data->>'product_id')::bigint = " + std::to_string(product),
          1),
      1);
  EXPECT_EQ(ledger_drift(), 0);
  EXPECT_EQ(query_one<long>("SELECT count(*) FROM audit.log WHERE entity = 'request' AND entity_id = '" +
                            std::to_string(id) + "' AND action = 'request.approved'"),
            1);
}

TEST(Requests, ADeniedRequestGivesItsHoldBackAndCannotBeApprovedAfter) {
  const auto maker = token_for("manufacturer");
  const auto cfa = token_for("cfa");
  const auto factory = location_id("FACTORY-01");
  const auto product = create_product(maker);
  stock_up(maker, product, factory, 50);
  const auto id = held_request(cfa, product, 30)["id"].get<long>();
  EXPECT_DOUBLE_EQ(available(product, factory), 20);
  auto denied = api("PUT", req(id, "deny"), json{{"comment", "not this month"}}.dump(), as(maker));
  ASSERT_EQ(denied.status, 200) << denied.body;
  EXPECT_EQ(denied.json()["status"], "denied");
  poll(cfa, req(id), [](const json& x) { return x["hold"] == "released"; });
  EXPECT_DOUBLE_EQ(available(product, factory), 50);
  EXPECT_EQ(api("PUT", req(id, "approve"), "", as(maker)).status, 409);
  EXPECT_EQ(api("PUT", req(id, "deny"), "", as(maker)).status, 409);
  EXPECT_DOUBLE_EQ(available(product, factory), 50);  // released once
}

TEST(Requests, AnExpiredRequestGivesItsHoldBack) {
  const auto maker = token_for("manufacturer");
  const auto cfa = token_for("cfa");
  const auto factory = location_id("FACTORY-01");
  const auto product = create_product(maker);
  stock_up(maker, product, factory, 10);
  const auto id = held_request(cfa, product, 10)["id"].get<long>();
  EXPECT_DOUBLE_EQ(available(product, factory), 0);
  // Its SLA runs out (the clock moved forward, as far as this request knows).
  query_one<long>("UPDATE inventory.requests SET expires_at = now() - interval '1 second' WHERE id = " +
                  std::to_string(id) + " RETURNING id");
  // The expire-requests job runs each minute; an admin runs it now.
  ASSERT_EQ(api("POST", "/api/v1/schedules/expire-requests/run", "", as(token_for("admin"))).status, 202);
  auto expired = poll(cfa, req(id), [](const json& x) { return x["hold"] == "released"; });
  EXPECT_EQ(expired["status"], "expired");
  EXPECT_EQ(expired["hold"], "released");
  EXPECT_DOUBLE_EQ(available(product, factory), 10);
  EXPECT_EQ(api("PUT", req(id, "approve"), "", as(maker)).status, 409);
}

TEST(Requests, WithoutTheStockARequestFailsWithTheReason) {
  const auto maker = token_for("manufacturer");
  const auto product = create_product(maker);
  stock_up(maker, product, location_id("FACTORY-01"), 5);
  auto r = held_request(token_for("cfa"), product, 40);
  EXPECT_EQ(r["status"], "failed");
  // No figures: the requester may not read the source's stock (issue 9).
  EXPECT_EQ(r["failure_reason"], "not enough usable stock at the source to hold");
  EXPECT_EQ(api("PUT", req(r["id"], "approve"), "", as(maker)).status, 409);
}

TEST(Requests, AStockistCannotDecideNorSeeOthersRequestsNorDispatchOthersTransfers) {
  const auto maker = token_for("manufacturer");
  const auto cfa = token_for("cfa");
  const auto stockist = token_for("stockist");
  const auto product = create_product(maker);
  stock_up(maker, product, location_id("FACTORY-01"), 10);
  const auto id = held_request(cfa, product, 1)["id"].get<long>();
  EXPECT_EQ(api("GET", req(id), "", as(stockist)).status, 404);
  EXPECT_EQ(api("PUT", req(id, "approve"), "", as(stockist)).status, 404);
  auto listed = api("GET", "/api/v1/requests?limit=500", "", as(stockist)).json();
  for (const auto& x : listed["items"]) EXPECT_NE(x["id"], id);
  // Deciders list everything pending; a stockist may not decide its own either.
  auto pending = api("GET", "/api/v1/requests?status=pending&limit=500", "", as(maker)).json();
  bool seen = false;
  for (const auto& x : pending["items"]) seen = seen || x["id"] == id;
  EXPECT_TRUE(seen);
  auto own = api(
      "POST", "/api/v1/requests",
      json{{"action", "write_off"}, {"product_id", product}, {"quantity", 1}, {"reason", "damaged"}}.dump(),
      as(stockist));
  ASSERT_EQ(own.status, 202) << own.body;
  EXPECT_EQ(api("PUT", req(own.json()["id"], "approve"), "", as(stockist)).status, 403);
  EXPECT_EQ(api("PUT", req(own.json()["id"], "cancel"), "", as(stockist)).status, 200);
  EXPECT_EQ(api("PUT", req(id, "cancel"), "", as(maker)).status, 403);  // only the requester cancels
  // Retailers and manufacturers do not ask.
  EXPECT_EQ(
      api("POST", "/api/v1/requests", json{{"action", "write_off"}}.dump(), as(token_for("retailer"))).status,
      403);
  // A transfer between the factory and the CFA does not exist for the stockist.
  auto approved = api("PUT", req(id, "approve"), "", as(maker));
  ASSERT_EQ(approved.status, 200) << approved.body;
  const auto transfer = "/api/v1/transfers/" + std::to_string(approved.json()["transfer_id"].get<long>());
  EXPECT_EQ(api("PUT", transfer + "/dispatch", "", as(stockist)).status, 404);
}

TEST(Requests, AnApprovedAdjustmentRequestIsAppliedByTheStockWorker) {
  const auto maker = token_for("manufacturer");
  const auto stockist = token_for("stockist");
  const auto stk = location_id("STK-MUMBAI");
  const auto product = create_product(maker);
  stock_up(maker, product, stk, 10);
  auto r =
      api("POST", "/api/v1/requests",
          json{{"action", "write_off"}, {"product_id", product}, {"quantity", 3}, {"reason", "water damage"}}
              .dump(),
          as(stockist));
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(r.json()["from_location_id"], stk);
  auto approved = api("PUT", req(r.json()["id"], "approve"), "", as(maker));
  ASSERT_EQ(approved.status, 200) << approved.body;
  ASSERT_EQ(wait_decided(maker, approved.json()["adjustment_id"])["status"], "applied");
  EXPECT_DOUBLE_EQ(on_hand(product, stk), 7);
  EXPECT_EQ(ledger_drift(), 0);
}
