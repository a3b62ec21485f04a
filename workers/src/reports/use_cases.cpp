#include "reports/use_cases.hpp"

#include <filesystem>

#include "ims/infra/report_writer.hpp"

namespace ims::workers::reports {
namespace {

namespace fs = std::filesystem;

// Counts the rows and hands them to the file until it refuses one.
class FileSink final : public infra::RowSink {
 public:
  explicit FileSink(infra::ReportWriter& writer) : writer_(writer) {}
  bool row(const infra::ReportRow& row) override {
    if (!writer_.row(row)) return false;
    ++rows;
    return true;
  }
  std::int64_t rows = 0;

 private:
  infra::ReportWriter& writer_;
};

ReportOutcome fail(infra::ReportStore& store, const infra::ReportRecord& report, const fs::path& part,
                   const std::string& reason) {
  std::error_code ignored;
  fs::remove(part, ignored);
  store.mark_failed(report.id, reason);
  return {report.id, domain::ReportStatus::failed, reason, 0, true};
}

}  // namespace

std::optional<ReportOutcome> make_report(infra::ReportStore& store, infra::ReportSource& source,
                                         std::int64_t id, const ReportSettings& settings) {
  auto report = store.find(id, true);
  if (!report) return std::nullopt;
  if (!domain::finish_report(report->status))
    return ReportOutcome{report->id, report->status, report->reason, report->row_count.value_or(0), false};
  const auto name = domain::report_file_name(report->type, report->id, report->format);
  const fs::path dir(settings.reports_dir);
  fs::create_directories(dir);
  const auto part = dir / (name + ".part");
  std::int64_t rows = 0;
  {
    auto writer =
        infra::open_report_writer(report->format, part.string(), infra::report_columns(report->type));
    FileSink sink(*writer);
    if (auto refused = source.stream({report->type, report->params, report->location_id}, sink)) {
      writer.reset();
      return fail(store, *report, part, *refused);
    }
    if (auto refusal = writer->refusal()) {
      writer.reset();
      return fail(store, *report, part, *refusal);
    }
    writer->finish();
    rows = sink.rows;
  }
  fs::rename(part, dir / name);
  const auto size = static_cast<std::int64_t>(fs::file_size(dir / name));
  store.mark_ready(report->id, name, rows, size);
  return ReportOutcome{report->id, domain::ReportStatus::ready, std::nullopt, rows, true};
}

domain::Result<std::vector<ReportOutcome>> make_scheduled_reports(infra::ReportStore& store,
                                                                  infra::ReportSource& source,
                                                                  const ScheduledReport& request,
                                                                  const ReportSettings& settings) {
  auto params = domain::check_report_params(request.type, request.params);
  if (!params) return params.error();
  std::vector<std::optional<std::int64_t>> locations{params->location_id};
  if (request.type == domain::ReportType::daily_sales && !params->location_id) {
    auto selling = store.selling_locations();
    if (!selling.empty()) locations.assign(selling.begin(), selling.end());
  }
  std::vector<ReportOutcome> out;
  for (const auto& location : locations) {
    auto created = store.create({request.type, request.format, *params, location, std::nullopt,
                                 request.event_id, request.request_id});
    if (!created) continue;  // an earlier delivery made this one
    if (auto made = make_report(store, source, created->id, settings)) out.push_back(*made);
  }
  return out;
}

}  // namespace ims::workers::reports
