// Orders end to end: intake by the API, reservation and the rest of the stock side by the stock
// worker, visibility by location, and the ledger invariant under concurrency.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "support/fixtures.hpp"

using namespace ims::test;
using nlohmann::json;

namespace {

HttpResult place(const std::string& token, const json& order) {
  for (int attempt = 0;; ++attempt) {
    auto r = api("POST", "/api/v1/orders", order.dump(), as(token));
    if (r.status != 503 || attempt >= 20) return r;  // at capacity: retry as a client would
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

json sale(std::int64_t seller, std::int64_t product, double quantity) {
  return json{{"kind", "sale"},
              {"seller_location_id", seller},
              {"customer", "walk-in"},
              {"lines", json::array({{{"product_id", product}, {"quantity", quantity}}})}};
}

json get_order(const std::string& token, std::int64_t id) {
  return api("GET", "/api/v1/orders/" + std::to_string(id), "", as(token)).json();
}

// Polls until the order has left `from` (pending by default) or the time is up.
json wait_status(const std::string& token, std::int64_t id, const std::string& from = "pending",
                 std::chrono::seconds limit = std::chrono::seconds(60)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  json last;
  do {
    last = get_order(token, id);
    if (last.is_object() && last.value("status", from) != from) return last;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (std::chrono::steady_clock::now() < deadline);
  return last;
}

// Polls until the stock worker has brought the reservations of the order to `state`.
bool wait_allocations(const std::string& token, std::int64_t id, const std::string& state) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  do {
    auto o = get_order(token, id);
    bool all = !o["lines"].empty();
    for (const auto& l : o["lines"]) {
      if (l["allocations"].empty()) all = false;
      for (const auto& a : l["allocations"]) all = all && a["state"] == state;
    }
    if (all) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (std::chrono::steady_clock::now() < deadline);
  return false;
}

HttpResult patch_status(const std::string& token, std::int64_t id, const std::string& status) {
  return api("PATCH", "/api/v1/orders/" + std::to_string(id) + "/status", json{{"status", status}}.dump(),
             as(token));
}

// A retail store under the demo stockist with its own retailer, for visibility tests.
std::pair<std::int64_t, std::string> other_retailer() {
  const auto admin = token_for("admin");
  const auto code = "RET-" + unique_suffix().substr(0, 10);
  std::string upper;
  for (char c : code) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto loc = api("POST", "/api/v1/locations",
                 json{{"code", upper},
                      {"name", "Second store"},
                      {"kind", "retail"},
                      {"upstream_location_id", location_id("STK-MUMBAI")}}
                     .dump(),
                 as(admin));
  EXPECT_EQ(loc.status, 201) << loc.body;
  const auto location = loc.json()["id"].get<std::int64_t>();
  const auto name = "retail-" + unique_suffix();
  auto user = api("POST", "/api/v1/users",
                  json{{"username", name},
                       {"email", name + "@example.com"},
                       {"password", "second-store-pw"},
                       {"role", "retailer"},
                       {"location_id", location}}
                      .dump(),
                  as(admin));
  EXPECT_EQ(user.status, 201) << user.body;
  return {location, token_for(name, "second-store-pw")};
}

}  // namespace

TEST(Orders, ASaleIsPendingAtOnceThenConfirmedWithItsStockReserved) {
  const auto maker = token_for("manufacturer");
  const auto retailer = token_for("retailer");
  const auto store = location_id("RET-ANDHERI");
  const auto product = create_product(maker);  // price 10.00
  stock_up(maker, product, store, 10);
  auto r = place(retailer, sale(store, product, 3));
  ASSERT_EQ(r.status, 202) << r.body;
  const auto order = r.json();
  EXPECT_EQ(order["status"], "pending");
  EXPECT_EQ(order["total"], "30.00");
  EXPECT_EQ(order["lines"][0]["unit_price"], "10.00");
  EXPECT_EQ(order["number"].get<std::string>().substr(0, 3), "SO-");
  EXPECT_EQ(order["number"].get<std::string>().size(), 9u);
  EXPECT_EQ(r.header("location"), "/api/v1/orders/" + std::to_string(order["id"].get<long>()));

  auto done = wait_status(retailer, order["id"]);
  EXPECT_EQ(done["status"], "confirmed");
  EXPECT_DOUBLE_EQ(on_hand(product, store), 10);
  EXPECT_DOUBLE_EQ(available(product, store), 7);
  ASSERT_EQ(done["lines"][0]["allocations"].size(), 1u);
  EXPECT_EQ(done["lines"][0]["allocations"][0]["state"], "reserved");
  EXPECT_EQ(done["history"].size(), 2u);
}

TEST(Orders, TotalsAreExactDecimals) {
  const auto maker = token_for("manufacturer");
  const auto store = location_id("RET-ANDHERI");
  const auto product = create_product(maker);
  auto r = place(
      maker, json{{"kind", "sale"},
                  {"seller_location_id", store},
                  {"lines",
                   json::array({{{"product_id", product}, {"quantity", 3}, {"unit_price", "0.10"}},
                                {{"product_id", product}, {"quantity", 0.333}, {"unit_price", "19.99"}}})}});
  ASSERT_EQ(r.status, 202) << r.body;
  // 3 × 0.10 = 0.30 and 0.333 × 19.99 = 6.65667 → 6.66; never 0.30000000000000004.
  EXPECT_EQ(r.json()["lines"][1]["amount"], "6.66");
  EXPECT_EQ(r.json()["total"], "6.96");
}

TEST(Orders, TwoHundredConcurrentOrdersForAHundredUnitsConfirmExactlyAHundred) {
  const auto maker = token_for("manufacturer");
  const auto retailer = token_for("retailer");
  const auto store = location_id("RET-ANDHERI");
  const auto product = create_product(maker);
  stock_up(maker, product, store, 100);
  std::vector<long> ids(200, -1);
  std::vector<std::thread> clients;
  for (int i = 0; i < 200; ++i) {
    clients.emplace_back([&, i] {
      auto r = place(retailer, sale(store, product, 1));
      if (r.status == 202) ids[i] = r.json()["id"].get<long>();
    });
  }
  for (auto& t : clients) t.join();
  int confirmed = 0, rejected = 0;
  for (long id : ids) {
    ASSERT_GT(id, 0);
    auto status = wait_status(retailer, id)["status"];
    confirmed += status == "confirmed";
    rejected += status == "rejected";
  }
  EXPECT_EQ(confirmed, 100);
  EXPECT_EQ(rejected, 100);
  EXPECT_DOUBLE_EQ(available(product, store), 0);
  EXPECT_DOUBLE_EQ(on_hand(product, store), 100);
  EXPECT_EQ(query_one<long>("SELECT count(*) FROM inventory.stock WHERE on_hand < 0 OR reserved > on_hand"),
            0);
  EXPECT_EQ(ledger_drift(), 0);
  // A rejected order says why, line by line.
  auto some_rejected = query_one<std::string>(
      "SELECT rejection_reason FROM sales.orders WHERE status = 'rejected' AND id IN (" +
      [&] {
        std::string s;
        for (long id : ids) s += (s.empty() ? "" : ",") + std::to_string(id);
        return s;
      }() +
      ") LIMIT 1");
  EXPECT_NE(some_rejected.find("only 0 available, 1 needed"), std::string::npos) << some_rejected;
}

TEST(Orders, ShippingDeductsTheReservationAndTheLedgerBalances) {
  const auto maker = token_for("manufacturer");
  const auto retailer = token_for("retailer");
  const auto store = location_id("RET-ANDHERI");
  const auto product = create_product(maker);
  stock_up(maker, product, store, 5);
  const auto id = place(retailer, sale(store, product, 2)).json()["id"].get<long>();
  ASSERT_EQ(wait_status(retailer, id)["status"], "confirmed");
  auto shipped = patch_status(retailer, id, "shipped");
  EXPECT_EQ(shipped.status, 202) << shipped.body;
  EXPECT_EQ(shipped.json()["status"], "shipped");
  ASSERT_TRUE(wait_allocations(retailer, id, "shipped"));
  EXPECT_DOUBLE_EQ(on_hand(product, store), 3);
  EXPECT_DOUBLE_EQ(available(product, store), 3);
  auto ledger =
      api("GET", "/api/v1/stock/movements?reason=sale&product_id=" + std::to_string(product), "", as(maker))
          .json();
  ASSERT_EQ(ledger["items"].size(), 1u);
  EXPECT_DOUBLE_EQ(ledger["items"][0]["quantity"].get<double>(), -2);
  EXPECT_EQ(ledger["items"][0]["reference"], shipped.json()["number"]);
  EXPECT_EQ(ledger_drift(), 0);
}

TEST(Orders, CancelingAConfirmedOrderRestoresAvailabilityAndAShippedOneIs409) {
  const auto maker = token_for("manufacturer");
  const auto retailer = token_for("retailer");
  const auto store = location_id("RET-ANDHERI");
  const auto product = create_product(maker);
  stock_up(maker, product, store, 4);
  const auto first = place(retailer, sale(store, product, 3)).json()["id"].get<long>();
  ASSERT_EQ(wait_status(retailer, first)["status"], "confirmed");
  EXPECT_DOUBLE_EQ(available(product, store), 1);
  auto canceled = patch_status(retailer, first, "canceled");
  EXPECT_EQ(canceled.status, 202) << canceled.body;
  ASSERT_TRUE(wait_allocations(retailer, first, "released"));
  EXPECT_DOUBLE_EQ(available(product, store), 4);

  const auto second = place(retailer, sale(store, product, 1)).json()["id"].get<long>();
  ASSERT_EQ(wait_status(retailer, second)["status"], "confirmed");
  ASSERT_EQ(patch_status(retailer, second, "shipped").status, 202);
  auto refused = patch_status(retailer, second, "canceled");
  EXPECT_EQ(refused.status, 409);
  EXPECT_EQ(refused.header("content-type"), "application/problem+json");
  EXPECT_EQ(refused.json()["detail"], "a sale order cannot go from shipped to canceled");
  EXPECT_EQ(get_order(retailer, second)["status"], "shipped");
  EXPECT_EQ(patch_status(retailer, first, "canceled").status, 409);  // already canceled
  // Confirming is the stock worker's decision, never a client's.
  const auto third = place(maker, sale(store, product, 1000)).json()["id"].get<long>();
  EXPECT_EQ(wait_status(maker, third)["status"], "rejected");
  EXPECT_EQ(patch_status(maker, third, "confirmed").status, 409);
}

TEST(Orders, CancelingAPendingOrderBeforeTheWorkerSeesItReservesNothing) {
  const auto maker = token_for("manufacturer");
  const auto store = location_id("RET-ANDHERI");
  const auto product = create_product(maker);
  stock_up(maker, product, store, 10);
  // Orders canceled as soon as they are placed: whether the worker reached them first or not, no
  // stock stays held.
  std::vector<long> ids;
  for (int i = 0; i < 10; ++i) ids.push_back(place(maker, sale(store, product, 1)).json()["id"].get<long>());
  for (long id : ids) EXPECT_EQ(patch_status(maker, id, "canceled").status, 202);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (available(product, store) != 10 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  // Let the worker drain: the last order's messages come after every earlier one.
  auto probe = place(maker, sale(store, product, 1)).json()["id"].get<long>();
  ASSERT_EQ(wait_status(maker, probe)["status"], "confirmed");
  EXPECT_DOUBLE_EQ(available(product, store), 9);
  for (long id : ids) EXPECT_EQ(get_order(maker, id)["status"], "canceled");
}

TEST(Orders, AReplenishmentMovesStockFromTheCfaToTheStockistWithItsLotsAndExpiry) {
  const auto maker = token_for("manufacturer");
  const auto stockist = token_for("stockist");
  const auto cfa_user = token_for("cfa");
  const auto cfa = location_id("CFA-WEST");
  const auto stk = location_id("STK-MUMBAI");
  const auto product = create_product(maker);
  stock_up(maker, product, cfa, 10, {{"lot_code", "LATE-1"}, {"expires_on", "2031-06-30"}});
  stock_up(maker, product, cfa, 10, {{"lot_code", "EARLY-1"}, {"expires_on", "2030-01-31"}});
  stock_up(maker, product, cfa, 10,
           {{"lot_code", "GONE-1"}, {"expires_on", "2020-01-01"}});  // expired: never sold

  // The stockist names only itself; the seller is its upstream CFA.
  auto r = place(stockist, json{{"kind", "replenishment"},
                                {"lines", json::array({{{"product_id", product}, {"quantity", 14}}})}});
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(r.json()["seller_location_id"], cfa);
  EXPECT_EQ(r.json()["buyer_location_id"], stk);
  EXPECT_EQ(r.json()["number"].get<std::string>().substr(0, 3), "RO-");
  const auto id = r.json()["id"].get<long>();
  auto confirmed = wait_status(stockist, id);
  ASSERT_EQ(confirmed["status"], "confirmed") << confirmed.dump();
  std::map<std::string, double> reserved;
  for (const auto& a : confirmed["lines"][0]["allocations"]) reserved[a["lot_code"]] = a["quantity"];
  EXPECT_EQ(reserved, (std::map<std::string, double>{{"EARLY-1", 10}, {"LATE-1", 4}}));

  EXPECT_EQ(patch_status(stockist, id, "shipped").status, 403);  // the seller ships
  ASSERT_EQ(patch_status(cfa_user, id, "processing").status, 200);
  ASSERT_EQ(patch_status(cfa_user, id, "shipped").status, 202);
  EXPECT_EQ(patch_status(cfa_user, id, "delivered").status, 403);  // the buyer confirms arrival
  ASSERT_EQ(patch_status(stockist, id, "delivered").status, 202);
  ASSERT_TRUE(wait_allocations(stockist, id, "received"));

  auto at_stockist =
      api("GET", "/api/v1/stock?product_id=" + std::to_string(product), "", as(stockist)).json();
  std::map<std::string, std::pair<double, std::string>> lots;
  for (const auto& row : at_stockist["items"]) lots[row["lot_code"]] = {row["on_hand"], row["expires_on"]};
  EXPECT_EQ(lots, (std::map<std::string, std::pair<double, std::string>>{{"EARLY-1", {10, "2030-01-31"}},
                                                                         {"LATE-1", {4, "2031-06-30"}}}));
  EXPECT_DOUBLE_EQ(on_hand(product, cfa), 16);
  EXPECT_DOUBLE_EQ(on_hand(product, stk), 14);
  EXPECT_EQ(ledger_drift(), 0);
}

TEST(Orders, APurchaseReceivedBooksAReceiptInTheNamedLot) {
  const auto maker = token_for("manufacturer");
  const auto factory = location_id("FACTORY-01");
  const auto material = create_product(maker, "raw_material");  // cost 4.00
  const auto supplier =
      query_one<long>("SELECT id FROM procurement.suppliers WHERE name = 'Deccan Chemicals'");
  auto r = place(maker, json{{"kind", "purchase"},
                             {"buyer_location_id", factory},
                             {"supplier_id", supplier},
                             {"lines", json::array({{{"product_id", material},
                                                     {"quantity", 250},
                                                     {"lot_code", "DC-7781"},
                                                     {"expires_on", "2028-03-31"}}})}});
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(r.json()["total"], "1000.00");  // bought at cost
  EXPECT_EQ(r.json()["number"].get<std::string>().substr(0, 3), "PO-");
  const auto id = r.json()["id"].get<long>();
  EXPECT_EQ(patch_status(maker, id, "received").status, 409);  // not ordered yet
  EXPECT_EQ(patch_status(maker, id, "ordered").status, 200);
  EXPECT_EQ(patch_status(maker, id, "received").status, 202);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (on_hand(material, factory) == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_DOUBLE_EQ(on_hand(material, factory), 250);
  EXPECT_EQ(query_one<std::string>(
                "SELECT l.expires_on::text FROM inventory.stock s JOIN inventory.lots l ON l.id = s.lot_id"
                " WHERE s.product_id = " +
                std::to_string(material)),
            "2028-03-31");
  EXPECT_EQ(ledger_drift(), 0);
}

TEST(Orders, EachLocationSeesItsOwnOrdersOnly) {
  const auto maker = token_for("manufacturer");
  const auto retailer = token_for("retailer");
  const auto store = location_id("RET-ANDHERI");
  const auto product = create_product(maker);
  const auto mine = place(retailer, sale(store, product, 1)).json()["id"].get<long>();
  auto [other_store, other] = other_retailer();

  auto fetched = api("GET", "/api/v1/orders/" + std::to_string(mine), "", as(other));
  EXPECT_EQ(fetched.status, 404);
  EXPECT_EQ(fetched.header("content-type"), "application/problem+json");
  EXPECT_EQ(patch_status(other, mine, "canceled").status, 404);
  auto listed = api("GET", "/api/v1/orders?limit=500", "", as(other)).json();
  for (const auto& o : listed["items"]) EXPECT_NE(o["id"], mine);
  EXPECT_EQ(api("GET", "/api/v1/orders/" + std::to_string(mine), "", as(maker)).status, 200);
  EXPECT_EQ(api("GET", "/api/v1/orders/" + std::to_string(mine), "", as(token_for("stockist"))).status, 404);
  // Selling from somebody else's store is refused.
  EXPECT_EQ(place(other, sale(store, product, 1)).status, 403);
  EXPECT_EQ(place(other, sale(other_store, product, 1)).status, 202);
}

TEST(Orders, RetailersMayNotPurchaseNorSetPrices) {
  const auto retailer = token_for("retailer");
  const auto store = location_id("RET-ANDHERI");
  const auto product = create_product(token_for("manufacturer"));
  auto purchase = place(retailer, json{{"kind", "purchase"},
                                       {"supplier_id", 1},
                                       {"lines", json::array({{{"product_id", product}, {"quantity", 1}}})}});
  EXPECT_EQ(purchase.status, 403) << purchase.body;
  auto priced = sale(store, product, 1);
  priced["lines"][0]["unit_price"] = "0.01";
  EXPECT_EQ(place(retailer, priced).status, 403);
  EXPECT_EQ(
      query_one<long>("SELECT count(*) FROM sales.order_lines WHERE product_id = " + std::to_string(product)),
      0);
}

TEST(Orders, BadOrdersAre422AndRecordNothing) {
  const auto maker = token_for("manufacturer");
  const auto store = location_id("RET-ANDHERI");
  const auto product = create_product(maker);
  const auto material = create_product(maker, "raw_material");
  const auto recorded = [&] {
    return query_one<long>("SELECT count(*) FROM sales.order_lines WHERE product_id IN (" +
                           std::to_string(product) + ", " + std::to_string(material) + ")");
  };
  auto field_of = [&](const json& body) {
    auto r = place(maker, body);
    EXPECT_EQ(r.status, 422) << body.dump() << " → " << r.body;
    return r.json()["errors"][0]["field"].get<std::string>();
  };
  EXPECT_EQ(field_of(json{{"kind", "barter"}, {"lines", json::array()}}), "kind");
  EXPECT_EQ(field_of(json{{"kind", "sale"}, {"seller_location_id", store}, {"lines", json::array()}}),
            "lines");
  json many = json::array();
  for (int i = 0; i < 201; ++i) many.push_back({{"product_id", product}, {"quantity", 1}});
  EXPECT_EQ(field_of(json{{"kind", "sale"}, {"seller_location_id", store}, {"lines", many}}), "lines");
  EXPECT_EQ(field_of(sale(store, product, 0)), "lines[0].quantity");
  EXPECT_EQ(field_of(sale(store, product, -2)), "lines[0].quantity");
  EXPECT_EQ(field_of(sale(store, product, 1.0005)), "lines[0].quantity");
  EXPECT_EQ(field_of(sale(store, 999999999, 1)), "lines[0].product_id");
  EXPECT_EQ(field_of(sale(store, material, 1)), "lines[0].product_id");
  EXPECT_EQ(field_of(sale(location_id("CFA-WEST"), product, 1)), "seller_location_id");
  EXPECT_EQ(field_of(sale(999999999, product, 1)), "seller_location_id");
  EXPECT_EQ(field_of(json{{"kind", "replenishment"},
                          {"buyer_location_id", location_id("STK-MUMBAI")},
                          {"seller_location_id", location_id("FACTORY-01")},
                          {"lines", json::array({{{"product_id", product}, {"quantity", 1}}})}}),
            "seller_location_id");
  auto retired = api("GET", "/api/v1/products/" + std::to_string(product), "", as(maker)).json();
  retired["is_active"] = false;
  ASSERT_EQ(api("PUT", "/api/v1/products/" + std::to_string(product), retired.dump(), as(maker)).status, 200);
  EXPECT_EQ(field_of(sale(store, product, 1)), "lines[0].product_id");
  EXPECT_EQ(api("POST", "/api/v1/orders", "{not json", as(maker)).status, 400);
  // A day that does not exist is the client's mistake (422), never the database's (500).
  EXPECT_EQ(field_of(json{{"kind", "purchase"},
                          {"buyer_location_id", location_id("FACTORY-01")},
                          {"supplier_id", query_one<long>("SELECT id FROM procurement.suppliers LIMIT 1")},
                          {"lines", json::array({{{"product_id", material},
                                                  {"quantity", 1},
                                                  {"lot_code", "L-1"},
                                                  {"expires_on", "2027-02-30"}}})}}),
            "lines[0].expires_on");
  EXPECT_EQ(recorded(), 0);
}

TEST(Orders, AnOrderThatCannotBeFilledIsRejectedWithAReasonPerLine) {
  const auto maker = token_for("manufacturer");
  const auto store = location_id("RET-ANDHERI");
  const auto plenty = create_product(maker);
  const auto scarce = create_product(maker);
  stock_up(maker, plenty, store, 50);
  stock_up(maker, scarce, store, 2);
  auto r = place(maker, json{{"kind", "sale"},
                             {"seller_location_id", store},
                             {"lines", json::array({{{"product_id", plenty}, {"quantity", 5}},
                                                    {{"product_id", scarce}, {"quantity", 3}}})}});
  ASSERT_EQ(r.status, 202) << r.body;
  auto done = wait_status(maker, r.json()["id"]);
  EXPECT_EQ(done["status"], "rejected");
  EXPECT_TRUE(done["lines"][0]["rejection_reason"].is_null());
  EXPECT_EQ(done["lines"][1]["rejection_reason"], "only 2 available, 3 needed");
  EXPECT_NE(done["rejection_reason"].get<std::string>().find("line 2"), std::string::npos);
  EXPECT_DOUBLE_EQ(available(plenty, store), 50);  // all lines or none
}

TEST(Orders, StatsAndDailySalesAddUpTheOrders) {
  const auto maker = token_for("manufacturer");
  auto [store, seller] = other_retailer();  // a store of its own, so the figures are this test's alone
  const auto product = create_product(maker);
  stock_up(maker, product, store, 10);
  for (double q : {2.0, 3.0})
    ASSERT_EQ(wait_status(seller, place(seller, sale(store, product, q)).json()["id"])["status"],
              "confirmed");
  ASSERT_EQ(wait_status(seller, place(seller, sale(store, product, 99)).json()["id"])["status"], "rejected");

  auto daily = api("GET", "/api/v1/sales/daily", "", as(seller));
  ASSERT_EQ(daily.status, 200) << daily.body;
  ASSERT_EQ(daily.json()["items"].size(), 1u) << daily.body;
  const auto day = daily.json()["items"][0];
  EXPECT_EQ(day["location_id"], store);
  EXPECT_EQ(day["orders"], 2);
  EXPECT_DOUBLE_EQ(day["units"].get<double>(), 5);
  EXPECT_EQ(day["revenue"], "50.00");
  EXPECT_EQ(api("GET", "/api/v1/sales/daily?location_id=" + std::to_string(location_id("RET-ANDHERI")), "",
                as(seller))
                .status,
            403);
  EXPECT_EQ(api("GET", "/api/v1/sales/daily", "", as(token_for("cfa"))).status, 403);
  EXPECT_EQ(api("GET", "/api/v1/sales/daily?from=yesterday", "", as(seller)).status, 422);

  auto stats = api("GET", "/api/v1/orders/stats", "", as(seller));
  ASSERT_EQ(stats.status, 200) << stats.body;
  EXPECT_EQ(stats.json()["totals"]["sale"]["orders"], 3);
  EXPECT_EQ(stats.json()["totals"]["sale"]["amount"], "1040.00");
  long confirmed = 0;
  const auto figures = stats.json();
  for (const auto& item : figures["items"]) {
    if (item["status"] == "confirmed") confirmed += item["orders"].get<long>();
  }
  EXPECT_EQ(confirmed, 2) << stats.body;
}

TEST(Orders, OneRequestIdFollowsTheOrderThroughTheApiAndTheStockWorker) {
  const auto maker = token_for("manufacturer");
  const auto store = location_id("RET-ANDHERI");
  const auto product = create_product(maker);
  stock_up(maker, product, store, 1);
  const auto request_id = "trace-" + unique_suffix();
  auto r = api("POST", "/api/v1/orders", sale(store, product, 1).dump(),
               {{bearer(maker), "X-Request-Id: " + request_id}});
  ASSERT_EQ(r.status, 202) << r.body;
  ASSERT_EQ(wait_status(maker, r.json()["id"])["status"], "confirmed");
  const auto logs = env_or("IMS_DATA_DIR", "") + "/logs/";
  auto lines_with = [&](const std::string& file) {
    std::ifstream in(logs + file);
    std::vector<json> found;
    for (std::string line; std::getline(in, line);) {
      if (line.find(request_id) != std::string::npos) found.push_back(json::parse(line, nullptr, false));
    }
    return found;
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::vector<json> api_lines, worker_lines;
  do {  // log lines are flushed, not synced: give them a moment
    api_lines = lines_with("ims-api.log");
    worker_lines = lines_with("ims-worker-stock.log");
    if (!api_lines.empty() && !worker_lines.empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  } while (std::chrono::steady_clock::now() < deadline);
  ASSERT_FALSE(api_lines.empty());
  ASSERT_FALSE(worker_lines.empty());
  bool recorded = false, confirmed = false;
  for (const auto& l : api_lines) recorded = recorded || l.value("msg", "") == "order recorded";
  for (const auto& l : worker_lines) confirmed = confirmed || l.value("msg", "") == "order confirmed";
  EXPECT_TRUE(recorded);
  EXPECT_TRUE(confirmed);
}

TEST(Orders, AreCountedByKindAndOutcomeInTheMetrics) {
  const auto maker = token_for("manufacturer");
  const auto store = location_id("RET-ANDHERI");
  const auto product = create_product(maker);
  stock_up(maker, product, store, 1);
  ASSERT_EQ(wait_status(maker, place(maker, sale(store, product, 1)).json()["id"])["status"], "confirmed");
  auto scrape = [](const std::string& url) { return http("GET", url).body; };
  const auto api_metrics = scrape(base_url() + "/metrics");
  EXPECT_NE(api_metrics.find("ims_orders_total{kind=\"sale\",outcome=\"recorded\"}"), std::string::npos);
  // The stock worker is the first role: its /metrics is on IMS_METRICS_PORT_BASE.
  const auto worker_metrics =
      scrape("http://127.0.0.1:" + env_or("IMS_METRICS_PORT_BASE", "30100") + "/metrics");
  EXPECT_NE(worker_metrics.find("ims_orders_total{kind=\"sale\",outcome=\"confirmed\"}"), std::string::npos);
}
