#pragma once
// The email of a nightly report: "your daily sales report for <location> is ready", with its
// period, row count and a link to it on the dashboard. Pure, like the alert emails.
#include <cstdint>
#include <string>

#include "ims/domain/alert_email.hpp"
#include "ims/domain/report.hpp"

namespace ims::domain {

struct ReportEmailFacts {
  std::int64_t report_id = 0;
  ReportType type = ReportType::daily_sales;
  ReportFormat format = ReportFormat::csv;
  std::string location_code, location_name;
  std::string from, to;  // the period; equal for one night's report
  std::int64_t row_count = 0;
  std::string dashboard_url;  // a trailing slash is fine; empty: no link
};

RenderedEmail render_report_email(const ReportEmailFacts& facts);

// "<report-42-user-7@ims>": one per report and user, so a redelivered event queues nothing twice.
std::string report_message_id(std::int64_t report_id, std::int64_t user_id);

}  // namespace ims::domain
