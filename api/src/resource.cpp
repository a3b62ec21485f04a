#include "ims/api/resource.hpp"

#include <cctype>

namespace ims::api {

std::string utc_timestamp(const std::string& column) {
  return "to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";
}

bool is_calendar_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  const int y = std::stoi(s.substr(0, 4)), m = std::stoi(s.substr(5, 2)), d = std::stoi(s.substr(8, 2));
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  // Year 0 does not exist for PostgreSQL (1 BC is year 0 nowhere), so 0000-01-01 is refused here.
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= days[m - 1] + (m == 2 && leap ? 1 : 0);
}

std::int64_t day_number(const std::string& s) {
  // Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
  std::int64_t y = std::stoi(s.substr(0, 4));
  const unsigned m = static_cast<unsigned>(std::stoi(s.substr(5, 2))),
                 d = static_cast<unsigned>(std::stoi(s.substr(8, 2)));
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::optional<Response> precondition(const Request& request, int version, const std::string& what) {
  if (auto stale = domain::stale_version(request.header("if-match"), version, what)) return problem(*stale);
  return std::nullopt;
}

Response versioned(int status, const nlohmann::json& body) {
  return json_response(status, body.dump())
      .header("ETag", "\"" + std::to_string(body["version"].get<int>()) + "\"");
}

Response refusal_for(const FieldReader& in) {
  auto err = in.error();
  for (const auto& f : err.fields) {
    if (f.message == "is taken")
      return problem(domain::Error{domain::ErrorCode::conflict, f.field + " is taken", err.fields, 0});
  }
  return problem(err);
}

}  // namespace ims::api
