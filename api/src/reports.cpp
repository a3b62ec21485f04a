#include "ims/api/reports.hpp"

#include <filesystem>

namespace ims::api::reports {
namespace {

using domain::Error;
using domain::ErrorCode;

Error not_found() {
  return Error::of(ErrorCode::not_found, "no such report");
}

}  // namespace

domain::Result<infra::ReportRecord> request_report(infra::ReportStore& store, infra::Outbox& outbox,
                                                   const domain::Actor& actor, const ReportRequest& r,
                                                   const std::string& request_id) {
  auto params = domain::check_report_params(r.type, r.params);
  if (!params) return params.error();
  auto scope = domain::report_scope(actor, params->location_id);
  if (!scope) return scope.error();
  if (*scope && !store.location_exists(**scope)) return Error::of(ErrorCode::not_found, "no such location");
  auto report = store.create({r.type, r.format, *params, *scope, actor.user_id, std::nullopt, request_id});
  if (!report) throw std::logic_error("a requested report was not inserted");
  outbox.append({"report.requested",
                 {{"report_id", report->id},
                  {"type", std::string(domain::to_string(r.type))},
                  {"format", std::string(domain::to_string(r.format))},
                  {"params", infra::to_json(*params)},
                  {"location_id", *scope ? nlohmann::json(**scope) : nlohmann::json(nullptr)},
                  {"requested_by", actor.user_id}},
                 request_id,
                 actor.user_id});
  return *report;
}

domain::Result<infra::ReportRecord> get_report(infra::ReportStore& store, const domain::Actor& actor,
                                               std::int64_t id) {
  auto report = store.find(id);
  if (!report || !domain::can_see_report(actor, report->location_id)) return not_found();
  return *report;
}

std::vector<infra::ReportRecord> list_reports(infra::ReportStore& store, const domain::Actor& actor,
                                              std::optional<std::int64_t> before_id, int limit) {
  if (!domain::is_location_scoped(actor.role)) return store.list(std::nullopt, before_id, limit);
  if (!actor.location_id) return {};
  return store.list(actor.location_id, before_id, limit);
}

domain::Result<ReportFile> report_file(infra::ReportStore& store, const domain::Actor& actor, std::int64_t id,
                                       const std::string& reports_dir) {
  auto report = get_report(store, actor, id);
  if (!report) return report.error();
  switch (report->status) {
    case domain::ReportStatus::pending: {
      auto pending = Error::of(ErrorCode::conflict, "the report is still being made; try again shortly");
      pending.retry_after_seconds = 1;
      return pending;
    }
    case domain::ReportStatus::failed:
      return Error::validation({{"report", report->reason.value_or("failed")}},
                               "the report could not be made: " + report->reason.value_or("failed"));
    case domain::ReportStatus::expired:
      return Error::of(
          ErrorCode::not_found,
          "the report expired: its file is kept for the retention period only; request it again");
    case domain::ReportStatus::ready:
      break;
  }
  const auto path = std::filesystem::path(reports_dir) / report->file_name.value_or("");
  std::error_code error;
  if (!report->file_name || !std::filesystem::is_regular_file(path, error))
    return Error::of(ErrorCode::not_found, "the report's file is no longer kept");
  return ReportFile{*report->file_name, std::string(domain::content_type_of(report->format)), path.string()};
}

}  // namespace ims::api::reports
