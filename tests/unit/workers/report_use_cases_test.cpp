// The reports worker's use cases over a hand-written store and row source, writing real files in
// a temporary folder: a report is made once with its row count and size; a refused query or a
// sheet that cannot hold the rows fails it with the reason; the scheduler's request without a
// report id makes one report per selling location, once. And the CSV and XLSX writer pieces.
#include <gtest/gtest.h>

#include <unistd.h>

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
  ReportSettings settings{dir.string()};
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
