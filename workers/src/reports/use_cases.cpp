#include "reports/use_cases.hpp"

#include <algorithm>
#include <filesystem>

#include "ims/domain/report_email.hpp"
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

// The link of a location's nightly report, to each of its users who take email.
void email_location(infra::ReportStore& store, const infra::ReportRecord& report, std::int64_t location_id,
                    std::int64_t row_count, const ReportSettings& settings) {
  const auto recipients = store.location_recipients(location_id);
  if (recipients.empty()) return;
  const auto location = store.location_name(location_id).value_or(infra::LocationName{});
  const auto email = domain::render_report_email(
      {report.id, report.type, report.format, location.code, location.name, report.params.from.value_or(""),
       report.params.to.value_or(""), row_count, settings.dashboard_url});
  for (const auto& to : recipients) {
    store.queue_email({report.id, to.user_id, to.email, email.subject, email.text, email.html,
                       domain::report_message_id(report.id, to.user_id)});
  }
}

constexpr int expired_files_kept_hours = 48;
constexpr int expire_batch = 500;
constexpr auto unfinished_part_age = std::chrono::hours(24);

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
    auto made = make_report(store, source, created->id, settings);
    if (!made) continue;
    if (made->made_now && made->status == domain::ReportStatus::ready && location)
      email_location(store, *created, *location, made->row_count, settings);
    out.push_back(*made);
  }
  return out;
}

ExpiredFiles expire_reports(infra::ReportStore& store, const ReportSettings& settings) {
  ExpiredFiles out;
  for (const auto& r : store.expire_ready(settings.retention_days, expire_batch)) {
    ++out.expired_now;
    out.files.push_back(r.file_name);
  }
  out.more = out.expired_now >= expire_batch;
  for (auto& name : store.files_expired_within(expired_files_kept_hours))
    out.files.push_back(std::move(name));
  std::sort(out.files.begin(), out.files.end());
  out.files.erase(std::unique(out.files.begin(), out.files.end()), out.files.end());
  return out;
}

int remove_report_files(const ReportSettings& settings, const std::vector<std::string>& files) {
  const fs::path dir(settings.reports_dir);
  int removed = 0;
  std::error_code error;
  for (const auto& name : files) {
    // Names come from the database, where a CHECK keeps them to one plain file name.
    if (name.empty() || name.find('/') != std::string::npos || name.starts_with(".")) continue;
    if (fs::remove(dir / name, error)) ++removed;
  }
  if (!fs::is_directory(dir, error)) return removed;
  const auto cutoff = fs::file_time_type::clock::now() - unfinished_part_age;
  for (const auto& entry : fs::directory_iterator(dir, error)) {
    if (entry.path().extension() != ".part") continue;
    auto written = entry.last_write_time(error);
    if (!error && written < cutoff && fs::remove(entry.path(), error)) ++removed;
  }
  return removed;
}

}  // namespace ims::workers::reports
