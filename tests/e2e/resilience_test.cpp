// Nothing is lost or applied twice when the stock worker is killed mid-stream or the broker is
// away. Runs alone (RUN_SERIAL): it kills the stack's stock worker and stops RabbitMQ.
#include <gtest/gtest.h>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <atomic>
#include <fcntl.h>
#include <fstream>
#include <thread>

#include "support/fixtures.hpp"

extern char** environ;

using namespace ims::test;

namespace {

std::string pid_file() { return env_or("IMS_DATA_DIR", "") + "/pids/ims-worker-stock.pid"; }

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
  return query_one<long>("SELECT count(*) FROM inventory.adjustments WHERE status <> 'pending' AND reason = '" + reason + "'");
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
  EXPECT_EQ(query_one<long>("SELECT count(*) FROM inventory.adjustments a WHERE a.reason = '" + reason + "' AND"
                            " (SELECT count(*) FROM inventory.movements m WHERE m.reference = 'ADJ-' || a.id) <>"
                            " CASE a.status WHEN 'applied' THEN 1 ELSE 0 END"),
            0);
  EXPECT_DOUBLE_EQ(on_hand(product, location),
                   query_one<double>("SELECT coalesce(sum(quantity_delta), 0) FROM inventory.adjustments WHERE status = 'applied'"
                                     " AND reason = '" + reason + "'"));
  EXPECT_EQ(ledger_drift(), 0);
}

int stack(const std::string& verb, const std::string& service) {
  return std::system((std::string(IMS_SOURCE_DIR) + "/scripts/stack " + verb + " " + service + " >/dev/null").c_str());
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
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([&, c] {
      for (int i = c; i < total; i += 8) {
        // Mostly receipts, every fourth one a deduction, so rejections happen too.
        const double delta = i % 4 == 3 ? -3 : 2;
        if (post_adjustment(token, product, factory, delta, reason).status == 202) ++posted; else ++refused;
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
