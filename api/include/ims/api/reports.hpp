#pragma once
// The use cases behind /reports: request a report (the pending row and its report.requested event
// in the caller's transaction), read one, fetch its file. A location-bound caller's reports cover
// its own location only; a report the caller may not see does not exist (404).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ims/domain/policy.hpp"
#include "ims/domain/report.hpp"
#include "ims/domain/result.hpp"
#include "ims/infra/outbox.hpp"
#include "ims/infra/report_store.hpp"

namespace ims::api::reports {

struct ReportRequest {
  domain::ReportType type = domain::ReportType::daily_sales;
  domain::ReportFormat format = domain::ReportFormat::csv;
  domain::ReportParams params;
};

// 422 for parameters the type does not take; 404 for a location that does not exist or is not
// the caller's.
domain::Result<infra::ReportRecord> request_report(infra::ReportStore& store, infra::Outbox& outbox,
                                                   const domain::Actor& actor, const ReportRequest& request,
                                                   const std::string& request_id);

domain::Result<infra::ReportRecord> get_report(infra::ReportStore& store, const domain::Actor& actor,
                                               std::int64_t id);

// The caller's reports, newest first: a location-bound caller's own location's only (none without a
// location), every report for the others.
std::vector<infra::ReportRecord> list_reports(infra::ReportStore& store, const domain::Actor& actor,
                                              std::optional<std::int64_t> before_id, int limit);

struct ReportFile {
  std::string file_name;
  std::string content_type;
  std::string path;
};

// Where a ready report's file is; 409 while it is pending, 422 with its reason when it failed,
// 404 when the file has gone from reports_dir.
domain::Result<ReportFile> report_file(infra::ReportStore& store, const domain::Actor& actor, std::int64_t id,
                                       const std::string& reports_dir);

}  // namespace ims::api::reports
