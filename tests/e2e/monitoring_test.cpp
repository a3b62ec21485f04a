// Every Grafana panel's query returns data from the running stack's Prometheus, which scrapes the
// API, every worker, the scheduler, RabbitMQ, PostgreSQL and Redis (DESIGN §7, issue 15).
#include <gtest/gtest.h>

#include <curl/curl.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "support/http_client.hpp"

using namespace ims::test;
using nlohmann::json;

namespace {

std::string escape(const std::string& text) {
  char* e = curl_easy_escape(nullptr, text.c_str(), static_cast<int>(text.size()));
  std::string out(e);
  curl_free(e);
  return out;
}

json prometheus(const std::string& path) {
  return http("GET", "http://127.0.0.1:" + env_or("IMS_PROMETHEUS_PORT", "30090") + path).json();
}

}  // namespace

// Every panel of every dashboard Grafana is provisioned with (monitoring/grafana/dashboards/).
TEST(Monitoring, EveryDashboardPanelReturnsData) {
  std::vector<std::pair<std::string, std::string>> pending;  // "dashboard / panel", query
  std::set<std::string> dashboards;
  for (const auto& file : std::filesystem::directory_iterator(IMS_DASHBOARD_DIR)) {
    if (file.path().extension() != ".json") continue;
    std::ifstream in(file.path());
    std::stringstream text;
    text << in.rdbuf();
    const auto dashboard = json::parse(text.str());
    dashboards.insert(dashboard["title"]);
    for (const auto& panel : dashboard["panels"]) {
      if (!panel.contains("targets")) continue;  // a row
      for (const auto& target : panel["targets"])
        pending.emplace_back(
            dashboard["title"].get<std::string>() + " / " + panel["title"].get<std::string>(),
            target["expr"]);
    }
  }
  EXPECT_EQ(dashboards, (std::set<std::string>{"IMS overview", "IMS workers", "IMS infrastructure"}));
  ASSERT_FALSE(pending.empty());
  api("GET", "/health");                   // at least one request counted
  api("GET", "/api/v1/no-such-resource");  // and one error
  // Rates need two scrapes (every 5 s, RabbitMQ's every 15 s); wait until each query has answered
  // with data once.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!pending.empty() && std::chrono::steady_clock::now() < deadline) {
    std::vector<std::pair<std::string, std::string>> still;
    for (const auto& [title, expr] : pending) {
      auto answer = prometheus("/api/v1/query?query=" + escape(expr));
      const bool data =
          answer.is_object() && answer["status"] == "success" && !answer["data"]["result"].empty();
      if (!data) still.emplace_back(title, expr);
    }
    pending = std::move(still);
    if (!pending.empty()) std::this_thread::sleep_for(std::chrono::seconds(2));
  }
  for (const auto& [title, expr] : pending)
    ADD_FAILURE() << "panel \"" << title << "\" has no data: " << expr;
}

TEST(Monitoring, PrometheusScrapesEveryProcess) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::set<std::string> down;
  do {
    down.clear();
    auto targets = prometheus("/api/v1/targets");
    ASSERT_TRUE(targets.is_object());
    for (const auto& t : targets["data"]["activeTargets"]) {
      if (t["health"] != "up")
        down.insert(t["labels"]["job"].get<std::string>() + " " + t["scrapeUrl"].get<std::string>());
    }
    if (!down.empty()) std::this_thread::sleep_for(std::chrono::seconds(1));
  } while (!down.empty() && std::chrono::steady_clock::now() < deadline);
  for (const auto& d : down) ADD_FAILURE() << "not scraped: " << d;
  // Every IMS process (the API, five workers, the scheduler) and the services they stand on.
  std::map<std::string, int> up;
  const auto targets = prometheus("/api/v1/targets");
  for (const auto& t : targets["data"]["activeTargets"]) {
    if (t["health"] == "up") ++up[t["labels"]["job"].get<std::string>()];
  }
  const std::map<std::string, int> expected{{"ims-api", 1},  {"ims-worker", 5},      {"ims-scheduler", 1},
                                            {"rabbitmq", 1}, {"rabbitmq-queues", 1}, {"postgresql", 1},
                                            {"redis", 1},    {"prometheus", 1}};
  EXPECT_EQ(up, expected);
}

TEST(Monitoring, AlertRulesAreLoaded) {
  auto rules = prometheus("/api/v1/rules");
  ASSERT_EQ(rules["status"], "success");
  std::set<std::string> names;
  for (const auto& group : rules["data"]["groups"]) {
    for (const auto& rule : group["rules"]) names.insert(rule["name"]);
  }
  for (const char* expected : {"IMSHighErrorRate", "IMSOutboxBacklog", "IMSDeadLetters", "IMSTargetDown"}) {
    EXPECT_TRUE(names.contains(expected)) << expected;
  }
}
