// Reports against the real stack (issue 11): the reports worker streams the rows from PostgreSQL
// into CSV and XLSX files, and the test checks what a spreadsheet user would: a header row, and a
// stock valuation grand total equal to Σ on_hand × cost over /stock and /products, in both files.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "ims/infra/outbox.hpp"
#include "support/fixtures.hpp"
#include "support/http_client.hpp"
#include "support/maildir.hpp"

using namespace ims::test;
using nlohmann::json;

namespace {

// Requests a report and waits until the worker has made or failed it.
json make_report(const std::string& token, const json& body) {
  auto r = api("POST", "/api/v1/reports", body.dump(), as(token));
  EXPECT_EQ(r.status, 202) << r.body;
  if (r.status != 202) return json::object();
  EXPECT_EQ(r.json()["status"], "pending");
  const auto id = std::to_string(r.json()["id"].get<std::int64_t>());
  json report;
  EXPECT_TRUE(eventually([&] {
    report = api("GET", "/api/v1/reports/" + id, "", as(token)).json();
    return report.value("status", "pending") != "pending";
  })) << "report "
      << id << " still pending";
  return report;
}

HttpResult download(const std::string& token, const json& report) {
  return api("GET", "/api/v1/reports/" + std::to_string(report["id"].get<std::int64_t>()) + "/download", "",
             as(token));
}

// A decimal string as an integer count of 10^-scale units ("12.5", 5 → 1250000).
long long scaled(const std::string& text, int scale) {
  const auto dot = text.find('.');
  std::string whole = text.substr(0, dot), fraction = dot == std::string::npos ? "" : text.substr(dot + 1);
  fraction.resize(static_cast<std::size_t>(scale), '0');
  const bool negative = !whole.empty() && whole[0] == '-';
  long long value = std::stoll(negative ? whole.substr(1) : whole);
  for (int i = 0; i < scale; ++i) value *= 10;
  value += fraction.empty() ? 0 : std::stoll(fraction);
  return negative ? -value : value;
}

// Every item of a paged list.
std::vector<json> all_of(const std::string& token, const std::string& path) {
  std::vector<json> out;
  std::string cursor;
  for (int page = 0; page < 1000; ++page) {
    auto r = api("GET", path + "?limit=500" + (cursor.empty() ? "" : "&cursor=" + cursor), "", as(token));
    EXPECT_EQ(r.status, 200) << r.body;
    const auto body = r.json();
    for (const auto& item : body["items"]) out.push_back(item);
    if (!body.contains("next_cursor") || body["next_cursor"].is_null()) break;
    cursor =
        body["next_cursor"].is_string() ? body["next_cursor"].get<std::string>() : body["next_cursor"].dump();
  }
  return out;
}

// Σ on_hand × cost over everything the caller sees, in 10^-5 (milli-units × cents).
long long expected_total(const std::string& token);

// A report made while the stock it totals held still: the API's total read before and after it
// agree (other tests change stock at the same time; a few tries find a quiet moment). Returns the
// report and that total (Σ on_hand × cost, in units of 0.00001).
std::pair<json, long long> steady_report(const std::string& token, const json& body) {
  json report;
  long long after = 0;
  for (int attempt = 0; attempt < 5; ++attempt) {
    const auto before = expected_total(token);
    report = make_report(token, body);
    after = expected_total(token);
    if (before == after) break;
  }
  return {report, after};
}

long long expected_total(const std::string& token) {
  std::map<std::int64_t, long long> cost_cents;
  for (const auto& p : all_of(token, "/api/v1/products"))
    cost_cents[p["id"].get<std::int64_t>()] = scaled(p["cost"].get<std::string>(), 2);
  long long total = 0;
  for (const auto& s : all_of(token, "/api/v1/stock")) {
    const auto milli = std::llround(s["on_hand"].get<double>() * 1000);
    total += milli * cost_cents.at(s["product_id"].get<std::int64_t>());
  }
  return total;
}

std::vector<std::string> split(const std::string& text, const std::string& by) {
  std::vector<std::string> out;
  std::size_t at = 0;
  for (auto next = text.find(by); next != std::string::npos; next = text.find(by, at)) {
    out.push_back(text.substr(at, next - at));
    at = next + by.size();
  }
  if (at < text.size()) out.push_back(text.substr(at));
  return out;
}

// A CSV file's records (RFC 4180): a line break inside a quoted field belongs to its record (other
// tests, the HTTP fuzzer among them, name locations and products with line breaks).
std::vector<std::string> csv_records(const std::string& text) {
  std::vector<std::string> out;
  std::string record;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '"') quoted = !quoted;
    if (!quoted && text.compare(i, 2, "\r\n") == 0) {
      out.push_back(record);
      record.clear();
      ++i;
      continue;
    }
    record += text[i];
  }
  if (!record.empty()) out.push_back(record);
  return out;
}

// Runs a command on a file holding `bytes`; returns its standard output.
std::string read_back(const std::string& command, const std::string& bytes) {
  char path[] = "/tmp/ims-report-test-XXXXXX";
  const int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  close(fd);
  std::ofstream(path, std::ios::binary) << bytes;
  std::string out;
  if (FILE* p = popen((command + " '" + path + "' 2>/dev/null").c_str(), "r")) {
    std::array<char, 4096> buf{};
    std::size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
    pclose(p);
  }
  std::remove(path);
  return out;
}

// The last <v> of the sheet row whose first cell is the inline string "total".
std::string xlsx_total(const std::string& sheet) {
  for (const auto& row : split(sheet, "<row ")) {
    if (row.find("<t>total</t>") == std::string::npos) continue;
    const auto open = row.rfind("<v>");
    const auto close = row.find("</v>", open);
    if (open != std::string::npos && close != std::string::npos)
      return row.substr(open + 3, close - open - 3);
  }
  return "";
}

// The scheduler's daily-sales-report, as it announces it: report.requested naming no report.
// Returns the event id (the reports' source_event).
std::string nightly_daily_sales(const std::string& from, const std::string& to) {
  ims::infra::PgSession db(database_url());
  return db.transact([&](pqxx::work& txn) {
    return ims::infra::append_event(txn, {"report.requested",
                                          {{"type", "daily_sales"},
                                           {"format", "csv"},
                                           {"params", {{"from", from}, {"to", to}}},
                                           {"run_id", 0},
                                           {"requested_by", nullptr}},
                                          "e2e-reports-" + unique_suffix(),
                                          std::nullopt});
  });
}

class Reports : public ::testing::Test {
 protected:
  std::string admin = token_for("admin");
  std::string maker = token_for("manufacturer");
  std::string retailer = token_for("retailer");
};

}  // namespace

TEST_F(Reports, AStockValuationCsvAndXlsxTotalOnHandTimesCost) {
  const auto product = create_product(maker);  // cost 4.00
  stock_up(admin, product, location_id("RET-ANDHERI"), 7.5);
  const auto [csv, expected] = steady_report(admin, {{"type", "stock_valuation"}, {"format", "csv"}});
  ASSERT_EQ(csv["status"], "ready") << csv.dump();
  auto file = download(admin, csv);
  ASSERT_EQ(file.status, 200) << file.body;
  EXPECT_EQ(file.header("content-type").substr(0, 8), "text/csv");
  EXPECT_NE(file.header("content-disposition").find("attachment; filename=\"stock_valuation-"),
            std::string::npos);
  EXPECT_EQ(csv["size_bytes"], static_cast<std::int64_t>(file.body.size()));
  const auto lines = csv_records(file.body);
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(
      lines[0],
      "row_type,location_id,location_code,location_name,product_id,sku,product_name,on_hand,unit_cost,value");
  EXPECT_EQ(csv["row_count"], static_cast<std::int64_t>(lines.size() - 1));
  const auto last = split(lines.back(), ",");
  ASSERT_EQ(last.front(), "total");
  EXPECT_EQ(scaled(last.back(), 5), expected) << lines.back();
  bool mine = false;
  for (const auto& line : lines)
    mine = mine || (line.find(",RET-ANDHERI,") != std::string::npos &&
                    line.find("," + std::to_string(product) + ",") != std::string::npos &&
                    line.find(",7.5,4.00,30.00") != std::string::npos);
  EXPECT_TRUE(mine) << "no row of the test's own product";

  const auto [xlsx, xlsx_expected] =
      steady_report(admin, {{"type", "stock_valuation"}, {"format", "xlsx"}, {"params", json::object()}});
  ASSERT_EQ(xlsx["status"], "ready") << xlsx.dump();
  auto book = download(admin, xlsx);
  ASSERT_EQ(book.status, 200);
  EXPECT_EQ(book.header("content-type"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  ASSERT_EQ(book.body.substr(0, 2), "PK");
  const auto xml = read_back("sh -c 'unzip -p \"$0\" xl/worksheets/sheet1.xml'", book.body);
  ASSERT_NE(xml.find("<sheetData>"), std::string::npos) << xml.substr(0, 300);
  const auto total = xlsx_total(xml);
  ASSERT_FALSE(total.empty());
  EXPECT_EQ(std::llround(std::stod(total) * 100), (xlsx_expected + 500) / 1000) << total;
}

TEST_F(Reports, AnotherLocationsReportIsNotFoundForARetailer) {
  auto theirs = make_report(
      admin,
      {{"type", "low_stock"}, {"format", "json"}, {"params", {{"location_id", location_id("STK-MUMBAI")}}}});
  ASSERT_EQ(theirs["status"], "ready") << theirs.dump();
  const auto id = std::to_string(theirs["id"].get<std::int64_t>());
  EXPECT_EQ(api("GET", "/api/v1/reports/" + id, "", as(retailer)).status, 404);
  EXPECT_EQ(api("GET", "/api/v1/reports/" + id + "/download", "", as(retailer)).status, 404);
  auto asked = api(
      "POST", "/api/v1/reports",
      json{{"type", "expiry"}, {"format", "csv"}, {"params", {{"location_id", location_id("STK-MUMBAI")}}}}
          .dump(),
      as(retailer));
  EXPECT_EQ(asked.status, 404) << asked.body;
  auto own = make_report(retailer, {{"type", "expiry"}, {"format", "json"}, {"params", {{"days", 3650}}}});
  ASSERT_EQ(own["status"], "ready") << own.dump();
  EXPECT_EQ(own["location_id"], location_id("RET-ANDHERI"));
  auto body = download(retailer, own);
  ASSERT_EQ(body.status, 200);
  EXPECT_EQ(body.header("content-type"), "application/json");
  EXPECT_TRUE(body.json()["rows"].is_array());
  EXPECT_EQ(
      api("POST", "/api/v1/reports", json{{"type", "stock_valuation"}, {"format", "pdf"}}.dump(), as(admin))
          .status,
      422);
  EXPECT_EQ(api("POST", "/api/v1/reports",
                json{{"type", "movements"}, {"format", "csv"}, {"params", {{"from", "2026-02-30"}}}}.dump(),
                as(admin))
                .status,
            422);
}

// GET /reports lists what the caller may see, newest first, in pages: a retailer its store's
// reports only, the admin every one.
TEST_F(Reports, TheListShowsEachCallerTheReportsTheyMaySee) {
  auto theirs = make_report(
      admin,
      {{"type", "low_stock"}, {"format", "csv"}, {"params", {{"location_id", location_id("STK-MUMBAI")}}}});
  auto own = make_report(retailer, {{"type", "low_stock"}, {"format", "csv"}});
  auto ids_of = [](const json& page) {
    std::vector<std::int64_t> ids;
    for (const auto& r : page["items"]) ids.push_back(r["id"].get<std::int64_t>());
    return ids;
  };
  const auto mine = api("GET", "/api/v1/reports?limit=200", "", as(retailer));
  ASSERT_EQ(mine.status, 200) << mine.body;
  const auto mine_json = mine.json();
  const auto retailer_ids = ids_of(mine_json);
  EXPECT_NE(std::find(retailer_ids.begin(), retailer_ids.end(), own["id"].get<std::int64_t>()),
            retailer_ids.end());
  EXPECT_EQ(std::find(retailer_ids.begin(), retailer_ids.end(), theirs["id"].get<std::int64_t>()),
            retailer_ids.end());
  for (const auto& r : mine_json["items"])
    EXPECT_EQ(r["location_id"], location_id("RET-ANDHERI")) << r.dump();
  // The admin pages through one report at a time, newest first (other tests add reports meanwhile):
  // ids fall page after page, and both reports come by, the retailer's first.
  std::vector<std::int64_t> walked;
  std::string cursor;
  for (int page = 0; page < 500; ++page) {
    const auto got =
        api("GET", "/api/v1/reports?limit=1" + (cursor.empty() ? "" : "&cursor=" + cursor), "", as(admin))
            .json();
    ASSERT_LE(got["items"].size(), 1u);
    if (got["items"].empty()) break;
    walked.push_back(got["items"][0]["id"].get<std::int64_t>());
    if (walked.back() == theirs["id"].get<std::int64_t>() || !got["next_cursor"].is_string()) break;
    cursor = got["next_cursor"].get<std::string>();
  }
  EXPECT_TRUE(std::is_sorted(walked.rbegin(), walked.rend())) << "pages are newest first";
  EXPECT_EQ(std::adjacent_find(walked.begin(), walked.end()), walked.end()) << "no report on two pages";
  const auto at_own = std::find(walked.begin(), walked.end(), own["id"].get<std::int64_t>());
  const auto at_theirs = std::find(walked.begin(), walked.end(), theirs["id"].get<std::int64_t>());
  ASSERT_NE(at_own, walked.end());
  ASSERT_NE(at_theirs, walked.end());
  EXPECT_LT(at_own, at_theirs);
}

TEST_F(Reports, TheSchedulersRequestWithoutAnIdMakesReadyDailySalesReports) {
  const auto event = nightly_daily_sales("2026-01-01", "2026-12-31");
  const auto selling =
      query_one<long>("SELECT count(*) FROM inventory.locations WHERE kind IN ('stockist', 'retail')");
  ASSERT_GT(selling, 0);
  EXPECT_EQ(wait_count("SELECT count(*) FROM reporting.reports WHERE status = 'ready' AND source_event = '" +
                           event + "'",
                       selling, std::chrono::seconds(60)),
            selling);
  const auto id =
      query_one<std::int64_t>("SELECT id FROM reporting.reports WHERE source_event = '" + event +
                              "' AND location_id = " + std::to_string(location_id("RET-ANDHERI")));
  auto report = api("GET", "/api/v1/reports/" + std::to_string(id), "", as(retailer));
  ASSERT_EQ(report.status, 200) << report.body;
  EXPECT_EQ(report.json()["requested_by"], nullptr);
  auto file = download(retailer, report.json());
  ASSERT_EQ(file.status, 200);
  EXPECT_EQ(csv_records(file.body).at(0), "day,location_id,location_code,orders,lines,quantity,revenue");
}

// The nightly report reaches the location's people: a user of RET-ANDHERI gets one email naming the
// report, with its link, in the development mail catcher.
TEST_F(Reports, TheNightlyReportEmailsItsLinkToTheLocationsUsers) {
  const auto name = "reports-" + unique_suffix();
  const auto email = name + "@example.com";
  auto created = api("POST", "/api/v1/users",
                     json{{"username", name},
                          {"email", email},
                          {"password", "a-long-password"},
                          {"role", "retailer"},
                          {"location_id", location_id("RET-ANDHERI")}}
                         .dump(),
                     as(admin));
  ASSERT_EQ(created.status, 201) << created.body;
  const auto event = nightly_daily_sales("2026-11-30", "2026-11-30");
  const std::string report_sql =
      "SELECT count(*) FROM reporting.reports WHERE status = 'ready' AND source_event = '" + event +
      "' AND location_id = " + std::to_string(location_id("RET-ANDHERI"));
  ASSERT_EQ(wait_count(report_sql, 1, std::chrono::seconds(60)), 1);
  const auto id =
      query_one<std::int64_t>("SELECT id FROM reporting.reports WHERE source_event = '" + event +
                              "' AND location_id = " + std::to_string(location_id("RET-ANDHERI")));
  const auto link = "/#/reports/" + std::to_string(id);
  std::vector<Mail> mine;
  ASSERT_TRUE(eventually(
      [&] {
        mine.clear();
        for (auto& m : mails_about("Daily sales report for RET-ANDHERI, 2026-11-30"))
          if (m.to.find(email) != std::string::npos && m.text.find(link) != std::string::npos)
            mine.push_back(m);
        return !mine.empty();
      },
      std::chrono::seconds(60)))
      << "no email with " << link << " reached " << email;
  EXPECT_EQ(mine.size(), 1u);
  EXPECT_NE(mine[0].html.find(link), std::string::npos);
  EXPECT_EQ(mine[0].message_id, "<report-" + std::to_string(id) + "-user-" +
                                    std::to_string(created.json()["id"].get<std::int64_t>()) + "@ims>");
  EXPECT_EQ(query_one<long>("SELECT count(*) FROM reporting.email_deliveries WHERE report_id = " +
                            std::to_string(id) + " AND recipient = '" + email + "'"),
            1);
}

// A report past IMS_REPORT_RETENTION_DAYS (backdated here) is marked expired by the reports worker
// and its file deleted; its row stays and a download says why the file is gone.
TEST_F(Reports, AReportPastRetentionExpiresAndItsFileIsDeleted) {
  auto report = make_report(admin, {{"type", "low_stock"}, {"format", "csv"}});
  ASSERT_EQ(report["status"], "ready") << report.dump();
  const auto id = std::to_string(report["id"].get<std::int64_t>());
  ASSERT_EQ(download(admin, report).status, 200);
  const auto dir = env_or("IMS_REPORTS_DIR", env_or("IMS_DATA_DIR", "") + "/reports");
  const auto file = dir + "/" + report["file_name"].get<std::string>();
  ASSERT_TRUE(std::ifstream(file).good()) << file;
  ims::infra::PgSession db(database_url());
  db.transact([&](pqxx::work& txn) {
    txn.exec("UPDATE reporting.reports SET finished_at = now() - interval '400 days' WHERE id = " + id);
  });
  ASSERT_EQ(wait_count("SELECT count(*) FROM reporting.reports WHERE status = 'expired' AND id = " + id, 1,
                       std::chrono::seconds(30)),
            1);
  ASSERT_TRUE(eventually([&] { return !std::ifstream(file).good(); }, std::chrono::seconds(10))) << file;
  auto after = api("GET", "/api/v1/reports/" + id, "", as(admin));
  ASSERT_EQ(after.status, 200);
  EXPECT_EQ(after.json()["status"], "expired");
  EXPECT_EQ(after.json()["download_url"], nullptr);
  EXPECT_EQ(after.json()["row_count"], report["row_count"]);
  auto gone = download(admin, report);
  EXPECT_EQ(gone.status, 404);
  EXPECT_NE(gone.body.find("expired"), std::string::npos) << gone.body;
}
