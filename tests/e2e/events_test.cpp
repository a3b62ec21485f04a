// The live feed (GET /api/v1/events) as a dashboard uses it: Server-Sent Events of the caller's
// scope, resumable with Last-Event-ID.
#include <curl/curl.h>
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "support/fixtures.hpp"
#include "support/sse_reader.hpp"

using namespace ims::test;
using nlohmann::json;

namespace {

bool has(const std::vector<SseEvent>& events, const std::string& type, long order_id) {
  for (const auto& e : events) {
    if (e.type == type && e.data["data"].value("order_id", -1L) == order_id) return true;
  }
  return false;
}

// stock.changed names the orders that moved the stock (several, when the worker took them together).
bool caused_by(const SseEvent& e, long order) {
  for (const auto& id : e.data["data"]["cause"].value("order_ids", json::array())) {
    if (id == order) return true;
  }
  return false;
}

// A retail store of its own with its retailer, so no other test's events reach its stream.
std::pair<std::int64_t, std::string> new_store() {
  const auto admin = token_for("admin");
  std::string code = "EV-" + unique_suffix().substr(0, 12);
  auto loc = api("POST", "/api/v1/locations",
                 json{{"code", code},
                      {"name", "Events store"},
                      {"kind", "retail"},
                      {"upstream_location_id", location_id("STK-MUMBAI")}}
                     .dump(),
                 {{bearer(admin)}});
  EXPECT_EQ(loc.status, 201) << loc.body;
  const auto name = "events-" + unique_suffix();
  auto user = api("POST", "/api/v1/users",
                  json{{"username", name},
                       {"email", name + "@example.com"},
                       {"password", "events-store-pw"},
                       {"role", "retailer"},
                       {"location_id", loc.json()["id"]}}
                      .dump(),
                  {{bearer(admin)}});
  EXPECT_EQ(user.status, 201) << user.body;
  return {loc.json()["id"].get<std::int64_t>(), token_for(name, "events-store-pw")};
}

}  // namespace

TEST(Events, AnOrderIsFollowedLiveFromPlacedToConfirmedWithItsStockChange) {
  const auto maker = token_for("manufacturer");
  auto [store, retailer] = new_store();
  const auto product = create_product(maker);
  stock_up(maker, product, store, 5);
  SseReader stream("/api/v1/events", {bearer(retailer)});
  ASSERT_TRUE(stream.wait_connected());
  const auto order = place_sale(retailer, store, product, 2);
  auto reserved = [&](const std::vector<SseEvent>& events) {
    for (const auto& e : events) {
      if (e.type == "stock.changed" && caused_by(e, order)) return true;
    }
    return false;
  };
  auto events =
      stream.wait_for([&](const auto& e) { return has(e, "order.confirmed", order) && reserved(e); });
  ASSERT_TRUE(has(events, "order.created", order)) << stream.raw();
  ASSERT_TRUE(has(events, "order.confirmed", order)) << stream.raw();
  bool stock_changed = false;
  long previous = 0;
  for (const auto& e : events) {
    EXPECT_GT(e.id, previous) << "ids increase";
    previous = e.id;
    if (e.type == "stock.changed" && caused_by(e, order)) {
      stock_changed = true;
      EXPECT_DOUBLE_EQ(e.data["data"]["available"].get<double>(), 3);
    }
  }
  EXPECT_TRUE(stock_changed) << stream.raw();
  // The request id that placed the order travels with its events.
  for (const auto& e : events) {
    if (e.type == "order.confirmed") {
      EXPECT_FALSE(e.data["correlation_id"].get<std::string>().empty());
    }
  }
}

TEST(Events, AStoreSeesOnlyItsOwnEvents) {
  const auto maker = token_for("manufacturer");
  auto [store_a, retailer_a] = new_store();
  auto [store_b, retailer_b] = new_store();
  const auto product = create_product(maker);
  stock_up(maker, product, store_a, 5);
  stock_up(maker, product, store_b, 5);
  SseReader stream_b("/api/v1/events", {bearer(retailer_b)});
  ASSERT_TRUE(stream_b.wait_connected());
  const auto order_a = place_sale(retailer_a, store_a, product, 1);
  const auto order_b = place_sale(retailer_b, store_b, product, 1);
  auto events = stream_b.wait_for([&](const auto& e) { return has(e, "order.confirmed", order_b); });
  ASSERT_TRUE(has(events, "order.confirmed", order_b)) << stream_b.raw();
  // A's order was confirmed too (the worker takes messages in order), and none of it reached B.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (
      api("GET", "/api/v1/orders/" + std::to_string(order_a), "", {{bearer(retailer_a)}}).json()["status"] ==
          "pending" &&
      std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (const auto& e : stream_b.events()) {
    EXPECT_NE(e.data["data"].value("order_id", -1L), order_a) << e.type;
    if (e.data["data"].contains("location_id")) {
      EXPECT_EQ(e.data["data"]["location_id"], store_b) << e.type;
    }
  }
}

TEST(Events, AReconnectingClientIsSentWhatItMissed) {
  const auto maker = token_for("manufacturer");
  auto [store, retailer] = new_store();
  const auto product = create_product(maker);
  stock_up(maker, product, store, 5);
  long last_seen = 0;
  {
    SseReader stream("/api/v1/events", {bearer(retailer)});
    ASSERT_TRUE(stream.wait_connected());
    const auto first = place_sale(retailer, store, product, 1);
    auto events = stream.wait_for([&](const auto& e) { return has(e, "order.confirmed", first); });
    ASSERT_TRUE(has(events, "order.confirmed", first));
    last_seen = events.back().id;
  }
  // Disconnected: another order is placed and confirmed meanwhile.
  const auto missed = place_sale(retailer, store, product, 1);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (api("GET", "/api/v1/orders/" + std::to_string(missed), "", {{bearer(retailer)}}).json()["status"] ==
             "pending" &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  SseReader resumed("/api/v1/events", {bearer(retailer), "Last-Event-ID: " + std::to_string(last_seen)});
  auto events = resumed.wait_for([&](const auto& e) { return has(e, "order.confirmed", missed); });
  EXPECT_TRUE(has(events, "order.created", missed)) << resumed.raw();
  EXPECT_TRUE(has(events, "order.confirmed", missed)) << resumed.raw();
  for (const auto& e : events) EXPECT_GT(e.id, last_seen);
}

TEST(Events, TheStreamNeedsAToken) {
  auto r = api("GET", "/api/v1/events");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  // EventSource cannot send headers: the token may come in the query string instead.
  SseReader stream("/api/v1/events?access_token=" + token_for("manufacturer"), {});
  EXPECT_TRUE(stream.wait_connected());
  EXPECT_NE(stream.raw().find("retry: 3000"), std::string::npos) << stream.raw();
  EXPECT_EQ(api("GET", "/api/v1/events", "", {{bearer(token_for("retailer")), "Last-Event-ID: soon"}}).status,
            422);
}
