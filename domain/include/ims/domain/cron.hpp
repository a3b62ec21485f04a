#pragma once
// Cron schedules for the scheduler (issue 10): the standard 5-field form
//   minute(0-59) hour(0-23) day-of-month(1-31) month(1-12) day-of-week(0-7, 0 and 7 are Sunday)
// each field a comma list of *, N, A-B, */S, A-B/S or N/S (N to the field's end, step S).
// No names (JAN, MON), no @-macros, no seconds.
// Times are civil wall-clock minutes with no zone: the caller converts between UTC and IMS_TIMEZONE.
#include <bitset>
#include <compare>
#include <optional>
#include <string_view>

#include "ims/domain/result.hpp"

namespace ims::domain {

struct CronSchedule {
  std::bitset<60> minutes;        // bit m: minute m
  std::bitset<24> hours;          // bit h: hour h
  std::bitset<32> days_of_month;  // bit d: day d (bit 0 unused)
  std::bitset<13> months;         // bit m: month m (bit 0 unused)
  std::bitset<7> days_of_week;    // bit 0: Sunday ... bit 6: Saturday
  // The field was exactly "*". When both day fields are restricted a day matches if EITHER does
  // (Vixie cron); when one is "*" only the other counts. Unlike Vixie, "*/2" counts as restricted.
  bool any_day_of_month = true;
  bool any_day_of_week = true;
  bool operator==(const CronSchedule&) const = default;
};

// A validation error on field "cron" saying which part is wrong, never an exception. Text longer
// than 200 characters is refused. Fields are separated by spaces or tabs.
Result<CronSchedule> parse_cron(std::string_view text);

// A minute on the wall clock (proleptic Gregorian, years 1-9999). Ordered chronologically.
struct CivilMinute {
  int year = 1970;
  int month = 1;
  int day = 1;
  int hour = 0;
  int minute = 0;
  auto operator<=>(const CivilMinute&) const = default;
};

bool is_valid(const CivilMinute& t);

// 0 = Sunday ... 6 = Saturday, for a valid date.
int day_of_week(int year, int month, int day);

bool matches(const CronSchedule& schedule, const CivilMinute& t);  // false for an invalid t

// The first matching minute strictly after `after`, within five years of it; nullopt when there is
// none (e.g. "0 0 30 2 *") or `after` is invalid. Pass the current minute, seconds dropped: its own
// slot has already begun, so it is not returned again.
std::optional<CivilMinute> next_after(const CronSchedule& schedule, CivilMinute after);

}  // namespace ims::domain
