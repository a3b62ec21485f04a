#pragma once
// The reports worker's use cases: make a requested report, and make the scheduler's nightly
// reports (its report.requested names no report: one per selling location is made here). Rows
// stream from the source into a file under reports_dir, written as <name>.part and renamed into
// place. Data that cannot make the report fails it with a reason; only broken infrastructure
// (the database, a full disk) throws.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ims/domain/report.hpp"
#include "ims/infra/report_store.hpp"

namespace ims::workers::reports {

struct ReportSettings {
  std::string reports_dir;
};

struct ReportOutcome {
  std::int64_t report_id = 0;
  domain::ReportStatus status = domain::ReportStatus::pending;
  std::optional<std::string> reason;  // failed: why
  std::int64_t row_count = 0;
  bool made_now = false;  // false: it was ready or failed already (a redelivery)
};

// nullopt when no such report exists.
std::optional<ReportOutcome> make_report(infra::ReportStore& store, infra::ReportSource& source,
                                         std::int64_t id, const ReportSettings& settings);

// A report.requested without a report id (the scheduler's).
struct ScheduledReport {
  domain::ReportType type = domain::ReportType::daily_sales;
  domain::ReportFormat format = domain::ReportFormat::csv;
  domain::ReportParams params;
  std::string event_id;    // makes each location's report once, however often it is delivered
  std::string request_id;  // the correlation id
};

// daily_sales without a location: one report per selling location (stockist, retail); anything
// else: one report. A report an earlier delivery made already is not made again. Refuses bad
// parameters (validation) without making any.
domain::Result<std::vector<ReportOutcome>> make_scheduled_reports(infra::ReportStore& store,
                                                                  infra::ReportSource& source,
                                                                  const ScheduledReport& request,
                                                                  const ReportSettings& settings);

}  // namespace ims::workers::reports
