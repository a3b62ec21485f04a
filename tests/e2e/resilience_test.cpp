// Nothing is lost or applied twice when the stock worker is killed mid-stream or the broker is
// away, and Prometheus alerts when the stock worker is gone. Runs alone (RUN_SERIAL): it kills the
// stack's stock worker and stops RabbitMQ.
#include <gtest/gtest.h>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <fcntl.h>
#include <fstream>
#include <iostream>
#include <set>
#include <thread>

#include "ims/infra/amqp.hpp"
#include "ims/infra/outbox.hpp"
#include "support/fixtures.hpp"

extern char** environ;

using namespace ims::test;

namespace {

std::string pid_file() {
  return env_or("IMS_DATA_DIR", "") + "/pids/ims-worker-stock.pid";
}

pid_t running_stock_worker() {
  std::ifstream in(pid_file());
  pid_t pid = 0;
  in >> pid;
  return pid;
}

// Starts a stock worker as scripts/lib/processes.sh does and records it, so the suite's cleanup stops it.
pid_t start_stock_worker() {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    if (std::string(*e).rfind("IMS_METRICS_PORT=", 0) != 0) env.emplace_back(*e);
  }
  env.push_back("IMS_METRICS_PORT=" + env_or("IMS_METRICS_PORT_BASE", "30100"));
  std::vector<char*> envp;
  envp.reserve(env.size() + 1);
  for (auto& s : env) envp.push_back(s.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  const auto log = env_or("IMS_DATA_DIR", "/tmp") + "/logs/ims-worker-stock.log";
  posix_spawn_file_actions_addopen(&files, 1, log.c_str(), O_WRONLY | O_APPEND | O_CREAT, 0644);
  posix_spawn_file_actions_adddup2(&files, 1, 2);
  char role_flag[] = "--role", role[] = "stock";
  char* argv[] = {const_cast<char*>(IMS_WORKER_BINARY), role_flag, role, nullptr};
  pid_t pid = -1;
  posix_spawn(&pid, IMS_WORKER_BINARY, &files, nullptr, argv, envp.data());
  posix_spawn_file_actions_destroy(&files);
  std::ofstream(pid_file()) << pid;
  return pid;
}

long decided(const std::string& reason) {
  return query_one<long>(
      "SELECT count(*) FROM inventory.adjustments WHERE status <> 'pending' AND reason = '" + reason + "'");
}

bool wait_all_decided(const std::string& reason, long expected, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (decided(reason) == expected) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

// Every applied adjustment has exactly one movement; rejected ones have none; stock matches.
void expect_exactly_once(const std::string& reason, std::int64_t product, std::int64_t location) {
  EXPECT_EQ(
      query_one<long>("SELECT count(*) FROM inventory.adjustments a WHERE a.reason = '" + reason +
                      "' AND"
                      " (SELECT count(*) FROM inventory.movements m WHERE m.reference = 'ADJ-' || a.id) <>"
                      " CASE a.status WHEN 'applied' THEN 1 ELSE 0 END"),
      0);
  EXPECT_DOUBLE_EQ(
      on_hand(product, location),
      query_one<double>(
          "SELECT coalesce(sum(quantity_delta), 0) FROM inventory.adjustments WHERE status = 'applied'"
          " AND reason = '" +
          reason + "'"));
  EXPECT_EQ(ledger_drift(), 0);
}

// A walk-in sale of `quantity` of the product at the store; its order id.
long place_sale(const std::string& token, std::int64_t store, std::int64_t product, int quantity) {
  auto r = api(
      "POST", "/api/v1/orders",
      nlohmann::json{{"kind", "sale"},
                     {"seller_location_id", store},
                     {"lines", nlohmann::json::array({{{"product_id", product}, {"quantity", quantity}}})}}
          .dump(),
      {{bearer(token)}});
  EXPECT_EQ(r.status, 202) << r.body;
  return r.json().value("id", 0L);
}

// "1,2,3", for an IN (...) list.
std::string id_list(const std::vector<long>& ids) {
  std::string out;
  for (long id : ids) out += (out.empty() ? "" : ",") + std::to_string(id);
  return out;
}

int stack(const std::string& verb, const std::string& service) {
  return std::system(
      (std::string(IMS_SOURCE_DIR) + "/scripts/stack " + verb + " " + service + " >/dev/null").c_str());
}

}  // namespace

TEST(Resilience, KillNineOfTheStockWorkerMidStreamAppliesEveryAdjustmentExactlyOnce) {
  const auto token = token_for("manufacturer");
  const auto product = create_product(token);
  const auto factory = location_id("FACTORY-01");
  const auto reason = "kill-nine-" + unique_suffix();
  constexpr int total = 1000;
  std::atomic<int> posted{0}, refused{0};
  long decided_at_kill = -1;
  std::vector<std::thread> clients;
  clients.reserve(8);
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([&, c] {
      for (int i = c; i < total; i += 8) {
        // Mostly receipts, every fourth one a deduction, so rejections happen too.
        const double delta = i % 4 == 3 ? -3 : 2;
        if (post_adjustment(token, product, factory, delta, reason).status == 202)
          ++posted;
        else
          ++refused;
      }
    });
  }
  while (posted < total / 2) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const pid_t victim = running_stock_worker();
  ASSERT_GT(victim, 0);
  decided_at_kill = decided(reason);
  ASSERT_EQ(kill(victim, SIGKILL), 0);
  waitpid(victim, nullptr, WNOHANG);
  for (auto& t : clients) t.join();
  ASSERT_EQ(refused.load(), 0);
  EXPECT_LT(decided_at_kill, total) << "the kill came before the end";

  start_stock_worker();
  ASSERT_TRUE(wait_all_decided(reason, total, std::chrono::seconds(90)));
  expect_exactly_once(reason, product, factory);
}

TEST(Resilience, BrokerAwayForThirtySecondsLosesNoAdjustment) {
  const auto token = token_for("manufacturer");
  const auto product = create_product(token);
  const auto cfa = location_id("CFA-WEST");
  const auto reason = "broker-away-" + unique_suffix();
  ASSERT_EQ(stack("stop", "rabbitmq"), 0);
  int accepted = 0, sent = 0;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < until) {
    ++sent;
    accepted += post_adjustment(token, product, cfa, 1, reason).status == 202;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(accepted, sent) << "the API keeps answering 202 without the broker";
  EXPECT_EQ(decided(reason), 0) << "nothing can be carried out while the broker is away";
  ASSERT_EQ(stack("start", "rabbitmq"), 0);
  ASSERT_TRUE(wait_all_decided(reason, sent, std::chrono::seconds(120)));
  EXPECT_DOUBLE_EQ(on_hand(product, cfa), sent);
  expect_exactly_once(reason, product, cfa);
}

// The stock worker confirms consecutive order.created messages as one batch. A message in the
// run that cannot be processed (its order does not exist) makes the batch fail; the worker must
// then take the messages one by one: every real order decided exactly once, the bad message
// dead-lettered, nothing reserved twice.
TEST(Resilience, ABadMessageInABatchOfOrdersFallsBackToOneByOne) {
  const auto token = token_for("manufacturer");
  const auto store = location_id("RET-ANDHERI");
  const auto product = create_product(token);
  ASSERT_EQ(wait_decided(token, post_adjustment(token, product, store, 5).json()["id"])["status"], "applied");
  const pid_t worker = running_stock_worker();
  ASSERT_GT(worker, 0);
  ASSERT_EQ(::kill(worker, SIGSTOP), 0);  // the messages pile up and arrive together
  auto sale = [&] { return place_sale(token, store, product, 1); };
  std::vector<long> orders{sale(), sale(), sale()};
  // A well-formed event for an order that does not exist, between real ones.
  ims::infra::AmqpConnection broker(env_or("IMS_AMQP_URL", ""), test_broker_timeout_ms);
  broker.enable_confirms();
  const auto bogus = ims::infra::uuid_v4();
  const nlohmann::json envelope{{"id", bogus},
                                {"type", "order.created"},
                                {"version", 1},
                                {"occurred_at", "2026-11-23T00:00:00Z"},
                                {"correlation_id", "batch-fallback"},
                                {"actor_id", nullptr},
                                {"data", {{"order_id", 999999999}}}};
  broker.publish(
      {ims::infra::events_exchange, "order.created", envelope.dump(), bogus, "", "order.created", {}});
  broker.wait_for_confirms();
  orders.push_back(sale());
  orders.push_back(sale());
  orders.push_back(sale());  // six orders of one unit for five units
  // Every event is on the queue before the worker wakes.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (query_one<long>("SELECT count(*) FROM messaging.outbox WHERE published_at IS NULL") > 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(::kill(worker, SIGCONT), 0);

  const auto ids = id_list(orders);
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (query_one<long>("SELECT count(*) FROM sales.orders WHERE status = 'pending' AND id IN (" + ids +
                         ")") > 0 &&
         std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(
      query_one<long>("SELECT count(*) FROM sales.orders WHERE status = 'confirmed' AND id IN (" + ids + ")"),
      5);
  EXPECT_EQ(
      query_one<long>("SELECT count(*) FROM sales.orders WHERE status = 'rejected' AND id IN (" + ids + ")"),
      1);
  EXPECT_EQ(
      query_one<long>(
          "SELECT count(*) FROM inventory.reservations r JOIN sales.order_lines l ON l.id = r.order_line_id"
          " WHERE l.order_id IN (" +
          ids + ")"),
      5);
  EXPECT_DOUBLE_EQ(query_one<double>("SELECT reserved FROM inventory.stock WHERE product_id = " +
                                     std::to_string(product) + " AND location_id = " + std::to_string(store)),
                   5);
  // The bad message went to the dead letters, its reason recorded, after one try.
  bool dead_lettered = false;
  for (int i = 0; i < 100 && !dead_lettered; ++i) {
    std::vector<std::uint64_t> others;
    while (auto d = broker.get("ims.stock.dead")) {
      if (d->message_id != bogus) {
        others.push_back(d->delivery_tag);
        continue;
      }
      broker.ack(d->delivery_tag);
      dead_lettered = true;
      EXPECT_NE(d->headers["x-ims-reason"].find("does not exist"), std::string::npos)
          << d->headers["x-ims-reason"];
    }
    for (auto tag : others) broker.reject(tag, true);
    if (!dead_lettered) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(dead_lettered);
  EXPECT_EQ(ledger_drift(), 0);
  // And it was the batch that failed and fell back (not messages that happened to arrive apart).
  std::ifstream log(env_or("IMS_DATA_DIR", "/tmp") + "/logs/ims-worker-stock.log");
  bool fell_back = false;
  for (std::string line; std::getline(log, line);) {
    fell_back = fell_back || (line.find("batch handler failed") != std::string::npos &&
                              line.find("order 999999999 does not exist") != std::string::npos);
  }
  EXPECT_TRUE(fell_back);
}

// A relay whose publisher confirm was lost across a broker restart publishes its round again, so
// the stock queue can hold the same order.created twice (same message id) next to each other, and
// the worker takes them in one batch. (Found by the chaos run on the cluster: an order reserved
// twice.) The order must be reserved once, the copy acknowledged as a duplicate; and an order
// announced twice under two message ids is decided once too.
TEST(Resilience, AnOrderAnnouncedTwiceInOneBatchIsReservedOnce) {
  const auto token = token_for("manufacturer");
  const auto store = location_id("RET-ANDHERI");
  const auto product = create_product(token);
  ASSERT_EQ(wait_decided(token, post_adjustment(token, product, store, 10).json()["id"])["status"],
            "applied");
  const pid_t worker = running_stock_worker();
  ASSERT_GT(worker, 0);
  ASSERT_EQ(::kill(worker, SIGSTOP), 0);  // the messages pile up and arrive together
  const std::vector<long> orders{place_sale(token, store, product, 2), place_sale(token, store, product, 2),
                                 place_sale(token, store, product, 2)};
  EXPECT_EQ(wait_count("SELECT count(*) FROM messaging.outbox WHERE published_at IS NULL", 0), 0);
  auto announcement = [](long order) {
    return query_one<std::string>(
        "SELECT envelope::text FROM messaging.outbox WHERE type = 'order.created'"
        " AND envelope->'data'->>'order_id' = '" +
        std::to_string(order) + "'");
  };
  ims::infra::AmqpConnection broker(env_or("IMS_AMQP_URL", ""), test_broker_timeout_ms);
  broker.enable_confirms();
  // The second order's message again, as the relay publishes it: same body, same message id.
  const auto copy = nlohmann::json::parse(announcement(orders[1]));
  broker.publish({ims::infra::events_exchange,
                  "order.created",
                  copy.dump(),
                  copy["id"].get<std::string>(),
                  copy.value("correlation_id", ""),
                  "order.created",
                  {}});
  // The third order's announcement under a message id of its own.
  auto again = nlohmann::json::parse(announcement(orders[2]));
  again["id"] = ims::infra::uuid_v4();
  broker.publish({ims::infra::events_exchange,
                  "order.created",
                  again.dump(),
                  again["id"].get<std::string>(),
                  again.value("correlation_id", ""),
                  "order.created",
                  {}});
  broker.wait_for_confirms();
  ASSERT_EQ(::kill(worker, SIGCONT), 0);

  const auto ids = id_list(orders);
  EXPECT_EQ(
      wait_count("SELECT count(*) FROM sales.orders WHERE status = 'confirmed' AND id IN (" + ids + ")", 3),
      3);
  // Every message handled, the copies as duplicates or no-ops: nothing left, nothing dead-lettered.
  EXPECT_TRUE(
      eventually([&] { return broker.inspect_queue("ims.stock").messages == 0; }, std::chrono::seconds(30)));
  for (long id : orders) {
    EXPECT_DOUBLE_EQ(
        query_one<double>("SELECT coalesce(sum(r.quantity), 0) FROM inventory.reservations r"
                          " JOIN sales.order_lines l ON l.id = r.order_line_id WHERE l.order_id = " +
                          std::to_string(id)),
        2)
        << "order " << id;
  }
  EXPECT_DOUBLE_EQ(query_one<double>("SELECT reserved FROM inventory.stock WHERE product_id = " +
                                     std::to_string(product) + " AND location_id = " + std::to_string(store)),
                   6);
  EXPECT_EQ(query_one<long>("SELECT count(*) FROM sales.order_events WHERE order_id IN (" + ids +
                            ") AND to_status = 'confirmed'"),
            3);
  EXPECT_EQ(ledger_drift(), 0);
}

namespace {

// The alerts Prometheus has firing now, as "name queue-or-instance".
std::set<std::string> firing_alerts() {
  std::set<std::string> out;
  auto answer =
      http("GET", "http://127.0.0.1:" + env_or("IMS_PROMETHEUS_PORT", "30090") + "/api/v1/alerts").json();
  if (!answer.is_object() || answer["status"] != "success") return out;
  for (const auto& a : answer["data"]["alerts"]) {
    if (a["state"] != "firing") continue;
    const auto& labels = a["labels"];
    out.insert(labels.value("alertname", "") + " " + labels.value("queue", labels.value("instance", "")));
  }
  return out;
}

}  // namespace

// Operations learn that the stock worker is gone from Prometheus, not from a customer: the
// "process down" (IMSTargetDown) or "no consumer" (IMSQueueNoConsumer) alert fires within its `for`
// (held to IMS_ALERT_FOR, 10 s, in the test stack), and clears once the worker is back.
TEST(Resilience, KillingTheStockWorkerFiresAProcessDownOrNoConsumerAlert) {
  const auto stock_target = "127.0.0.1:" + env_or("IMS_METRICS_PORT_BASE", "30100");
  const std::set<std::string> ours{"IMSTargetDown " + stock_target, "IMSQueueNoConsumer ims.stock"};
  auto any_of_ours = [&ours](const std::set<std::string>& firing) {
    return std::any_of(ours.begin(), ours.end(), [&firing](const auto& a) { return firing.contains(a); });
  };
  ASSERT_TRUE(eventually([&] { return !any_of_ours(firing_alerts()); }, std::chrono::seconds(60)))
      << "an alert about the stock worker fires before the kill";
  const pid_t victim = running_stock_worker();
  ASSERT_GT(victim, 0);
  ASSERT_EQ(kill(victim, SIGKILL), 0);
  waitpid(victim, nullptr, WNOHANG);
  const auto killed = std::chrono::steady_clock::now();
  std::set<std::string> firing;
  const bool fired = eventually(
      [&] {
        firing = firing_alerts();
        return any_of_ours(firing);
      },
      std::chrono::seconds(90));
  const auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - killed).count();
  start_stock_worker();
  ASSERT_TRUE(fired) << "no alert fired in 90 s after the stock worker was killed";
  std::cout << "[ alert ] fired " << seconds << " s after the kill:";
  for (const auto& a : firing) std::cout << " " << a << ";";
  std::cout << "\n";
  EXPECT_TRUE(eventually([&] { return !any_of_ours(firing_alerts()); }, std::chrono::seconds(90)))
      << "the alert still fires once the stock worker is back";
}
