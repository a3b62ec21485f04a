// Issue 9: what a new user found by trying bad input and abuse against the running stack. Each test
// is one of the defects seen then; each fails on the code of that time and passes now.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "support/fixtures.hpp"

using namespace ims::test;
using nlohmann::json;

namespace {

bool is_problem(const HttpResult& r) {
  return r.header("content-type").rfind("application/problem+json", 0) == 0 && r.json().is_object() &&
         r.json().value("status", 0) == r.status;
}

bool names_field(const HttpResult& r, const std::string& field) {
  const auto body = r.json();
  if (!body.is_object() || !body.contains("errors")) return false;
  for (const auto& e : body["errors"]) {
    if (e.value("field", "") == field) return true;
  }
  return false;
}

long count_of(const std::string& sql) {
  return query_one<long>(sql);
}

}  // namespace

// #1: ?q=%FF reached PostgreSQL and came back as a 500.
TEST(BadInput, InvalidUtf8InAQueryParameterIs400NamingIt) {
  const auto token = token_for("admin");
  for (const auto* path : {"/api/v1/products?q=%FF", "/api/v1/products?q=ok%C0%AF", "/api/v1/users?q=%00",
                           "/api/v1/orders?status=%ED%A0%80"}) {
    auto r = api("GET", path, "", as(token));
    EXPECT_EQ(r.status, 400) << path << ": " << r.body;
    EXPECT_TRUE(is_problem(r)) << r.body;
  }
  auto r = api("GET", "/api/v1/products?q=%FF", "", as(token));
  EXPECT_TRUE(names_field(r, "q")) << r.body;
  // Valid UTF-8 still searches.
  EXPECT_EQ(api("GET", "/api/v1/products?q=%E0%A4%A6%E0%A4%B5%E0%A4%BE", "", as(token)).status, 200);
}

TEST(BadInput, AnIdempotencyKeyThatIsNotPlainTextIs422AndNothingIsRecorded) {
  const auto maker = token_for("manufacturer");
  const auto product = create_product(maker);
  HttpOptions options = as(maker);
  options.headers.push_back("Idempotency-Key: caf\xc3\xa9-\xff");
  auto r = post_adjustment(maker, product, location_id("FACTORY-01"), 5);  // the plain one works
  ASSERT_EQ(r.status, 202) << r.body;
  auto bad = api("POST", "/api/v1/stock/adjustments",
                 json{{"product_id", product},
                      {"location_id", location_id("FACTORY-01")},
                      {"quantity_delta", 5},
                      {"reason", "x"}}
                     .dump(),
                 options);
  EXPECT_EQ(bad.status, 422) << bad.body;
  EXPECT_TRUE(names_field(bad, "Idempotency-Key")) << bad.body;
  EXPECT_EQ(
      count_of("SELECT count(*) FROM inventory.adjustments WHERE product_id = " + std::to_string(product)),
      1);
}

TEST(BadInput, NulInsideAJsonStringIs400AndChangesNothing) {
  const auto admin = token_for("admin");
  const auto sku = "NUL-" + unique_suffix();
  auto r =
      api("POST", "/api/v1/products",
          R"({"sku":")" + sku +
              R"(","name":"a\u0000b","kind":"finished_good","unit_of_measure":"pcs","price":"1","cost":"1"})",
          as(admin));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_TRUE(is_problem(r));
  EXPECT_EQ(count_of("SELECT count(*) FROM catalog.products WHERE sku = '" + sku + "'"), 0);
}

TEST(BadInput, DeeplyNestedBodiesAre400) {
  const auto admin = token_for("admin");
  const std::string body = "{\"name\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  auto r = api("POST", "/api/v1/products", body, as(admin));
  EXPECT_EQ(r.status, 400) << r.body.substr(0, 200);
  EXPECT_EQ(api("GET", "/health").status, 200);
}

// #2: year 0000 passed the calendar check and PostgreSQL refused it; and no bound on the span.
TEST(BadInput, YearZeroAndPeriodsLongerThanAYearAre422) {
  const auto admin = token_for("admin");
  for (const auto* path : {"/api/v1/orders/stats?from=0000-01-01", "/api/v1/sales/daily?from=0000-01-01",
                           "/api/v1/orders/stats?to=0000-12-31"}) {
    auto r = api("GET", path, "", as(admin));
    EXPECT_EQ(r.status, 422) << path << ": " << r.body;
    EXPECT_TRUE(is_problem(r));
  }
  auto wide = api("GET", "/api/v1/orders/stats?from=2020-01-01&to=2026-01-01", "", as(admin));
  EXPECT_EQ(wide.status, 422) << wide.body;
  EXPECT_TRUE(names_field(wide, "to")) << wide.body;
  auto backwards = api("GET", "/api/v1/sales/daily?from=2026-02-01&to=2026-01-01", "", as(admin));
  EXPECT_EQ(backwards.status, 422) << backwards.body;
  EXPECT_TRUE(names_field(backwards, "from")) << backwards.body;
  EXPECT_EQ(api("GET", "/api/v1/orders/stats?from=2025-01-01&to=2025-12-31", "", as(admin)).status, 200);
  EXPECT_EQ(api("GET", "/api/v1/sales/daily?from=2024-01-01&to=2024-12-31", "", as(admin)).status,
            200);  // 366 days
}

// #3: "lot_code": "" hit a CHECK constraint (500).
TEST(BadInput, AnEmptyLotCodeIs422AndChangesNothing) {
  const auto maker = token_for("manufacturer");
  const auto product = create_product(maker);
  auto r = post_adjustment(maker, product, location_id("FACTORY-01"), 5, "opening", {{"lot_code", ""}});
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_TRUE(names_field(r, "lot_code")) << r.body;
  EXPECT_EQ(
      count_of("SELECT count(*) FROM inventory.adjustments WHERE product_id = " + std::to_string(product)),
      0);
}

// #4: an empty role was dereferenced as an empty optional and the user became a manufacturer.
TEST(BadInput, AnEmptyOrUnknownRoleIs422AndNoUserIsCreated) {
  const auto admin = token_for("admin");
  for (const json& role : {json(""), json("superuser"), json(7), json::array()}) {
    const auto name = "role-" + unique_suffix();
    auto r = api("POST", "/api/v1/users",
                 json{{"username", name},
                      {"email", name + "@example.com"},
                      {"password", "a-long-password"},
                      {"role", role}}
                     .dump(),
                 as(admin));
    EXPECT_EQ(r.status, 422) << role.dump() << ": " << r.body;
    EXPECT_TRUE(names_field(r, "role")) << r.body;
    EXPECT_EQ(count_of("SELECT count(*) FROM auth.users WHERE username = '" + name + "'"), 0);
  }
}

// #5: 999999999 × 999999999999 overflowed the line total (500).
TEST(BadInput, OrderAmountsThatWouldOverflowAre422) {
  const auto maker = token_for("manufacturer");
  const auto store = location_id("RET-ANDHERI");
  const auto product = create_product(maker);
  const auto orders_of_product =
      "SELECT count(*) FROM sales.order_lines WHERE product_id = " + std::to_string(product);
  const json cases[] = {
      {{"quantity", 999999999}, {"unit_price", "999999999999"}},  // the line's amount
      {{"quantity", 1}, {"unit_price", "9999999999999999"}},      // the price itself
      {{"quantity", 1e300}, {"unit_price", "1"}},                 // the quantity
  };
  for (const auto& line : cases) {
    json l = line;
    l["product_id"] = product;
    auto r = api("POST", "/api/v1/orders",
                 json{{"kind", "sale"}, {"seller_location_id", store}, {"lines", json::array({l})}}.dump(),
                 as(maker));
    EXPECT_EQ(r.status, 422) << line.dump() << ": " << r.body;
    EXPECT_TRUE(is_problem(r));
  }
  // 200 lines each just under the line limit: the order's total is what overflows.
  json lines = json::array();
  for (int i = 0; i < 200; ++i)
    lines.push_back({{"product_id", product}, {"quantity", 100000}, {"unit_price", "9999999.99"}});
  auto total = api("POST", "/api/v1/orders",
                   json{{"kind", "sale"}, {"seller_location_id", store}, {"lines", lines}}.dump(), as(maker));
  EXPECT_EQ(total.status, 422) << total.body.substr(0, 300);
  EXPECT_EQ(count_of(orders_of_product), 0);
}

TEST(BadInput, PricesBeyondTheirColumnAre422) {
  const auto admin = token_for("admin");
  const auto sku = "BIG-" + unique_suffix();
  auto r = api("POST", "/api/v1/products",
               json{{"sku", sku},
                    {"name", "Big"},
                    {"kind", "finished_good"},
                    {"unit_of_measure", "pcs"},
                    {"price", "9999999999999999"},
                    {"cost", "1"}}
                   .dump(),
               as(admin));
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_TRUE(names_field(r, "price")) << r.body;
}

namespace {

json wait_transfer(const std::string& token, std::int64_t id) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  json last;
  do {
    last = api("GET", "/api/v1/transfers/" + std::to_string(id), "", as(token)).json();
    if (last.is_object() && last["pending_step"].is_null()) return last;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (std::chrono::steady_clock::now() < deadline);
  return last;
}

// A transfer of `quantity` from the factory to CFA-WEST, dispatched and arrived.
std::int64_t arrived_transfer(const std::string& maker, const std::string& cfa, std::int64_t product,
                              double quantity) {
  const auto factory = location_id("FACTORY-01");
  stock_up(maker, product, factory, quantity);
  auto r = api("POST", "/api/v1/transfers",
               json{{"from_location_id", factory},
                    {"to_location_id", location_id("CFA-WEST")},
                    {"lines", json::array({{{"product_id", product}, {"quantity", quantity}}})}}
                   .dump(),
               as(maker));
  EXPECT_EQ(r.status, 201) << r.body;
  const auto id = r.json().value("id", std::int64_t{-1});
  EXPECT_EQ(api("PUT", "/api/v1/transfers/" + std::to_string(id) + "/dispatch", "", as(maker)).status, 202);
  EXPECT_EQ(wait_transfer(maker, id)["status"], "in_transit");
  EXPECT_EQ(api("PUT", "/api/v1/transfers/" + std::to_string(id) + "/arrive", "", as(cfa)).status, 200);
  return id;
}

}  // namespace

// #6: a string where an id belongs was read with json::value (500).
TEST(BadInput, AnyJsonTypeWhereAnIdBelongsIs422) {
  const auto maker = token_for("manufacturer");
  const auto cfa = token_for("cfa");
  const auto product = create_product(maker);
  const auto id = arrived_transfer(maker, cfa, product, 5);
  const auto complete = "/api/v1/transfers/" + std::to_string(id) + "/complete";
  for (const json& bad : {json("x"), json(1.5), json::object(), json::array(), json(true), json(nullptr)}) {
    auto r =
        api("PUT", complete,
            json{{"lines", json::array({{{"product_id", bad}, {"received_quantity", 5}}})}}.dump(), as(cfa));
    EXPECT_EQ(r.status, 422) << bad.dump() << ": " << r.body;
    EXPECT_TRUE(names_field(r, "lines[0].product_id")) << r.body;
  }
  auto lines_not_a_list = api("PUT", complete, json{{"lines", "all of them"}}.dump(), as(cfa));
  EXPECT_EQ(lines_not_a_list.status, 422) << lines_not_a_list.body;
  EXPECT_EQ(wait_transfer(cfa, id)["status"], "arrived");
}

// #7: a CFA completing an inbound transfer of 5 with received_quantity 1000000 got a million units.
TEST(StockIntegrity, ReceivingMoreThanWasShippedIs422AndCreatesNoStock) {
  const auto maker = token_for("manufacturer");
  const auto cfa = token_for("cfa");
  const auto cfa_loc = location_id("CFA-WEST");
  const auto product = create_product(maker);
  const auto id = arrived_transfer(maker, cfa, product, 5);
  const auto complete = "/api/v1/transfers/" + std::to_string(id) + "/complete";
  auto minted =
      api("PUT", complete,
          json{{"lines", json::array({{{"product_id", product}, {"received_quantity", 1000000}}})}}.dump(),
          as(cfa));
  EXPECT_EQ(minted.status, 422) << minted.body;
  EXPECT_TRUE(names_field(minted, "lines[0].received_quantity")) << minted.body;
  EXPECT_EQ(wait_transfer(cfa, id)["status"], "arrived");
  EXPECT_DOUBLE_EQ(on_hand(product, cfa_loc), 0);

  // A shortfall is still booked, and its alert is for those who may adjust stock to close.
  ASSERT_EQ(
      api("PUT", complete,
          json{{"lines", json::array({{{"product_id", product}, {"received_quantity", 4}}})}}.dump(), as(cfa))
          .status,
      202);
  EXPECT_EQ(wait_transfer(cfa, id)["status"], "completed");
  EXPECT_DOUBLE_EQ(on_hand(product, cfa_loc), 4);
  ASSERT_EQ(wait_count("SELECT count(*) FROM reporting.alerts WHERE kind = 'transfer.discrepancy' AND "
                       "data->>'transfer_id' = '" +
                           std::to_string(id) + "'",
                       1),
            1);
  const auto alert = query_one<std::int64_t>(
      "SELECT id FROM reporting.alerts WHERE kind = 'transfer.discrepancy' AND data->>'transfer_id' = '" +
      std::to_string(id) + "'");
  EXPECT_EQ(api("PUT", "/api/v1/alerts/" + std::to_string(alert) + "/ack", "", as(cfa)).status, 403);
  EXPECT_EQ(api("PUT", "/api/v1/alerts/" + std::to_string(alert) + "/ack", "", as(maker)).status, 200);
  EXPECT_EQ(ledger_drift(), 0);
}

// #8: any location could be named as a transfer request's source, and the hold froze its stock.
TEST(StockIntegrity, TransferRequestsHoldOnlyUpTheRequestersChain) {
  const auto maker = token_for("manufacturer");
  const auto stockist = token_for("stockist");  // STK-MUMBAI, upstream CFA-WEST
  const auto product = create_product(maker);
  const auto store = location_id("RET-ANDHERI");
  stock_up(maker, product, store, 50);
  const auto ask = [&](std::int64_t from, const json& extra = json::object()) {
    json body{{"action", "transfer"},
              {"product_id", product},
              {"quantity", 5},
              {"from_location_id", from},
              {"reason", "demand"}};
    body.update(extra);
    return api("POST", "/api/v1/requests", body.dump(), as(stockist));
  };
  auto sideways = ask(store);  // a retailer is not up the stockist's chain
  EXPECT_EQ(sideways.status, 422) << sideways.body;
  EXPECT_TRUE(names_field(sideways, "from_location_id")) << sideways.body;
  EXPECT_DOUBLE_EQ(available(product, store), 50);

  auto elsewhere = ask(location_id("FACTORY-01"), {{"to_location_id", store}});
  EXPECT_EQ(elsewhere.status, 422) << elsewhere.body;
  EXPECT_TRUE(names_field(elsewhere, "to_location_id")) << elsewhere.body;

  // Up the chain is fine; the refusal of a hold says nothing of the source's figures.
  auto upstream = ask(location_id("CFA-WEST"), {{"to_location_id", location_id("STK-MUMBAI")}});
  ASSERT_EQ(upstream.status, 202) << upstream.body;
  const auto id = upstream.json()["id"].get<std::int64_t>();
  json r;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  do {
    r = api("GET", "/api/v1/requests/" + std::to_string(id), "", as(stockist)).json();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (r["hold"] == "requested" && std::chrono::steady_clock::now() < deadline);
  EXPECT_EQ(r["status"], "failed") << r.dump();  // CFA-WEST has none of this product
  const auto reason = r.value("failure_reason", std::string());
  EXPECT_EQ(reason.find_first_of("0123456789"), std::string::npos) << reason;
}

// #10: no security headers.
TEST(Headers, EveryResponseCarriesSecurityHeadersAndPagesAStrictPolicy) {
  for (const auto* path : {"/", "/api/docs", "/api/openapi.json", "/health", "/api/v1/nowhere"}) {
    auto r = api("GET", path);
    EXPECT_EQ(r.header("x-content-type-options"), "nosniff") << path;
    EXPECT_EQ(r.header("referrer-policy"), "no-referrer") << path;
    EXPECT_EQ(r.header("cross-origin-opener-policy"), "same-origin") << path;
  }
  for (const auto* page : {"/", "/api/docs"}) {
    const auto csp = api("GET", page).header("content-security-policy");
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
    EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
  }
  auto login =
      api("POST", "/api/v1/auth/login", json{{"username", "admin"}, {"password", "demo-password"}}.dump());
  ASSERT_EQ(login.status, 200);
  EXPECT_EQ(login.header("cache-control"), "no-store");
  EXPECT_EQ(api("GET", "/api/v1/auth/me", "", as(login.json()["access_token"])).header("cache-control"),
            "no-store");
  EXPECT_EQ(api("GET", "/api/v1/users", "", as(login.json()["access_token"])).header("cache-control"),
            "no-store");
}
