// Alerts and their email, against the real stack and its SMTP catcher (issue 10): a store selling
// through its reorder minimum, the catcher down while an alert fires, stock changed behind the
// ledger's back, and the replenishment the inventory check drafts. SERIAL: one test stops the
// catcher and one makes the ledger disagree with the stock for a moment.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/fixtures.hpp"
#include "support/http_client.hpp"
#include "support/maildir.hpp"

using namespace ims::test;
using nlohmann::json;

namespace {

std::string sku_of(std::int64_t product) {
  return query_one<std::string>("SELECT sku FROM catalog.products WHERE id = " + std::to_string(product));
}

std::int64_t add_rule(const std::string& token, std::int64_t product, std::int64_t location, double min,
                      double max) {
  auto r = api("POST", "/api/v1/reorder-rules",
               json{{"product_id", product}, {"location_id", location}, {"min", min}, {"max", max}}.dump(),
               as(token));
  EXPECT_EQ(r.status, 201) << r.body;
  return r.json().value("id", std::int64_t{0});
}

// A sale at the store, confirmed (reserved) by the stock worker.
json sell(const std::string& token, std::int64_t store, std::int64_t product, double quantity) {
  auto r = api("POST", "/api/v1/orders",
               json{{"kind", "sale"},
                    {"seller_location_id", store},
                    {"customer", "walk-in"},
                    {"lines", json::array({{{"product_id", product}, {"quantity", quantity}}})}}
                   .dump(),
               as(token));
  EXPECT_EQ(r.status, 202) << r.body;
  const auto id = std::to_string(r.json()["id"].get<std::int64_t>());
  json order;
  eventually([&] {
    order = api("GET", "/api/v1/orders/" + id, "", as(token)).json();
    return order.value("status", "pending") != "pending";
  });
  EXPECT_EQ(order["status"], "confirmed") << order.dump();
  return order;
}

// The alerts of a kind about a product, as `token` sees them (newest first).
json alerts_about(const std::string& token, const std::string& kind, std::int64_t product) {
  auto r = api("GET", "/api/v1/alerts?kind=" + kind + "&product_id=" + std::to_string(product) + "&limit=500",
               "", as(token));
  EXPECT_EQ(r.status, 200) << r.body;
  return r.json()["items"];
}

// Every delivery of the alert is done with: sent, or failed for good (an address a fuzzer or
// another test gave some user that the mail server refuses with a 5xx).
bool settled(const json& alert) {
  if (alert["deliveries"].empty()) return false;
  for (const auto& d : alert["deliveries"]) {
    if (d["status"] == "queued") return false;
  }
  return true;
}

std::set<std::string> recipients_of(const json& alert, const char* status = nullptr) {
  std::set<std::string> out;
  for (const auto& d : alert["deliveries"]) {
    if (!status || d["status"] == status) out.insert(d["recipient"]);
  }
  return out;
}

// Who must be told about an alert at this location: its users and every admin with an email.
std::set<std::string> expected_recipients(std::int64_t location) {
  ims::infra::PgSession db(database_url());
  return db.transact([&](pqxx::work& txn) {
    std::set<std::string> out;
    for (const auto& r : txn.exec("SELECT email FROM auth.users WHERE is_active AND email_alerts AND (role = "
                                  "'admin' OR location_id = " +
                                  std::to_string(location) + ")")) {
      out.insert(r[0].as<std::string>());
    }
    return out;
  });
}

// Runs inventory-check now and waits until the stock worker has carried it out.
void run_inventory_check(const std::string& admin) {
  auto r = api("POST", "/api/v1/schedules/inventory-check/run", "", as(admin));
  ASSERT_EQ(r.status, 202) << r.body;
  const auto run = std::to_string(r.json()["id"].get<std::int64_t>());
  ASSERT_TRUE(eventually([&] {
    return query_one<long>(
               "SELECT count(*) FROM messaging.outbox WHERE type = 'inventory.check.completed'"
               " AND envelope->'data'->>'run_id' = '" +
               run + "'") == 1;
  })) << "inventory check of run "
      << run << " was not carried out";
}

}  // namespace

TEST(Alerts, SellingThroughTheMinimumEmailsOnceAndRestockingClosesTheAlert) {
  const auto maker = token_for("manufacturer");
  const auto retailer = token_for("retailer");
  const auto admin = token_for("admin");
  const auto store = location_id("RET-ANDHERI");
  const auto product = create_product(maker);
  const auto sku = sku_of(product);
  stock_up(maker, product, store, 10);
  add_rule(maker, product, store, 5, 40);

  sell(retailer, store, product, 6);  // 4 available: at or below min 5
  json alert;
  ASSERT_TRUE(eventually([&] {
    auto open = alerts_about(admin, "stock.low", product);
    if (open.size() != 1) return false;
    alert = open[0];
    return settled(alert);
  })) << alert.dump();
  EXPECT_EQ(alert["status"], "open");
  EXPECT_EQ(alert["location_id"], store);
  EXPECT_NE(alert["message"].get<std::string>().find(sku), std::string::npos) << alert["message"];
  EXPECT_EQ(api("GET", "/api/v1/alerts/" + std::to_string(alert["id"].get<long>()), "", as(token_for("cfa")))
                .status,
            404);
  // The store's users see the alert and only the email sent to themselves, not others' addresses.
  auto seen_by_store =
      api("GET", "/api/v1/alerts/" + std::to_string(alert["id"].get<long>()), "", as(retailer)).json();
  ASSERT_EQ(seen_by_store["deliveries"].size(), 1u) << seen_by_store.dump();
  EXPECT_EQ(seen_by_store["deliveries"][0]["recipient"],
            query_one<std::string>("SELECT email FROM auth.users WHERE username = 'retailer'"));

  // Exactly one email per person responsible: the store's users and the admins.
  EXPECT_EQ(recipients_of(alert), expected_recipients(store));
  for (const auto& d : alert["deliveries"]) {
    if (d["status"] == "failed") {
      EXPECT_FALSE(d["last_error"].is_null()) << d.dump();
    }
  }
  const auto delivered = recipients_of(alert, "sent");
  EXPECT_TRUE(
      delivered.count(query_one<std::string>("SELECT email FROM auth.users WHERE username = 'retailer'")));
  EXPECT_TRUE(
      delivered.count(query_one<std::string>("SELECT email FROM auth.users WHERE username = 'admin'")));
  std::vector<Mail> mails;
  ASSERT_TRUE(eventually([&] { return (mails = mails_about(sku)).size() >= delivered.size(); },
                         std::chrono::seconds(20)));
  EXPECT_EQ(mails.size(), delivered.size()) << "one message per recipient, none twice";
  std::set<std::string> to;
  for (const auto& m : mails) {
    to.insert(m.to);
    EXPECT_NE(m.subject.find("RET-ANDHERI"), std::string::npos) << m.subject;
    for (const auto* body : {&m.text, &m.html}) {
      EXPECT_NE(body->find(sku), std::string::npos) << *body;
      EXPECT_NE(body->find("RET-ANDHERI"), std::string::npos) << *body;
      EXPECT_NE(body->find("4"), std::string::npos) << *body;  // available
      EXPECT_NE(body->find("5"), std::string::npos) << *body;  // min
    }
    EXPECT_NE(m.text.find("/#/alerts/" + std::to_string(alert["id"].get<long>())), std::string::npos)
        << m.text;
  }
  EXPECT_EQ(to, delivered);

  // Selling more while the alert is open sends nothing new; a check that finds it again only
  // refreshes the open alert.
  sell(retailer, store, product, 1);
  run_inventory_check(admin);
  ASSERT_TRUE(eventually(
      [&] { return alerts_about(admin, "stock.low", product)[0]["raised_count"].get<int>() >= 2; }));
  auto again = alerts_about(admin, "stock.low", product);
  ASSERT_EQ(again.size(), 1u) << again.dump();
  EXPECT_EQ(again[0]["id"], alert["id"]);
  EXPECT_NE(again[0]["message"].get<std::string>().find("3 available"), std::string::npos)
      << again[0]["message"];
  EXPECT_EQ(again[0]["deliveries"].size(), alert["deliveries"].size());
  EXPECT_EQ(mails_about(sku).size(), delivered.size());

  // Restocked above min: the alert closes by itself, naming the event that closed it.
  stock_up(maker, product, store, 20);  // 23 available
  json closed;
  ASSERT_TRUE(eventually([&] {
    closed = alerts_about(retailer, "stock.low", product)[0];
    return closed["status"] == "closed";
  })) << closed.dump();
  EXPECT_FALSE(closed["closed_at"].is_null());
  EXPECT_FALSE(closed["closed_by_event"].is_null());

  // Crossing again later opens a new alert with new emails.
  sell(retailer, store, product, 20);  // 3 available
  json reopened;
  ASSERT_TRUE(eventually([&] {
    auto all = alerts_about(admin, "stock.low", product);
    if (all.size() != 2) return false;
    reopened = all[0];
    return settled(reopened);
  })) << alerts_about(admin, "stock.low", product).dump();
  EXPECT_NE(reopened["id"], alert["id"]);
  EXPECT_EQ(reopened["status"], "open");
  ASSERT_TRUE(
      eventually([&] { return mails_about(sku).size() == 2 * delivered.size(); }, std::chrono::seconds(20)));
}

TEST(Alerts, AnEmailQueuedWhileTheMailServerIsDownArrivesOnceItIsBack) {
  const auto stack = std::string(IMS_SOURCE_DIR) + "/scripts/stack";
  ASSERT_EQ(std::system((stack + " stop smtp >/dev/null 2>&1").c_str()), 0);
  struct Restart {
    std::string stack;
    ~Restart() { std::system((stack + " start smtp >/dev/null 2>&1").c_str()); }
  } restart{stack};

  const auto maker = token_for("manufacturer");
  const auto retailer = token_for("retailer");
  const auto admin = token_for("admin");
  const auto store = location_id("RET-ANDHERI");
  const auto product = create_product(maker);
  const auto sku = sku_of(product);
  stock_up(maker, product, store, 8);
  add_rule(maker, product, store, 5, 30);
  sell(retailer, store, product, 4);

  json alert;
  ASSERT_TRUE(eventually([&] {
    auto open = alerts_about(admin, "stock.low", product);
    if (open.size() != 1 || open[0]["deliveries"].empty()) return false;
    alert = open[0];
    for (const auto& d : alert["deliveries"]) {
      if (d["attempts"].get<int>() < 2 || d["status"] != "queued" || d["last_error"].is_null()) return false;
    }
    return true;
  })) << alert.dump();
  EXPECT_TRUE(mails_about(sku).empty());

  ASSERT_EQ(std::system((stack + " start smtp >/dev/null 2>&1").c_str()), 0);
  ASSERT_TRUE(eventually(
      [&] {
        alert = alerts_about(admin, "stock.low", product)[0];
        return settled(alert);
      },
      std::chrono::seconds(90)))
      << alert.dump();
  for (const auto& d : alert["deliveries"]) EXPECT_GT(d["attempts"].get<int>(), 1) << d.dump();
  std::vector<Mail> mails;
  const auto sent = recipients_of(alert, "sent");
  EXPECT_TRUE(sent.count(query_one<std::string>("SELECT email FROM auth.users WHERE username = 'retailer'")));
  ASSERT_TRUE(
      eventually([&] { return (mails = mails_about(sku)).size() >= sent.size(); }, std::chrono::seconds(20)));
  EXPECT_EQ(mails.size(), sent.size()) << "each email arrives exactly once";
  std::set<std::string> ids;
  for (const auto& m : mails) ids.insert(m.message_id);
  EXPECT_EQ(ids.size(), mails.size());
}

TEST(Alerts, StockChangedBehindTheLedgersBackIsReportedAsDriftWithBothFigures) {
  const auto maker = token_for("manufacturer");
  const auto admin = token_for("admin");
  const auto factory = location_id("FACTORY-01");
  const auto product = create_product(maker);
  stock_up(maker, product, factory, 10);
  const auto where =
      "product_id = " + std::to_string(product) + " AND location_id = " + std::to_string(factory);
  query_one<long>("UPDATE inventory.stock SET on_hand = on_hand + 3 WHERE " + std::string(where) +
                  " RETURNING 1");
  struct Repair {
    std::string where;
    bool done = false;
    void operator()() {
      if (!done)
        query_one<long>("UPDATE inventory.stock SET on_hand = on_hand - 3 WHERE " + where + " RETURNING 1");
      done = true;
    }
    ~Repair() { (*this)(); }
  } repair{where};

  run_inventory_check(admin);
  json drift;
  ASSERT_TRUE(eventually([&] {
    auto open = alerts_about(admin, "inventory.drift", product);
    if (open.size() != 1) return false;
    drift = open[0];
    return true;
  })) << drift.dump();
  EXPECT_EQ(drift["severity"], "critical");
  EXPECT_DOUBLE_EQ(drift["data"]["on_hand"].get<double>(), 13);
  EXPECT_DOUBLE_EQ(drift["data"]["ledger_sum"].get<double>(), 10);
  const auto message = drift["message"].get<std::string>();
  EXPECT_NE(message.find("13"), std::string::npos) << message;
  EXPECT_NE(message.find("10"), std::string::npos) << message;
  EXPECT_EQ(query_one<long>("SELECT count(*) FROM messaging.outbox WHERE type = 'inventory.drift' AND "
                            "(envelope->'data'->>'product_id')::bigint = " +
                            std::to_string(product)),
            1);
  // Nothing was "fixed": the stock row still says 13.
  EXPECT_DOUBLE_EQ(on_hand(product, factory), 13);

  // Reconciled (here: put back), the next check closes the alert.
  repair();
  run_inventory_check(admin);
  ASSERT_TRUE(
      eventually([&] { return alerts_about(admin, "inventory.drift", product)[0]["status"] == "closed"; }));
  EXPECT_EQ(ledger_drift(), 0);
}

TEST(Alerts, ACrossedReorderRuleYieldsOneDraftThatAPersonConfirms) {
  const auto maker = token_for("manufacturer");
  const auto retailer = token_for("retailer");
  const auto admin = token_for("admin");
  const auto store = location_id("RET-ANDHERI");
  const auto upstream = query_one<std::int64_t>(
      "SELECT upstream_location_id FROM inventory.locations WHERE id = " + std::to_string(store));
  const auto product = create_product(maker);
  stock_up(maker, product, store, 3);
  stock_up(maker, product, upstream, 100);
  const auto rule = add_rule(maker, product, store, 5, 40);

  run_inventory_check(admin);
  const auto drafts_sql = "SELECT count(*) FROM sales.orders WHERE status = 'draft' AND reorder_rule_id = " +
                          std::to_string(rule);
  ASSERT_EQ(query_one<long>(drafts_sql), 1);
  const auto id =
      query_one<std::int64_t>("SELECT id FROM sales.orders WHERE reorder_rule_id = " + std::to_string(rule));
  auto draft = api("GET", "/api/v1/orders/" + std::to_string(id), "", as(retailer));
  ASSERT_EQ(draft.status, 200) << draft.body;
  auto d = draft.json();
  EXPECT_EQ(d["status"], "draft");
  EXPECT_EQ(d["kind"], "replenishment");
  EXPECT_EQ(d["buyer_location_id"], store);
  EXPECT_EQ(d["seller_location_id"], upstream);
  EXPECT_TRUE(d["created_by"].is_null());
  ASSERT_EQ(d["lines"].size(), 1u);
  EXPECT_EQ(d["lines"][0]["product_id"], product);
  EXPECT_DOUBLE_EQ(d["lines"][0]["quantity"].get<double>(), 37);  // max − available

  run_inventory_check(admin);
  EXPECT_EQ(query_one<long>(drafts_sql), 1) << "a second check drafts nothing new";
  EXPECT_EQ(
      query_one<long>("SELECT count(*) FROM sales.orders WHERE reorder_rule_id = " + std::to_string(rule)),
      1);

  // The seller may not take up the buyer's proposal; the buyer confirms it into a normal order.
  const auto status = "/api/v1/orders/" + std::to_string(id) + "/status";
  EXPECT_EQ(api("PATCH", status, json{{"status", "confirmed"}}.dump(), as(retailer)).status, 409);
  EXPECT_EQ(api("PATCH", status, json{{"status", "canceled"}}.dump(), as(token_for("stockist"))).status, 403)
      << "the upstream seller may not drop the buyer's proposal";
  auto confirmed = api("PATCH", status, json{{"status", "pending"}}.dump(), as(retailer));
  ASSERT_EQ(confirmed.status, 202) << confirmed.body;  // the stock worker now reserves
  json order;
  ASSERT_TRUE(eventually([&] {
    order = api("GET", "/api/v1/orders/" + std::to_string(id), "", as(retailer)).json();
    return order["status"] != "pending";
  })) << order.dump();
  EXPECT_EQ(order["status"], "confirmed") << order.dump();  // reserved at the upstream location
  EXPECT_DOUBLE_EQ(available(product, upstream), 63);

  // On order now: the next check proposes nothing more for this rule.
  run_inventory_check(admin);
  EXPECT_EQ(
      query_one<long>("SELECT count(*) FROM sales.orders WHERE reorder_rule_id = " + std::to_string(rule)),
      1);
}
