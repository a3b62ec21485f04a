#include "ims/domain/report.hpp"

#include <array>
#include <chrono>
#include <utility>
#include <vector>

#include "enum_names.hpp"

namespace ims::domain {
namespace {

constexpr std::array<std::pair<ReportType, std::string_view>, 5> types{
    {{ReportType::daily_sales, "daily_sales"},
     {ReportType::stock_valuation, "stock_valuation"},
     {ReportType::movements, "movements"},
     {ReportType::low_stock, "low_stock"},
     {ReportType::expiry, "expiry"}}};
constexpr std::array<std::pair<ReportFormat, std::string_view>, 3> formats{
    {{ReportFormat::csv, "csv"}, {ReportFormat::json, "json"}, {ReportFormat::xlsx, "xlsx"}}};
constexpr std::array<std::pair<ReportStatus, std::string_view>, 4> statuses{
    {{ReportStatus::pending, "pending"},
     {ReportStatus::ready, "ready"},
     {ReportStatus::failed, "failed"},
     {ReportStatus::expired, "expired"}}};

// "YYYY-MM-DD" as a calendar day, nullopt unless it is one.
std::optional<std::chrono::sys_days> day_of(const std::string& text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  const std::chrono::year_month_day ymd{
      std::chrono::year(std::stoi(text.substr(0, 4))),
      std::chrono::month(static_cast<unsigned>(std::stoi(text.substr(5, 2)))),
      std::chrono::day(static_cast<unsigned>(std::stoi(text.substr(8, 2))))};
  if (!ymd.ok() || ymd.year() < std::chrono::year(1900) || ymd.year() > std::chrono::year(9999))
    return std::nullopt;
  return std::chrono::sys_days(ymd);
}

void check_period(const ReportParams& p, std::vector<FieldError>& errors) {
  std::optional<std::chrono::sys_days> from, to;
  if (p.from && !(from = day_of(*p.from))) errors.push_back({"params.from", "must be a date, YYYY-MM-DD"});
  if (p.to && !(to = day_of(*p.to))) errors.push_back({"params.to", "must be a date, YYYY-MM-DD"});
  if (from && to && *from > *to) errors.push_back({"params.to", "must not be before params.from"});
  if (from && to && (*to - *from).count() > max_report_days)
    errors.push_back(
        {"params.to", "the period may span at most " + std::to_string(max_report_days) + " days"});
}

}  // namespace

std::optional<ReportType> parse_report_type(std::string_view t) {
  return detail::parse_name(types, t);
}
std::optional<ReportFormat> parse_report_format(std::string_view t) {
  return detail::parse_name(formats, t);
}
std::optional<ReportStatus> parse_report_status(std::string_view t) {
  return detail::parse_name(statuses, t);
}
std::string_view to_string(ReportType v) {
  return detail::name_of(types, v, "?");
}
std::string_view to_string(ReportFormat v) {
  return detail::name_of(formats, v, "?");
}
std::string_view to_string(ReportStatus v) {
  return detail::name_of(statuses, v, "?");
}

std::string_view content_type_of(ReportFormat format) {
  switch (format) {
    case ReportFormat::csv:
      return "text/csv";
    case ReportFormat::json:
      return "application/json";
    case ReportFormat::xlsx:
      return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  }
  return "application/octet-stream";
}

std::string_view extension_of(ReportFormat format) {
  return to_string(format);
}

Result<ReportParams> check_report_params(ReportType type, const ReportParams& p) {
  std::vector<FieldError> errors;
  const bool period = type == ReportType::daily_sales || type == ReportType::movements;
  if (period) {
    check_period(p, errors);
  } else if (p.from || p.to) {
    errors.push_back(
        {p.from ? "params.from" : "params.to", "is not a parameter of " + std::string(to_string(type))});
  }
  if (p.days && (type != ReportType::expiry || *p.days < 0 || *p.days > max_report_days)) {
    errors.push_back({"params.days", type == ReportType::expiry
                                         ? "must be 0 to " + std::to_string(max_report_days)
                                         : "is not a parameter of " + std::string(to_string(type))});
  }
  if (p.location_id && *p.location_id <= 0)
    errors.push_back({"params.location_id", "must be a positive integer id"});
  if (!errors.empty()) return Error::validation(std::move(errors));
  ReportParams out = p;
  if (type == ReportType::expiry && !out.days) out.days = 30;
  return out;
}

Result<std::optional<std::int64_t>> report_scope(const Actor& actor, std::optional<std::int64_t> requested) {
  if (!is_location_scoped(actor.role)) return requested;
  if (!actor.location_id) return Error::of(ErrorCode::forbidden, "your account is bound to no location");
  if (requested && *requested != *actor.location_id)
    return Error::of(ErrorCode::not_found, "no such location");
  return std::optional<std::int64_t>(*actor.location_id);
}

bool can_see_report(const Actor& actor, std::optional<std::int64_t> location) {
  if (!is_location_scoped(actor.role)) return true;
  return location && actor.location_id && *location == *actor.location_id;
}

Result<ReportStatus> finish_report(ReportStatus from) {
  if (from != ReportStatus::pending)
    return Error::of(ErrorCode::conflict, "the report is " + std::string(to_string(from)) + " already");
  return ReportStatus::ready;
}

Result<ReportStatus> fail_report(ReportStatus from) {
  if (from != ReportStatus::pending)
    return Error::of(ErrorCode::conflict, "the report is " + std::string(to_string(from)) + " already");
  return ReportStatus::failed;
}

std::string report_file_name(ReportType type, std::int64_t id, ReportFormat format) {
  return std::string(to_string(type)) + "-" + std::to_string(id) + "." + std::string(extension_of(format));
}

}  // namespace ims::domain
