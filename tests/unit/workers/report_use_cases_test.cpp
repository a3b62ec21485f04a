// The reports worker's use cases over a hand-written store and row source, writing real files in
// a temporary folder: a report is made once with its row count and size; a refused query or a
// sheet that cannot hold the rows fails it with the reason; the scheduler's request without a
// report id makes one report per selling location, once. And the CSV and XLSX writer pieces.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "ims/infra/report_writer.hpp"
#include "reports/use_cases.hpp"

using namespace ims;
using namespace ims::workers::reports;
namespace fs = std::filesystem;

namespace {

class FakeReports final : public infra::ReportStore {
 public:
  std::map<std::int64_t, infra::ReportRecord> rows;
  std::vector<std::pair<std::string, std::optional<std::int64_t>>> sources;
  std::vector<std::int64_t> selling{21, 22};

  std::optional<infra::ReportRecord> create(const infra::NewReport& n) override {
    if (n.source_event) {
      for (const auto& s : sources)
        if (s.first == *n.source_event && s.second == n.location_id) return std::nullopt;
      sources.emplace_back(*n.source_event, n.location_id);
    }
    infra::ReportRecord r;
    r.id = static_cast<std::int64_t>(rows.size()) + 1;
    r.type = n.type;
    r.format = n.format;
    r.params = n.params;
    r.location_id = n.location_id;
    r.requested_by = n.requested_by;
    rows[r.id] = r;
    return r;
  }
  std::optional<infra::ReportRecord> find(std::int64_t id, bool) override {
    auto it = rows.find(id);
    if (it == rows.end()) return std::nullopt;
    return it->second;
  }
  std::vector<infra::ReportRecord> list(std::optional<std::int64_t> location,
                                        std::optional<std::int64_t> before, int limit) override {
    std::vector<infra::ReportRecord> out;
    for (auto it = rows.rbegin(); it != rows.rend() && static_cast<int>(out.size()) < limit; ++it) {
      if ((!location || it->second.location_id == location) && (!before || it->first < *before))
        out.push_back(it->second);
    }
    return out;
  }
  bool location_exists(std::int64_t) override { return true; }
  std::vector<std::int64_t> selling_locations() override { return selling; }
  void mark_ready(std::int64_t id, const std::string& name, std::int64_t count, std::int64_t size) override {
    auto& r = rows.at(id);
    r.status = domain::ReportStatus::ready;
    r.file_name = name;
    r.row_count = count;
    r.size_bytes = size;
  }
  void mark_failed(std::int64_t id, const std::string& reason) override {
    auto& r = rows.at(id);
    r.status = domain::ReportStatus::failed;
    r.reason = reason;
  }

  std::map<std::int64_t, std::vector<infra::ReportRecipient>> users{
      {21, {{7, "ret@example.com"}, {8, "b@example.com"}}}};
  std::vector<infra::QueuedReportEmail> emails;
  std::optional<infra::LocationName> location_name(std::int64_t id) override {
    if (id == 21) return infra::LocationName{"RET-ANDHERI", "Andheri Retail"};
    return std::nullopt;
  }
  std::vector<infra::ReportRecipient> location_recipients(std::int64_t id) override { return users[id]; }
  void queue_email(const infra::QueuedReportEmail& e) override {
    for (const auto& queued : emails)
      if (queued.message_id == e.message_id) return;  // the table's unique Message-ID
    emails.push_back(e);
  }

  std::map<std::int64_t, int> age_days;       // ready reports: days since finished
  std::vector<std::string> expired_recently;  // files of reports expired in the last hours
  std::vector<infra::ExpiredReport> expire_ready(int retention_days, int limit) override {
    std::vector<infra::ExpiredReport> out;
    for (auto& [id, r] : rows) {
      if (static_cast<int>(out.size()) >= limit) break;
      if (r.status != domain::ReportStatus::ready || age_days[id] <= retention_days) continue;
      r.status = domain::ReportStatus::expired;
      out.push_back({id, *r.file_name});
      expired_recently.push_back(*r.file_name);
    }
    return out;
  }
  std::vector<std::string> files_expired_within(int) override { return expired_recently; }
};

class FakeSource final : public infra::ReportSource {
 public:
  std::vector<infra::ReportRow> data;
  std::optional<std::string> refuse;
  std::vector<infra::ReportQuery> queries;
  std::optional<std::string> stream(const infra::ReportQuery& q, infra::RowSink& sink) override {
    queries.push_back(q);
    if (refuse) return refuse;
    for (const auto& r : data)
      if (!sink.row(r)) break;
    return std::nullopt;
  }
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class Reports : public ::testing::Test {
 protected:
  fs::path dir =
      fs::temp_directory_path() / ("ims-report-test-" + std::to_string(getpid()) + "-" +
                                   ::testing::UnitTest::GetInstance()->current_test_info()->name());
  ReportSettings settings{dir.string(), "http://dash.example/", 30};
  FakeReports store;
  FakeSource source;
  void TearDown() override { fs::remove_all(dir); }
  std::int64_t request(domain::ReportType type, domain::ReportFormat format) {
    return store.create({type, format, {}, 5, 1, std::nullopt, "req"})->id;
  }
};

infra::ReportRow valuation_row(const char* kind, const char* value) {
  return {kind,         "5",          "RET",        "Retail",     std::nullopt,
          std::nullopt, std::nullopt, std::nullopt, std::nullopt, value};
}

}  // namespace

TEST_F(Reports, AReportIsWrittenWithAHeaderAndRecordsItsRowsAndSize) {
  source.data = {valuation_row("item", "12.50"), valuation_row("total", "12.50")};
  const auto id = request(domain::ReportType::stock_valuation, domain::ReportFormat::csv);
  auto out = make_report(store, source, id, settings);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, domain::ReportStatus::ready);
  const auto& row = store.rows[id];
  EXPECT_EQ(row.file_name, "stock_valuation-1.csv");
  EXPECT_EQ(row.row_count, 2);
  const auto text = slurp(dir / *row.file_name);
  EXPECT_EQ(row.size_bytes, static_cast<std::int64_t>(text.size()));
  EXPECT_EQ(
      text.substr(0, text.find("\r\n")),
      "row_type,location_id,location_code,location_name,product_id,sku,product_name,on_hand,unit_cost,value");
  EXPECT_NE(text.find("total,5,RET,Retail,,,,,,12.50\r\n"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir / "stock_valuation-1.csv.part"));
  EXPECT_EQ(source.queries.at(0).location_id, 5);
}

TEST_F(Reports, ARefusedQueryFailsTheReportWithTheReasonAndLeavesNoFile) {
  source.refuse = "the database refused the report: division by zero";
  const auto id = request(domain::ReportType::movements, domain::ReportFormat::json);
  EXPECT_EQ(make_report(store, source, id, settings)->status, domain::ReportStatus::failed);
  EXPECT_EQ(store.rows[id].reason, "the database refused the report: division by zero");
  EXPECT_TRUE(fs::is_empty(dir));
}

TEST_F(Reports, ARedeliveryLeavesADoneReportAlone) {
  const auto id = request(domain::ReportType::low_stock, domain::ReportFormat::csv);
  make_report(store, source, id, settings);
  auto again = make_report(store, source, id, settings);
  EXPECT_FALSE(again->made_now);
  EXPECT_EQ(source.queries.size(), 1u);
  EXPECT_FALSE(make_report(store, source, 404, settings));
}

TEST_F(Reports, JsonRowsKeepDecimalsExactAndCountsAsNumbers) {
  source.data = {{"2026-01-02", "5", "RET", "3", "4", "7.5", "1234567890123.45"}};
  const auto id = request(domain::ReportType::daily_sales, domain::ReportFormat::json);
  make_report(store, source, id, settings);
  const auto text = slurp(dir / *store.rows[id].file_name);
  EXPECT_NE(text.find("\"revenue\":\"1234567890123.45\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"orders\":3"), std::string::npos) << text;
}

TEST_F(Reports, TheSchedulersRequestMakesOneDailySalesReportPerSellingLocationOnce) {
  ScheduledReport nightly{domain::ReportType::daily_sales,
                          domain::ReportFormat::csv,
                          {"2026-01-01", "2026-01-01", std::nullopt, std::nullopt},
                          "event-1",
                          "corr"};
  auto made = make_scheduled_reports(store, source, nightly, settings);
  ASSERT_TRUE(made);
  ASSERT_EQ(made->size(), 2u);
  EXPECT_EQ(store.rows[1].location_id, 21);
  EXPECT_EQ(store.rows[2].location_id, 22);
  EXPECT_FALSE(store.rows[1].requested_by);
  EXPECT_EQ(store.rows[1].status, domain::ReportStatus::ready);
  EXPECT_TRUE(make_scheduled_reports(store, source, nightly, settings)->empty());
  nightly.params.from = "2026-02-30";
  EXPECT_FALSE(make_scheduled_reports(store, source, nightly, settings));
}

TEST_F(Reports, ANightlyReportEmailsItsLinkToTheLocationsUsersOnce) {
  store.selling = {21, 22};  // 22 has no users who take email
  ScheduledReport nightly{domain::ReportType::daily_sales,
                          domain::ReportFormat::csv,
                          {"2026-01-01", "2026-01-01", std::nullopt, std::nullopt},
                          "event-9",
                          "corr"};
  source.data = {{"2026-01-01", "21", "RET-ANDHERI", "3", "4", "7", "120.00"}};
  ASSERT_TRUE(make_scheduled_reports(store, source, nightly, settings));
  ASSERT_EQ(store.emails.size(), 2u);
  const auto& mail = store.emails[0];
  EXPECT_EQ(mail.report_id, 1);
  EXPECT_EQ(mail.user_id, 7);
  EXPECT_EQ(mail.recipient, "ret@example.com");
  EXPECT_EQ(mail.message_id, "<report-1-user-7@ims>");
  EXPECT_EQ(mail.subject, "[IMS] Daily sales report for RET-ANDHERI, 2026-01-01");
  EXPECT_NE(mail.text.find("http://dash.example/#/reports/1"), std::string::npos) << mail.text;
  EXPECT_NE(mail.text.find("1 rows in daily_sales-1.csv"), std::string::npos) << mail.text;
  EXPECT_NE(mail.html.find("href=\"http://dash.example/#/reports/1\""), std::string::npos) << mail.html;
  // The same event delivered again makes nothing and emails nobody again.
  ASSERT_TRUE(make_scheduled_reports(store, source, nightly, settings));
  EXPECT_EQ(store.emails.size(), 2u);
}

TEST_F(Reports, AReportSomeoneAskedForSendsNoEmail) {
  const auto id =
      store
          .create(
              {domain::ReportType::daily_sales, domain::ReportFormat::csv, {}, 21, 1, std::nullopt, "req"})
          ->id;
  make_report(store, source, id, settings);
  EXPECT_TRUE(store.emails.empty());
}

TEST_F(Reports, ReportsPastRetentionExpireAndTheirFilesGoAfterCommit) {
  const auto old_report = request(domain::ReportType::low_stock, domain::ReportFormat::csv);
  const auto new_report = request(domain::ReportType::expiry, domain::ReportFormat::csv);
  make_report(store, source, old_report, settings);
  make_report(store, source, new_report, settings);
  store.age_days[old_report] = 31;
  store.age_days[new_report] = 29;
  const auto old_file = dir / *store.rows[old_report].file_name;
  const auto new_file = dir / *store.rows[new_report].file_name;
  // A dead worker's unfinished file from two days ago, and one being written now.
  const auto stale_part = dir / "movements-77.csv.part";
  const auto live_part = dir / "movements-78.csv.part";
  std::ofstream(stale_part) << "half";
  std::ofstream(live_part) << "half";
  fs::last_write_time(stale_part, fs::file_time_type::clock::now() - std::chrono::hours(48));

  auto pass = expire_reports(store, settings);
  EXPECT_EQ(pass.expired_now, 1);
  EXPECT_EQ(store.rows[old_report].status, domain::ReportStatus::expired);
  EXPECT_EQ(store.rows[new_report].status, domain::ReportStatus::ready);
  EXPECT_TRUE(fs::exists(old_file)) << "deleted before the expiry committed";
  EXPECT_EQ(remove_report_files(settings, pass.files), 2);
  EXPECT_FALSE(fs::exists(old_file));
  EXPECT_FALSE(fs::exists(stale_part));
  EXPECT_TRUE(fs::exists(new_file));
  EXPECT_TRUE(fs::exists(live_part));

  // The next pass names the recently expired file again (a crash after the commit); it is gone
  // already, which is not an error.
  auto again = expire_reports(store, settings);
  EXPECT_EQ(again.expired_now, 0);
  EXPECT_EQ(again.files, std::vector<std::string>{old_file.filename().string()});
  EXPECT_EQ(remove_report_files(settings, again.files), 0);
}

TEST(CsvField, QuotesSeparatorsQuotesAndFormulaStarts) {
  EXPECT_EQ(infra::csv_field("plain"), "plain");
  EXPECT_EQ(infra::csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(infra::csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(infra::csv_field("line\nbreak"), "\"line\nbreak\"");
  EXPECT_EQ(infra::csv_field("=HYPERLINK(1)"), "\"'=HYPERLINK(1)\"");
  EXPECT_EQ(infra::csv_field("-5", true), "-5");  // a negative quantity stays a number
}

TEST(XlsxWriter, WritesAZipWorkbookWithNumbersAsNumbers) {
  const auto path = fs::temp_directory_path() / ("ims-xlsx-test-" + std::to_string(getpid()) + ".xlsx");
  {
    auto writer =
        infra::open_report_writer(domain::ReportFormat::xlsx, path.string(),
                                  {{"sku", infra::ColumnKind::text}, {"value", infra::ColumnKind::decimal}});
    EXPECT_TRUE(writer->row({"SKU-1", "12.5"}));
    writer->finish();
  }
  const auto bytes = slurp(path);
  ASSERT_GT(bytes.size(), 100u);
  EXPECT_EQ(bytes.substr(0, 2), "PK");
  fs::remove(path);
}
