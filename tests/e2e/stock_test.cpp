// Stock adjustments and the stock read side, as a client and the ledger see them.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "ims/infra/amqp.hpp"
#include "ims/infra/outbox.hpp"
#include "support/fixtures.hpp"

using namespace ims::test;
using nlohmann::json;

TEST(Adjustments, ArePendingAtOnceThenAppliedAsALedgerMovement) {
  const auto token = token_for("manufacturer");
  const auto product = create_product(token);
  const auto factory = location_id("FACTORY-01");
  auto r = post_adjustment(token, product, factory, 12.5, "opening count");
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(r.json()["status"], "pending");
  EXPECT_EQ(r.header("location"), "/api/v1/stock/adjustments/" + std::to_string(r.json()["id"].get<long>()));
  auto done = wait_decided(token, r.json()["id"]);
  EXPECT_EQ(done["status"], "applied");
  EXPECT_FALSE(done["movement_id"].is_null());
  EXPECT_DOUBLE_EQ(on_hand(product, factory), 12.5);

  auto ledger =
      api("GET", "/api/v1/products/" + std::to_string(product) + "/movements", "", {{bearer(token)}}).json();
  ASSERT_EQ(ledger["items"].size(), 1u);
  EXPECT_EQ(ledger["items"][0]["reason"], "adjustment");
  EXPECT_DOUBLE_EQ(ledger["items"][0]["quantity"].get<double>(), 12.5);
  EXPECT_EQ(ledger_drift(), 0);
}

TEST(Adjustments, ThatWouldGoNegativeAreRejectedWithAReasonAndChangeNothing) {
  const auto token = token_for("manufacturer");
  const auto product = create_product(token);
  const auto factory = location_id("FACTORY-01");
  ASSERT_EQ(wait_decided(token, post_adjustment(token, product, factory, 5).json()["id"])["status"],
            "applied");
  auto rejected = wait_decided(token, post_adjustment(token, product, factory, -8).json()["id"]);
  EXPECT_EQ(rejected["status"], "rejected");
  EXPECT_EQ(rejected["rejection_reason"], "only 5 available, 8 needed");
  EXPECT_DOUBLE_EQ(on_hand(product, factory), 5);
}

TEST(Adjustments, FiftyConcurrentDeductionsFromTwentyApplyExactlyTwenty) {
  const auto token = token_for("manufacturer");
  const auto product = create_product(token);
  const auto cfa = location_id("CFA-WEST");
  ASSERT_EQ(wait_decided(token, post_adjustment(token, product, cfa, 20).json()["id"])["status"], "applied");
  std::vector<long> ids(50);
  std::vector<std::thread> clients;
  clients.reserve(50);
  for (int i = 0; i < 50; ++i) {
    clients.emplace_back([&, i] {
      auto r = post_adjustment(token, product, cfa, -1, "concurrent sale " + std::to_string(i));
      ids[i] = r.status == 202 ? r.json()["id"].get<long>() : -1;
    });
  }
  for (auto& t : clients) t.join();
  int applied = 0, rejected = 0;
  for (long id : ids) {
    ASSERT_GT(id, 0);
    auto status = wait_decided(token, id)["status"];
    applied += status == "applied";
    rejected += status == "rejected";
  }
  EXPECT_EQ(applied, 20);
  EXPECT_EQ(rejected, 30);
  EXPECT_DOUBLE_EQ(on_hand(product, cfa), 0);
  EXPECT_EQ(query_one<long>("SELECT count(*) FROM inventory.stock WHERE on_hand < 0"), 0);
  EXPECT_EQ(ledger_drift(), 0);
}

TEST(Adjustments, NegativeWithoutALotTakesEarliestExpiryFirst) {
  const auto token = token_for("manufacturer");
  const auto product = create_product(token);
  const auto factory = location_id("FACTORY-01");
  for (auto [lot, expiry] : {std::pair{"LATE", "2031-01-01"}, std::pair{"EARLY", "2030-01-01"}}) {
    auto r =
        post_adjustment(token, product, factory, 10, "receipt", {{"lot_code", lot}, {"expires_on", expiry}});
    ASSERT_EQ(wait_decided(token, r.json()["id"])["status"], "applied");
  }
  ASSERT_EQ(wait_decided(token, post_adjustment(token, product, factory, -12).json()["id"])["status"],
            "applied");
  auto levels =
      api("GET", "/api/v1/stock?product_id=" + std::to_string(product), "", {{bearer(token)}}).json();
  std::map<std::string, double> by_lot;
  for (const auto& row : levels["items"]) by_lot[row["lot_code"]] = row["on_hand"];
  EXPECT_DOUBLE_EQ(by_lot["EARLY"], 0);
  EXPECT_DOUBLE_EQ(by_lot["LATE"], 8);
}

TEST(Adjustments, BadInputIs422AndRecordsNothing) {
  const auto token = token_for("manufacturer");
  const auto factory = location_id("FACTORY-01");
  // Its own reason, so adjustments other tests make meanwhile are not counted.
  const auto reason = "bad-input-" + unique_suffix();
  auto zero = post_adjustment(token, 1, factory, 0, reason);
  EXPECT_EQ(zero.status, 422);
  EXPECT_EQ(zero.json()["errors"][0]["field"], "quantity_delta");
  EXPECT_EQ(post_adjustment(token, 1, factory, 1.0001, reason).status, 422);
  auto missing = post_adjustment(token, 999999999, factory, 1, reason);
  EXPECT_EQ(missing.status, 422);
  EXPECT_EQ(missing.json()["errors"][0]["field"], "product_id");
  EXPECT_EQ(post_adjustment(token, 1, factory, 1, reason, {{"lot_code", "L1"}, {"expires_on", "2026-02-30"}})
                .status,
            422);
  EXPECT_EQ(query_one<long>("SELECT count(*) FROM inventory.adjustments WHERE reason = '" + reason + "'"), 0);
}

TEST(Adjustments, RetailerMayNotAdjust) {
  EXPECT_EQ(post_adjustment(token_for("retailer"), 1, location_id("RET-ANDHERI"), 1).status, 403);
}

TEST(Adjustments, StockLowIsAnnouncedOncePerFallBelowTheMinimum) {
  const auto token = token_for("manufacturer");
  const auto product = create_product(token);
  const auto stockist = location_id("STK-MUMBAI");
  query_one<long>(
      "INSERT INTO inventory.reorder_rules (product_id, location_id, min_quantity, max_quantity) VALUES (" +
      std::to_string(product) + ", " + std::to_string(stockist) + ", 10, 50) RETURNING id");
  auto adjust = [&](double d) {
    ASSERT_EQ(wait_decided(token, post_adjustment(token, product, stockist, d).json()["id"])["status"],
              "applied");
  };
  auto lows = [&] {
    return query_one<long>(
        "SELECT count(*) FROM messaging.outbox WHERE type = 'stock.low' AND "
        "(envelope->'data'->>'product_id')::bigint = " +
        std::to_string(product));
  };
  adjust(30);
  EXPECT_EQ(lows(), 0);
  adjust(-22);  // 8 ≤ 10
  EXPECT_EQ(lows(), 1);
  adjust(-1);  // still low: no second announcement
  EXPECT_EQ(lows(), 1);
  adjust(20);   // recovered to 27
  adjust(-20);  // 7: a new fall
  EXPECT_EQ(lows(), 2);
  auto low_products = api("GET", "/api/v1/products?low_stock=true&limit=500", "", {{bearer(token)}}).json();
  bool listed = false;
  for (const auto& p : low_products["items"]) listed |= p["id"] == product;
  EXPECT_TRUE(listed);
}

TEST(StockReads, RetailerSeesOnlyTheirOwnLocation) {
  const auto token = token_for("retailer");
  const auto own = location_id("RET-ANDHERI");
  for (const std::string& query :
       std::vector<std::string>{"", "?location_id=" + std::to_string(location_id("FACTORY-01"))}) {
    auto r = api("GET", "/api/v1/stock" + query, "", {{bearer(token)}});
    ASSERT_EQ(r.status, 200);
    auto body = r.json();
    ASSERT_FALSE(body["items"].empty());
    for (const auto& row : body["items"]) EXPECT_EQ(row["location_id"], own) << query;
  }
  auto moves = api("GET", "/api/v1/stock/movements", "", {{bearer(token)}}).json();
  for (const auto& m : moves["items"]) EXPECT_EQ(m["location_id"], own);
}

TEST(StockReads, RowsCarryOnHandReservedAndAvailable) {
  auto body = api("GET", "/api/v1/stock?location_id=" + std::to_string(location_id("FACTORY-01")), "",
                  {{bearer(token_for("admin"))}})
                  .json();
  ASSERT_FALSE(body["items"].empty());
  for (const auto& row : body["items"]) {
    EXPECT_DOUBLE_EQ(row["available"].get<double>(),
                     row["on_hand"].get<double>() - row["reserved"].get<double>());
  }
}

TEST(StockReads, LotsExpiringWithinDays) {
  const auto token = token_for("manufacturer");
  const auto product = create_product(token);
  auto r = post_adjustment(token, product, location_id("FACTORY-01"), 3, "receipt",
                           {{"lot_code", "SOON"}, {"expires_on", "2000-01-01"}});
  ASSERT_EQ(wait_decided(token, r.json()["id"])["status"], "applied");
  auto lots = api("GET", "/api/v1/lots?expiring_within_days=30&product_id=" + std::to_string(product), "",
                  {{bearer(token)}})
                  .json();
  ASSERT_EQ(lots["items"].size(), 1u);
  EXPECT_EQ(lots["items"][0]["lot_code"], "SOON");
  EXPECT_EQ(api("GET", "/api/v1/lots?expiring_within_days=x", "", {{bearer(token)}}).status, 422);
}

TEST(Catalog, UnknownProductIs404) {
  auto r = api("GET", "/api/v1/products/987654321", "", {{bearer(token_for("retailer"))}});
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  EXPECT_EQ(api("GET", "/api/v1/products/987654321/movements", "", {{bearer(token_for("admin"))}}).status,
            404);
}

TEST(Catalog, BadGtinIs422NamingTheField) {
  auto r = api("POST", "/api/v1/products",
               json{{"sku", "T-GTIN-" + unique_suffix()},
                    {"name", "x"},
                    {"kind", "finished_good"},
                    {"unit_of_measure", "pcs"},
                    {"price", 1},
                    {"cost", 1},
                    {"gtin", "8901000000018"}}
                   .dump(),
               {{bearer(token_for("manufacturer"))}});
  ASSERT_EQ(r.status, 422);
  auto problem = r.json();
  EXPECT_EQ(problem["errors"][0]["field"], "gtin");
}

TEST(Catalog, UpdatesUseOptimisticLocking) {
  const auto token = token_for("manufacturer");
  const auto id = std::to_string(create_product(token));
  auto current = api("GET", "/api/v1/products/" + id, "", {{bearer(token)}});
  ASSERT_EQ(current.header("etag"), "\"1\"");
  auto body = current.json();
  body["name"] = "Renamed";
  auto ok = api("PUT", "/api/v1/products/" + id, body.dump(), {{bearer(token), "If-Match: \"1\""}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.header("etag"), "\"2\"");
  body["name"] = "Lost update";
  EXPECT_EQ(api("PUT", "/api/v1/products/" + id, body.dump(), {{bearer(token), "If-Match: \"1\""}}).status,
            412);
  EXPECT_EQ(api("GET", "/api/v1/products/" + id, "", {{bearer(token)}}).json()["name"], "Renamed");
}

TEST(Catalog, PricesAreExactDecimalsAndSkuIsUnique) {
  const auto token = token_for("manufacturer");
  const auto sku = "T-PRICE-" + unique_suffix();
  json body{{"sku", sku},         {"name", "x"},    {"kind", "raw_material"}, {"unit_of_measure", "kg"},
            {"price", 0.1 + 0.2}, {"cost", "19.99"}};
  auto r = api("POST", "/api/v1/products", body.dump(), {{bearer(token)}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["price"], "0.30");
  EXPECT_EQ(r.json()["cost"], "19.99");
  EXPECT_EQ(api("POST", "/api/v1/products", body.dump(), {{bearer(token)}}).status, 409);
  EXPECT_EQ(api("POST", "/api/v1/products", body.dump(), {{bearer(token_for("retailer"))}}).status, 403);
}

TEST(Messaging, MalformedMessageIsDeadLetteredWithAReasonAndTheWorkerCarriesOn) {
  const auto url = env_or("IMS_AMQP_URL", "");
  ims::infra::AmqpConnection broker(url, test_broker_timeout_ms);
  broker.enable_confirms();
  const auto marker = "garbage-" + unique_suffix();
  broker.publish({ims::infra::events_exchange,
                  "stock.adjustment.requested",
                  "{not json " + marker,
                  marker,
                  "",
                  "junk",
                  {}});
  broker.wait_for_confirms();

  // The worker goes on with the next message.
  const auto token = token_for("manufacturer");
  const auto product = create_product(token);
  EXPECT_EQ(wait_decided(
                token, post_adjustment(token, product, location_id("FACTORY-01"), 1).json()["id"])["status"],
            "applied");

  // Other tests park messages in the same dead-letter queue: theirs go back untouched.
  bool found = false;
  for (int i = 0; i < 100 && !found; ++i) {
    std::vector<std::uint64_t> others;
    while (auto d = broker.get("ims.stock.dead")) {
      if (d->message_id != marker) {
        others.push_back(d->delivery_tag);
        continue;
      }
      broker.ack(d->delivery_tag);
      found = true;
      EXPECT_NE(d->headers["x-ims-reason"].find("malformed"), std::string::npos)
          << d->headers["x-ims-reason"];
      EXPECT_EQ(d->headers["x-ims-original-routing-key"], "stock.adjustment.requested");
      EXPECT_NE(d->body.find(marker), std::string::npos);
    }
    for (auto tag : others) broker.reject(tag, true);
    if (!found) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(found) << "the malformed message is in ims.stock.dead";
}

TEST(Idempotency, SameKeyAndBodyReplaysTheFirstResponseWithoutASecondEffect) {
  const auto token = token_for("manufacturer");
  const auto product = create_product(token);
  const auto factory = location_id("FACTORY-01");
  const auto key = "Idempotency-Key: adj-" + unique_suffix();
  const auto body =
      json{{"product_id", product}, {"location_id", factory}, {"quantity_delta", 4}, {"reason", "retry me"}}
          .dump();
  auto first = api("POST", "/api/v1/stock/adjustments", body, {{bearer(token), key}});
  auto again = api("POST", "/api/v1/stock/adjustments", body, {{bearer(token), key}});
  ASSERT_EQ(first.status, 202);
  EXPECT_EQ(again.status, 202);
  EXPECT_EQ(again.json()["id"], first.json()["id"]);
  EXPECT_EQ(again.header("location"), first.header("location"));
  EXPECT_EQ(again.header("idempotent-replayed"), "true");
  wait_decided(token, first.json()["id"]);
  EXPECT_DOUBLE_EQ(on_hand(product, factory), 4) << "applied once";
  EXPECT_EQ(query_one<long>("SELECT count(*) FROM inventory.adjustments WHERE product_id = " +
                            std::to_string(product)),
            1);
}

TEST(Idempotency, SameKeyWithAnotherBodyIs422) {
  const auto token = token_for("manufacturer");
  const auto product = create_product(token);
  const auto key = "Idempotency-Key: adj-" + unique_suffix();
  auto body = json{{"product_id", product},
                   {"location_id", location_id("FACTORY-01")},
                   {"quantity_delta", 1},
                   {"reason", "a"}};
  ASSERT_EQ(api("POST", "/api/v1/stock/adjustments", body.dump(), {{bearer(token), key}}).status, 202);
  body["quantity_delta"] = 2;
  auto other = api("POST", "/api/v1/stock/adjustments", body.dump(), {{bearer(token), key}});
  EXPECT_EQ(other.status, 422);
  EXPECT_EQ(other.json()["errors"][0]["field"], "Idempotency-Key");
}

TEST(Idempotency, KeysBelongToTheirCaller) {
  const auto key = "Idempotency-Key: shared-" + unique_suffix();
  const auto a = token_for("manufacturer"), b = token_for("admin");
  const auto product = create_product(a);
  const auto body = json{
      {"product_id", product},
      {"location_id", location_id("FACTORY-01")},
      {"quantity_delta", 1},
      {"reason", "k"}}.dump();
  auto first = api("POST", "/api/v1/stock/adjustments", body, {{bearer(a), key}});
  auto second = api("POST", "/api/v1/stock/adjustments", body, {{bearer(b), key}});
  ASSERT_EQ(first.status, 202);
  ASSERT_EQ(second.status, 202);
  EXPECT_NE(first.json()["id"], second.json()["id"]);
}

TEST(StockReads, CachedLevelsAreNeverOlderThanAnAppliedAdjustment) {
  const auto token = token_for("manufacturer");
  const auto product = create_product(token);
  // A location of its own: other tests' stock changes elsewhere must not bump its stock version
  // between the two reads that should hit the cache.
  auto created = api("POST", "/api/v1/locations",
                     json{{"code", "CACHE-" + unique_suffix().substr(0, 12)},
                          {"name", "Cache test store"},
                          {"kind", "retail"},
                          {"upstream_location_id", location_id("STK-MUMBAI")}}
                         .dump(),
                     {{bearer(token_for("admin"))}});
  ASSERT_EQ(created.status, 201) << created.body;
  const auto stockist = created.json()["id"].get<std::int64_t>();
  const auto path = "/api/v1/stock?location_id=" + std::to_string(stockist) + "&limit=500";
  auto level = [&](const HttpResult& r) {
    const auto body = r.json();
    for (const auto& row : body["items"]) {
      if (row["product_id"] == product) return row["on_hand"].get<double>();
    }
    return 0.0;
  };
  for (int round = 1; round <= 5; ++round) {
    auto before = api("GET", path, "", {{bearer(token)}});
    auto again = api("GET", path, "", {{bearer(token)}});
    EXPECT_EQ(again.header("x-cache"), "hit") << "round " << round;
    EXPECT_DOUBLE_EQ(level(again), level(before));
    ASSERT_EQ(wait_decided(token, post_adjustment(token, product, stockist, 1).json()["id"])["status"],
              "applied");
    // The adjustment is acknowledged as applied: the very next read shows it.
    auto after = api("GET", path, "", {{bearer(token)}});
    EXPECT_DOUBLE_EQ(level(after), round) << "round " << round;
  }
}

TEST(Messaging, DeadLettersCanBeReplayedOnceTheCauseIsFixed) {
  // A real adjustment whose message was dead-lettered (simulated by parking it there directly).
  const auto token = token_for("manufacturer");
  const auto product = create_product(token);
  const auto factory = location_id("FACTORY-01");
  ims::infra::PgSession db(database_url());
  const auto adjustment = db.transact([&](pqxx::work& txn) {
    return txn
        .exec_params1(
            "INSERT INTO inventory.adjustments (product_id, location_id, quantity_delta, reason) VALUES ($1, "
            "$2, 7, 'parked')"
            " RETURNING id",
            product, factory)[0]
        .as<long>();
  });
  const auto id = ims::infra::uuid_v4();
  const json envelope{{"id", id},
                      {"type", "stock.adjustment.requested"},
                      {"version", 1},
                      {"occurred_at", "2026-11-23T00:00:00Z"},
                      {"correlation_id", "replay-test"},
                      {"actor_id", nullptr},
                      {"data", {{"adjustment_id", adjustment}}}};
  ims::infra::AmqpConnection broker(env_or("IMS_AMQP_URL", ""), test_broker_timeout_ms);
  broker.enable_confirms();
  broker.publish({ims::infra::dead_letter_exchange,
                  "stock",
                  envelope.dump(),
                  id,
                  "",
                  "dead_letter",
                  {{"x-ims-reason", "test"}, {"x-ims-original-routing-key", "stock.adjustment.requested"}}});
  broker.wait_for_confirms();
  const std::string cli = env_or("IMS_BUILD_DIR", "build") + "/api/ims replay-dead-letters stock >/dev/null";
  // Another test may be scanning the same dead-letter queue at that instant (holding its messages
  // for a moment): replaying again is harmless, so try a few times.
  std::string status = "pending";
  for (int attempt = 0; attempt < 5 && status == "pending"; ++attempt) {
    ASSERT_EQ(std::system(cli.c_str()), 0);
    status = wait_decided(token, adjustment, std::chrono::seconds(6))["status"];
  }
  EXPECT_EQ(status, "applied");
  EXPECT_DOUBLE_EQ(on_hand(product, factory), 7);
}
