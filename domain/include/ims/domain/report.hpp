#pragma once
// Reports (issue 11): what can be asked for, in which file format, and the report's lifecycle
// pending → ready | failed, and ready → expired when its file passes the retention period. The rows
// themselves come from the database; the rules of a request (which parameters a type takes, whose location it
// covers) live here.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ims/domain/policy.hpp"
#include "ims/domain/result.hpp"

namespace ims::domain {

enum class ReportType { daily_sales, stock_valuation, movements, low_stock, expiry };
enum class ReportFormat { csv, json, xlsx };
enum class ReportStatus { pending, ready, failed, expired };

std::optional<ReportType> parse_report_type(std::string_view text);
std::optional<ReportFormat> parse_report_format(std::string_view text);
std::optional<ReportStatus> parse_report_status(std::string_view text);
std::string_view to_string(ReportType type);
std::string_view to_string(ReportFormat format);
std::string_view to_string(ReportStatus status);

std::string_view content_type_of(ReportFormat format);
std::string_view extension_of(ReportFormat format);

// A report's parameters, decoded. from/to are ISO dates (daily_sales, movements: both default to
// the last 30 days); days (expiry) defaults to 30; location_id narrows an unscoped caller's report.
struct ReportParams {
  std::optional<std::string> from;
  std::optional<std::string> to;
  std::optional<std::int64_t> location_id;
  std::optional<int> days;
};

inline constexpr int max_report_days = 3660;  // a period or expiry window longer than ten years

// Checks the parameters a type takes (dates well formed, from ≤ to, at most max_report_days
// apart; days 0..max_report_days) and names the bad ones.
Result<ReportParams> check_report_params(ReportType type, const ReportParams& params);

// The location a report of this actor covers: a scoped actor's own (another one is not_found),
// an unscoped actor's choice (none: every location).
Result<std::optional<std::int64_t>> report_scope(const Actor& actor, std::optional<std::int64_t> requested);

// Whether the actor may see a report that covers `location` (none: every location).
bool can_see_report(const Actor& actor, std::optional<std::int64_t> location);

Result<ReportStatus> finish_report(ReportStatus from);
Result<ReportStatus> fail_report(ReportStatus from);

// "stock_valuation-42.csv"
std::string report_file_name(ReportType type, std::int64_t id, ReportFormat format);

}  // namespace ims::domain
