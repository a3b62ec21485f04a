#include "ims/domain/cron.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <string>
#include <vector>

namespace ims::domain {
namespace {

constexpr std::size_t max_cron_length = 200;
constexpr int horizon_years = 5;

struct FieldSpec {
  const char* name;
  int min;
  int max;       // the largest value the text may name
  int full_max;  // where "*" and "N/S" end (day of week: 6, since 7 is Sunday again)
};

constexpr std::array<FieldSpec, 5> field_specs{{
    {"minute", 0, 59, 59},
    {"hour", 0, 23, 23},
    {"day of month", 1, 31, 31},
    {"month", 1, 12, 12},
    {"day of week", 0, 7, 6},
}};

using Values = std::bitset<64>;  // bit v: value v is in the field

struct Range {
  int lo = 0;
  int hi = 0;
  bool single = false;  // a bare N, which a step stretches to the field's end
};

Error cron_error(std::string message) {
  return Error::validation({{"cron", std::move(message)}});
}

Error field_error(const FieldSpec& f, std::string_view rest) {
  return cron_error(std::string(f.name) + " " + std::string(rest));
}

std::string range_text(int lo, int hi) {
  return std::to_string(lo) + "-" + std::to_string(hi);
}

std::string quoted(std::string_view s) {
  return "'" + std::string(s) + "'";
}

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

std::vector<std::string_view> split_fields(std::string_view text) {
  std::vector<std::string_view> fields;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_blank(text[i])) ++i;
    const std::size_t start = i;
    while (i < text.size() && !is_blank(text[i])) ++i;
    if (i > start) fields.push_back(text.substr(start, i - start));
  }
  return fields;
}

// Digits only. Saturates, so a huge number stays out of range instead of overflowing.
std::optional<long long> to_number(std::string_view s) {
  if (s.empty()) return std::nullopt;
  long long v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = std::min<long long>(v * 10 + (c - '0'), 1'000'000);
  }
  return v;
}

Result<Range> parse_range(const FieldSpec& f, std::string_view base, std::string_view item) {
  if (base == "*") return Range{f.min, f.full_max, false};
  const auto dash = base.find('-');
  const auto first = base.substr(0, dash);
  const auto second = dash == std::string_view::npos ? first : base.substr(dash + 1);
  const auto a = to_number(first);
  const auto b = to_number(second);
  if (!a || !b) return field_error(f, "item " + quoted(item) + " is not a number, a range or *");
  for (auto [n, text] : {std::pair{*a, first}, std::pair{*b, second}}) {
    if (n < f.min || n > f.max) {
      return field_error(f, std::string(text) + " is out of range " + range_text(f.min, f.max));
    }
  }
  if (*a > *b) return field_error(f, "range " + std::string(base) + " is reversed");
  return Range{static_cast<int>(*a), static_cast<int>(*b), dash == std::string_view::npos};
}

Result<int> parse_step(const FieldSpec& f, std::string_view text) {
  if (text.empty()) return field_error(f, "step is missing");
  const auto step = to_number(text);
  if (!step) return field_error(f, "step " + quoted(text) + " is not a number");
  if (*step < 1) return field_error(f, "step must be at least 1");
  if (*step > f.max) {
    return field_error(f, "step " + std::string(text) + " is out of range " + range_text(1, f.max));
  }
  return static_cast<int>(*step);
}

// One list item: *, N or A-B, optionally followed by /S.
Status parse_item(const FieldSpec& f, std::string_view item, Values& out) {
  const auto slash = item.find('/');
  const auto base = item.substr(0, slash);
  auto range = parse_range(f, base, item);
  if (!range) return range.error();
  int step = 1;
  if (slash != std::string_view::npos) {
    const auto step_text = item.substr(slash + 1);
    if (step_text.find('/') != std::string_view::npos) {
      return field_error(f, "item " + quoted(item) + " has more than one step");
    }
    auto parsed = parse_step(f, step_text);
    if (!parsed) return parsed.error();
    step = *parsed;
    if (range->single) range->hi = f.full_max;
  }
  for (int v = range->lo; v <= range->hi; v += step) out.set(static_cast<std::size_t>(v));
  return ok_status();
}

Result<Values> parse_field(const FieldSpec& f, std::string_view text) {
  Values values;
  std::size_t start = 0;
  while (true) {
    const auto comma = text.find(',', start);
    const auto item = text.substr(start, comma == std::string_view::npos ? comma : comma - start);
    if (item.empty()) return field_error(f, "has an empty list item");
    if (auto s = parse_item(f, item, values); !s) return s.error();
    if (comma == std::string_view::npos) return values;
    start = comma + 1;
  }
}

template <std::size_t N>
std::bitset<N> take(const Values& values) {
  std::bitset<N> out;
  for (std::size_t i = 0; i < N; ++i) out[i] = values[i];
  return out;
}

// The first set bit at or after `from`.
template <std::size_t N>
std::optional<int> first_from(const std::bitset<N>& bits, int from) {
  for (auto i = static_cast<std::size_t>(from); i < N; ++i) {
    if (bits[i]) return static_cast<int>(i);
  }
  return std::nullopt;
}

bool is_leap(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int days_in_month(int year, int month) {
  static constexpr std::array<int, 12> days{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : days[static_cast<std::size_t>(month - 1)];
}

// Howard Hinnant's days_from_civil: days since 1970-01-01.
long long days_from_civil(int y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const long long yoe = y - era * 400;
  const long long doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool day_matches(const CronSchedule& s, int year, int month, int day) {
  const bool dom = s.days_of_month[static_cast<std::size_t>(day)];
  const bool dow = s.days_of_week[static_cast<std::size_t>(day_of_week(year, month, day))];
  if (s.any_day_of_month) return dow;
  if (s.any_day_of_week) return dom;
  return dom || dow;
}

void next_month(CivilMinute& t) {
  t = {t.month == 12 ? t.year + 1 : t.year, t.month == 12 ? 1 : t.month + 1, 1, 0, 0};
}

void next_day(CivilMinute& t) {
  if (t.day == days_in_month(t.year, t.month)) return next_month(t);
  t = {t.year, t.month, t.day + 1, 0, 0};
}

void next_hour(CivilMinute& t) {
  if (t.hour == 23) return next_day(t);
  t = {t.year, t.month, t.day, t.hour + 1, 0};
}

}  // namespace

Result<CronSchedule> parse_cron(std::string_view text) {
  if (text.size() > max_cron_length) {
    return cron_error("is longer than " + std::to_string(max_cron_length) + " characters");
  }
  const auto fields = split_fields(text);
  if (fields.size() != field_specs.size()) {
    return cron_error("expected 5 fields, got " + std::to_string(fields.size()));
  }
  std::array<Values, 5> values;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    auto parsed = parse_field(field_specs[i], fields[i]);
    if (!parsed) return parsed.error();
    values[i] = *parsed;
  }
  CronSchedule s;
  s.minutes = take<60>(values[0]);
  s.hours = take<24>(values[1]);
  s.days_of_month = take<32>(values[2]);
  s.months = take<13>(values[3]);
  s.days_of_week = take<7>(values[4]);
  if (values[4][7]) s.days_of_week.set(0);  // 7 is Sunday too
  s.any_day_of_month = fields[2] == "*";
  s.any_day_of_week = fields[4] == "*";
  return s;
}

bool is_valid(const CivilMinute& t) {
  return t.year >= 1 && t.year <= 9999 && t.month >= 1 && t.month <= 12 && t.day >= 1 &&
         t.day <= days_in_month(t.year, t.month) && t.hour >= 0 && t.hour <= 23 && t.minute >= 0 &&
         t.minute <= 59;
}

int day_of_week(int year, int month, int day) {
  const long long days = days_from_civil(year, month, day);
  return static_cast<int>(((days % 7) + 7 + 4) % 7);  // 1970-01-01 was a Thursday
}

bool matches(const CronSchedule& s, const CivilMinute& t) {
  if (!is_valid(t)) return false;
  return s.minutes[static_cast<std::size_t>(t.minute)] && s.hours[static_cast<std::size_t>(t.hour)] &&
         s.months[static_cast<std::size_t>(t.month)] && day_matches(s, t.year, t.month, t.day);
}

// Skips whole months, days and hours that cannot match, so even a search that finds nothing takes
// a few thousand steps at most.
std::optional<CivilMinute> next_after(const CronSchedule& s, CivilMinute after) {
  if (!is_valid(after)) return std::nullopt;
  CivilMinute limit = after;
  limit.year += horizon_years;
  CivilMinute t = after;
  if (t.minute == 59) {
    next_hour(t);
  } else {
    ++t.minute;
  }
  while (t <= limit) {
    if (!s.months[static_cast<std::size_t>(t.month)]) {
      next_month(t);
    } else if (!day_matches(s, t.year, t.month, t.day)) {
      next_day(t);
    } else if (const auto hour = first_from(s.hours, t.hour); !hour) {
      next_day(t);
    } else if (*hour != t.hour) {
      t = {t.year, t.month, t.day, *hour, 0};
    } else if (const auto minute = first_from(s.minutes, t.minute); !minute) {
      next_hour(t);
    } else {
      t.minute = *minute;
      if (t <= limit) return t;
      return std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace ims::domain
