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
  std::string dashboard_url;  // the nightly report's email links here
  int retention_days = 30;    // IMS_REPORT_RETENTION_DAYS
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
// else: one report. A report an earlier delivery made already is not made again. Each report made
// ready for a location queues an email with its link to the location's users, in the same
// transaction. Refuses bad parameters (validation) without making any.
domain::Result<std::vector<ReportOutcome>> make_scheduled_reports(infra::ReportStore& store,
                                                                  infra::ReportSource& source,
                                                                  const ScheduledReport& request,
                                                                  const ReportSettings& settings);

// Retention, in two steps around a commit: expire_reports marks the reports past retention expired
// (in the caller's transaction) and names the files to delete: theirs, and those of reports
// expired in the last two days (a worker stopped between commit and delete the last time).
// remove_report_files deletes them after commit, with unfinished `.part` files older than a day
// (a worker that died mid-report); a file already gone is not an error.
struct ExpiredFiles {
  int expired_now = 0;             // reports marked expired by this pass
  std::vector<std::string> files;  // to delete after commit
  bool more = false;               // a full batch: more may be waiting
};
ExpiredFiles expire_reports(infra::ReportStore& store, const ReportSettings& settings);
int remove_report_files(const ReportSettings& settings,
                        const std::vector<std::string>& files);  // how many it deleted

}  // namespace ims::workers::reports
