// Every Grafana panel's query returns data from the running stack's Prometheus, which scrapes the
// API, every worker and the scheduler (DESIGN §7).
#include <gtest/gtest.h>

#include <curl/curl.h>

#include <fstream>
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

TEST(Monitoring, EveryDashboardPanelReturnsData) {
  std::ifstream in(IMS_DASHBOARD_PATH);
  std::stringstream text;
  text << in.rdbuf();
  const auto dashboard = json::parse(text.str());
  api("GET", "/health");  // at least one request counted
  std::vector<std::pair<std::string, std::string>> pending;
  for (const auto& panel : dashboard["panels"]) {
    for (const auto& target : panel["targets"]) pending.emplace_back(panel["title"], target["expr"]);
  }
  ASSERT_FALSE(pending.empty());
  // Rates need two scrapes (every 5 s); wait until each query has answered with data once.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
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
