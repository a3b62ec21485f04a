// The domain metrics of DESIGN §7 follow what happens on the stack (issue 15): each worker counts
// what it committed (movements by reason, labels and reports by outcome, with durations), the alerts
// worker shows the open alerts and the low stock the database holds, and every process shows its
// PostgreSQL sessions. Other tests run beside this one, so counters are checked to grow by at least
// what this test did, and gauges to agree with the database at some moment.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/fixtures.hpp"
#include "support/http_client.hpp"

using namespace ims::test;
using nlohmann::json;

namespace {

// scripts/lib/env.sh: IMS_WORKER_ROLES in this order, each on IMS_METRICS_PORT_BASE + its index.
std::string worker_metrics_url(const std::string& role) {
  const std::vector<std::string> roles{"stock", "alerts", "labels", "webhooks", "reports"};
  const auto index = std::find(roles.begin(), roles.end(), role) - roles.begin();
  return "http://127.0.0.1:" + std::to_string(std::stoi(env_or("IMS_METRICS_PORT_BASE", "19100")) + index) +
         "/metrics";
}

// The value of one series (name and labels exactly as the exposition prints them), or -1 if absent.
double series(const std::string& metrics_text, const std::string& name_and_labels) {
  std::istringstream lines(metrics_text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(name_and_labels + " ", 0) == 0) return std::stod(line.substr(name_and_labels.size() + 1));
  }
  return -1;
}

double worker_series(const std::string& role, const std::string& name_and_labels) {
  return series(http("GET", worker_metrics_url(role)).body, name_and_labels);
}

// Polls until the series reaches at least `at_least`; returns the last value seen.
double wait_series(const std::string& role, const std::string& name_and_labels, double at_least) {
  double value = -1;
  eventually([&] {
    value = worker_series(role, name_and_labels);
    return value >= at_least;
  });
  return value;
}

json wait_finished(const std::string& token, const std::string& path) {
  json item;
  eventually([&] {
    item = api("GET", path, "", as(token)).json();
    return item.value("status", "pending") != "pending";
  });
  return item;
}

}  // namespace

TEST(DomainMetrics, TheStockWorkerCountsEachCommittedMovementByReason) {
  const auto maker = token_for("manufacturer");
  const auto factory = location_id("FACTORY-01");
  const auto product = create_product(maker);
  const std::string adjustment = "ims_stock_movements_total{reason=\"adjustment\"}";
  const double before = std::max(0.0, worker_series("stock", adjustment));
  stock_up(maker, product, factory, 12);
  auto r = post_adjustment(maker, product, factory, -2, "breakage");
  ASSERT_EQ(r.status, 202) << r.body;
  ASSERT_EQ(wait_decided(maker, r.json()["id"])["status"], "applied");
  EXPECT_GE(wait_series("stock", adjustment, before + 2), before + 2);
  // The two counted are the product's only movements: the opening stock and the breakage.
  EXPECT_EQ(query_one<long>("SELECT count(*) FROM inventory.movements WHERE product_id = " +
                            std::to_string(product)),
            2);
}

TEST(DomainMetrics, LabelsAndReportsAreCountedByOutcomeWithTheirDuration) {
  const auto admin = token_for("admin");
  const auto maker = token_for("manufacturer");
  const auto product = create_product(maker);
  const std::string rendered = "ims_labels_total{outcome=\"rendered\"}";
  const std::string render_count = "ims_label_render_duration_seconds_count";
  const double rendered_before = std::max(0.0, worker_series("labels", rendered));
  const double renders_before = std::max(0.0, worker_series("labels", render_count));
  auto r =
      api("POST", "/api/v1/labels",
          json{{"subject_type", "product"}, {"subject_id", product}, {"symbology", "qr"}, {"format", "png"}}
              .dump(),
          as(maker));
  ASSERT_EQ(r.status, 202) << r.body;
  ASSERT_EQ(wait_finished(maker, "/api/v1/labels/" + std::to_string(r.json()["id"].get<long>()))["status"],
            "ready");
  EXPECT_GE(wait_series("labels", rendered, rendered_before + 1), rendered_before + 1);
  EXPECT_GE(worker_series("labels", render_count), renders_before + 1);

  const std::string ready = "ims_reports_total{outcome=\"ready\"}";
  const std::string build_count = "ims_report_build_duration_seconds_count";
  const double ready_before = std::max(0.0, worker_series("reports", ready));
  const double builds_before = std::max(0.0, worker_series("reports", build_count));
  r = api("POST", "/api/v1/reports", json{{"type", "stock_valuation"}, {"format", "csv"}}.dump(), as(admin));
  ASSERT_EQ(r.status, 202) << r.body;
  ASSERT_EQ(wait_finished(admin, "/api/v1/reports/" + std::to_string(r.json()["id"].get<long>()))["status"],
            "ready");
  EXPECT_GE(wait_series("reports", ready, ready_before + 1), ready_before + 1);
  EXPECT_GE(worker_series("reports", build_count), builds_before + 1);
}

TEST(DomainMetrics, TheAlertsWorkerShowsOpenAlertsAndLowStockAsTheDatabaseHasThem) {
  const auto maker = token_for("manufacturer");
  const auto retailer = token_for("retailer");
  const auto store = location_id("RET-ANDHERI");
  const auto product = create_product(maker);
  stock_up(maker, product, store, 10);
  auto rule =
      api("POST", "/api/v1/reorder-rules",
          json{{"product_id", product}, {"location_id", store}, {"min", 5}, {"max", 40}}.dump(), as(maker));
  ASSERT_EQ(rule.status, 201) << rule.body;
  place_sale(retailer, store, product, 6);  // 4 left: at or below min
  ASSERT_TRUE(eventually([&] {
    return query_one<long>(
               "SELECT count(*) FROM reporting.alerts WHERE kind = 'stock.low' AND closed_at IS NULL"
               " AND product_id = " +
               std::to_string(product)) == 1;
  })) << "no stock.low alert was raised";
  // The gauges are read from the database every IMS_GAUGE_INTERVAL_MS: they agree with it.
  long low_in_db = -1, open_in_db = -1;
  double low_shown = -2, open_shown = -2;
  const bool agree = eventually(
      [&] {
        low_in_db =
            query_one<long>("SELECT count(*) FROM inventory.reorder_rules WHERE low_since IS NOT NULL");
        open_in_db = query_one<long>(
            "SELECT count(*) FROM reporting.alerts WHERE kind = 'stock.low' AND closed_at IS NULL");
        const auto text = http("GET", worker_metrics_url("alerts")).body;
        low_shown = series(text, "ims_stock_low_items");
        open_shown = series(text, "ims_alerts_open{kind=\"stock.low\"}");
        return low_in_db >= 1 && open_in_db >= 1 && low_shown == static_cast<double>(low_in_db) &&
               open_shown == static_cast<double>(open_in_db);
      },
      std::chrono::seconds(30));
  EXPECT_TRUE(agree) << "database: " << low_in_db << " low, " << open_in_db
                     << " open stock.low; shown: " << low_shown << " and " << open_shown;
  const auto text = http("GET", worker_metrics_url("alerts")).body;
  for (const char* kind : {"lot.expiring", "inventory.drift", "request.overdue", "transfer.discrepancy"})
    EXPECT_GE(series(text, std::string("ims_alerts_open{kind=\"") + kind + "\"}"), 0) << kind;
  EXPECT_GE(series(text, "ims_inventory_drift_rows"), 0);
}

TEST(DomainMetrics, EveryProcessShowsItsDatabaseSessions) {
  api("GET", "/api/v1/locations", "", as(token_for("admin")));  // a handler thread has connected
  const auto api_text = http("GET", base_url() + "/metrics").body;
  EXPECT_GE(series(api_text, "ims_db_sessions"), 1) << "the API's handler threads hold sessions";
  EXPECT_GE(series(api_text, "ims_db_sessions_in_use"), 0);
  EXPECT_GE(series(api_text, "ims_db_session_waiters"), 0);
  for (const char* role : {"stock", "alerts", "labels", "webhooks", "reports"}) {
    // The consumer connects at its first message; every role's senders or pruner connect at once.
    EXPECT_GE(worker_series(role, "ims_db_sessions"), 0) << role;
    EXPECT_GE(worker_series(role, "ims_db_sessions_in_use"), 0) << role;
  }
  EXPECT_GE(worker_series("stock", "ims_db_sessions"), 1) << "the stock worker has consumed by now";
}
