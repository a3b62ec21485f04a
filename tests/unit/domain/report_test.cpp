// Report rules: which parameters each type takes, whose location a report covers, the lifecycle.
#include <gtest/gtest.h>

#include "ims/domain/report.hpp"
#include "ims/domain/report_email.hpp"

using namespace ims::domain;

namespace {
template <typename T>
T val(Result<T> r) {
  return *r;
}
}  // namespace

TEST(ReportParams, PeriodsAreCheckedAndOnlyForTypesThatTakeThem) {
  EXPECT_TRUE(
      check_report_params(ReportType::daily_sales, {"2026-01-01", "2026-01-31", std::nullopt, std::nullopt}));
  EXPECT_FALSE(
      check_report_params(ReportType::daily_sales, {"2026-02-30", std::nullopt, std::nullopt, std::nullopt}));
  EXPECT_FALSE(
      check_report_params(ReportType::movements, {"2026-02-01", "2026-01-01", std::nullopt, std::nullopt}));
  EXPECT_FALSE(
      check_report_params(ReportType::movements, {"1990-01-01", "2026-01-01", std::nullopt, std::nullopt}));
  EXPECT_FALSE(check_report_params(ReportType::stock_valuation,
                                   {"2026-01-01", std::nullopt, std::nullopt, std::nullopt}));
  EXPECT_FALSE(check_report_params(ReportType::low_stock, {std::nullopt, std::nullopt, std::nullopt, 5}));
  EXPECT_EQ(check_report_params(ReportType::expiry, {})->days, 30);
  EXPECT_FALSE(check_report_params(ReportType::expiry, {std::nullopt, std::nullopt, std::nullopt, -1}));
}

TEST(ReportScope, LocationBoundUsersGetTheirOwnLocationAndAnotherIsNotFound) {
  const Actor retailer{7, Role::retailer, 40};
  EXPECT_EQ(val(report_scope(retailer, std::nullopt)), std::optional<std::int64_t>(40));
  EXPECT_EQ(report_scope(retailer, 41).error().code, ErrorCode::not_found);
  const Actor admin{1, Role::admin, std::nullopt};
  EXPECT_EQ(val(report_scope(admin, std::nullopt)), std::nullopt);
  EXPECT_EQ(val(report_scope(admin, 41)), std::optional<std::int64_t>(41));
  EXPECT_TRUE(can_see_report(admin, std::nullopt));
  EXPECT_TRUE(can_see_report(retailer, 40));
  EXPECT_FALSE(can_see_report(retailer, 41));
  EXPECT_FALSE(can_see_report(retailer, std::nullopt));
  EXPECT_TRUE(can_see_report(Actor{2, Role::manufacturer, 1}, 41));
}

TEST(ReportLifecycle, OnlyAPendingReportFinishesOrFails) {
  struct Case {
    ReportStatus from;
    bool ok;
  };
  for (auto [from, ok] : {Case{ReportStatus::pending, true}, Case{ReportStatus::ready, false},
                          Case{ReportStatus::failed, false}}) {
    EXPECT_EQ(static_cast<bool>(finish_report(from)), ok) << to_string(from);
    EXPECT_EQ(static_cast<bool>(fail_report(from)), ok) << to_string(from);
  }
  EXPECT_EQ(val(finish_report(ReportStatus::pending)), ReportStatus::ready);
  EXPECT_EQ(val(fail_report(ReportStatus::pending)), ReportStatus::failed);
  EXPECT_EQ(report_file_name(ReportType::stock_valuation, 42, ReportFormat::xlsx), "stock_valuation-42.xlsx");
  EXPECT_EQ(content_type_of(ReportFormat::xlsx),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
}

TEST(ReportStatus, ExpiredIsAStatusOfItsOwnThatCannotBeFinishedAgain) {
  EXPECT_EQ(parse_report_status("expired"), ReportStatus::expired);
  EXPECT_EQ(to_string(ReportStatus::expired), "expired");
  EXPECT_FALSE(finish_report(ReportStatus::expired));
  EXPECT_FALSE(fail_report(ReportStatus::expired));
}

TEST(ReportEmail, NamesTheReportLocationPeriodAndLinksToItEscaped) {
  auto mail =
      render_report_email({42, ReportType::daily_sales, ReportFormat::xlsx, "RET-1", "Shop <&> \"One\"",
                           "2026-03-01", "2026-03-01", 17, "https://ims.example.com/"});
  EXPECT_EQ(mail.subject, "[IMS] Daily sales report for RET-1, 2026-03-01");
  EXPECT_NE(mail.text.find("Shop <&> \"One\""), std::string::npos);
  EXPECT_NE(mail.text.find("17 rows in daily_sales-42.xlsx"), std::string::npos) << mail.text;
  EXPECT_NE(mail.text.find("https://ims.example.com/#/reports/42"), std::string::npos);
  EXPECT_NE(mail.html.find("Shop &lt;&amp;&gt; &quot;One&quot;"), std::string::npos) << mail.html;
  EXPECT_EQ(mail.html.find("<&>"), std::string::npos);
  EXPECT_EQ(report_message_id(42, 7), "<report-42-user-7@ims>");
}

TEST(ReportEmail, ASubjectStaysOneShortLineAndAPeriodReadsFromTo) {
  auto mail =
      render_report_email({1, ReportType::movements, ReportFormat::csv, std::string(300, 'X') + "\r\nBcc: x",
                           "", "2026-01-01", "2026-01-31", 0, ""});
  EXPECT_LE(mail.subject.size(), 200u);
  EXPECT_EQ(mail.subject.find_first_of("\r\n"), std::string::npos);
  auto ranged = render_report_email(
      {1, ReportType::movements, ReportFormat::csv, "CFA-1", "", "2026-01-01", "2026-01-31", 5, ""});
  EXPECT_NE(ranged.text.find("for 2026-01-01 to 2026-01-31"), std::string::npos) << ranged.text;
  EXPECT_EQ(ranged.text.find("dashboard"), std::string::npos) << "no dashboard URL, no link";
}
