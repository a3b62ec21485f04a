// Cron parsing and next-run computation (issue 10), in civil minutes.
#include <gtest/gtest.h>

#include <bitset>
#include <chrono>
#include <cstdio>
#include <optional>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "ims/domain/cron.hpp"

namespace ims::domain {
void PrintTo(const CivilMinute& t, std::ostream* os) {
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d %02d:%02d", t.year, t.month, t.day, t.hour, t.minute);
  *os << text;
}
}  // namespace ims::domain

using namespace ims::domain;

namespace {

CronSchedule cron(const std::string& text) {
  auto r = parse_cron(text);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().fields.at(0).message);
  return r.ok() ? r.value() : CronSchedule{};
}

CivilMinute at(int y, int mo, int d, int h, int mi) {
  return {y, mo, d, h, mi};
}

// The successive runs after `from`.
std::vector<CivilMinute> runs(const std::string& text, CivilMinute from, int count) {
  const auto s = cron(text);
  std::vector<CivilMinute> out;
  for (int i = 0; i < count; ++i) {
    auto next = next_after(s, from);
    if (!next) break;
    out.push_back(*next);
    from = *next;
  }
  return out;
}

CivilMinute plus_minute(CivilMinute t) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (t.year % 4 == 0 && t.year % 100 != 0) || t.year % 400 == 0;
  const int month_days = t.month == 2 && leap ? 29 : days[t.month - 1];
  if (++t.minute < 60) return t;
  t.minute = 0;
  if (++t.hour < 24) return t;
  t.hour = 0;
  if (++t.day <= month_days) return t;
  t.day = 1;
  if (++t.month <= 12) return t;
  t.month = 1;
  ++t.year;
  return t;
}

}  // namespace

// --- parsing ---

TEST(Cron, RefusesEveryKindOfBadInputNamingThePart) {
  struct Case {
    std::string text;
    std::string message;
  };
  const std::string huge = "99999999999999999999";
  const std::vector<Case> cases{
      {"", "expected 5 fields, got 0"},
      {" \t ", "expected 5 fields, got 0"},
      {"* * * *", "expected 5 fields, got 4"},
      {"0 * * * * *", "expected 5 fields, got 6"},
      {"@daily", "expected 5 fields, got 1"},
      {"60 * * * *", "minute 60 is out of range 0-59"},
      {"* 24 * * *", "hour 24 is out of range 0-23"},
      {"* * 0 * *", "day of month 0 is out of range 1-31"},
      {"* * 32 * *", "day of month 32 is out of range 1-31"},
      {"* * * 0 *", "month 0 is out of range 1-12"},
      {"* * * 13 *", "month 13 is out of range 1-12"},
      {"* * * * 8", "day of week 8 is out of range 0-7"},
      {"0-60 * * * *", "minute 60 is out of range 0-59"},
      {huge + " * * * *", "minute " + huge + " is out of range 0-59"},
      {"* * * 1-" + huge + " *", "month " + huge + " is out of range 1-12"},
      {"*/0 * * * *", "minute step must be at least 1"},
      {"* 1-5/0 * * *", "hour step must be at least 1"},
      {"*/60 * * * *", "minute step 60 is out of range 1-59"},
      {"* * * * */" + huge, "day of week step " + huge + " is out of range 1-7"},
      {"*/ * * * *", "minute step is missing"},
      {"*/x * * * *", "minute step 'x' is not a number"},
      {"*/-1 * * * *", "minute step '-1' is not a number"},
      {"*/5/2 * * * *", "minute item '*/5/2' has more than one step"},
      {"30-10 * * * *", "minute range 30-10 is reversed"},
      {"* * * 12-1 *", "month range 12-1 is reversed"},
      {"1,,2 * * * *", "minute has an empty list item"},
      {",1 * * * *", "minute has an empty list item"},
      {"* 1, * * *", "hour has an empty list item"},
      {"abc * * * *", "minute item 'abc' is not a number, a range or *"},
      {"-5 * * * *", "minute item '-5' is not a number, a range or *"},
      {"5- * * * *", "minute item '5-' is not a number, a range or *"},
      {"1-2-3 * * * *", "minute item '1-2-3' is not a number, a range or *"},
      {"+5 * * * *", "minute item '+5' is not a number, a range or *"},
      {"1.5 * * * *", "minute item '1.5' is not a number, a range or *"},
      {"** * * * *", "minute item '**' is not a number, a range or *"},
      {"0 0 * JAN *", "month item 'JAN' is not a number, a range or *"},
      {"0 0 * * MON", "day of week item 'MON' is not a number, a range or *"},
      {"* * * * *\n", "day of week item '*\n' is not a number, a range or *"},
      {"0" + std::string(200, ' ') + "* * * *", "is longer than 200 characters"},
  };
  for (const auto& c : cases) {
    auto r = parse_cron(c.text);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.error().code, ErrorCode::validation) << c.text;
    ASSERT_EQ(r.error().fields.size(), 1u) << c.text;
    EXPECT_EQ(r.error().fields[0], (FieldError{"cron", c.message})) << c.text;
  }
}

TEST(Cron, AcceptsTwoHundredCharactersAndRefusesTwoHundredAndOne) {
  std::string minutes = "0";
  for (int i = 0; i < 95; ++i) minutes += ",0";
  const std::string text = minutes + " * * * * ";  // 191 + 9
  ASSERT_EQ(text.size(), 200u);
  EXPECT_TRUE(parse_cron(text).ok());
  EXPECT_FALSE(parse_cron(text + " ").ok());
}

TEST(Cron, NeverThrowsOnGarbage) {
  const std::string alphabet = "0123456789*/-, \tx7";
  std::mt19937 random(10);
  for (int i = 0; i < 5000; ++i) {
    std::string text(random() % 40, ' ');
    for (auto& c : text) c = alphabet[random() % alphabet.size()];
    EXPECT_NO_THROW({
      auto r = parse_cron(text);
      if (r.ok()) {
        const auto from = at(2026, 3, 1, 0, 0);
        const auto next = next_after(*r, from);
        if (next) {
          EXPECT_TRUE(*next > from && matches(*r, *next)) << text;
        }
      } else {
        EXPECT_EQ(r.error().fields.at(0).field, "cron") << text;
      }
    }) << text;
  }
}

TEST(Cron, ToleratesExtraSpacesAndTabs) {
  EXPECT_EQ(cron("  */5\t*  * *\t* "), cron("*/5 * * * *"));
}

TEST(Cron, StepsOnRangesStartAtTheRangeStart) {
  const auto s = cron("10-50/20 * * * *");
  EXPECT_EQ(s.minutes, std::bitset<60>().set(10).set(30).set(50));
}

TEST(Cron, ANumberWithAStepRunsToTheFieldsEnd) {
  EXPECT_EQ(cron("5/20 * * * *").minutes, std::bitset<60>().set(5).set(25).set(45));
  EXPECT_EQ(cron("0 0 * * 1/2").days_of_week, std::bitset<7>().set(1).set(3).set(5));  // 7 is not reached
}

TEST(Cron, DayOfWeekSevenIsSunday) {
  EXPECT_EQ(cron("0 0 * * 7"), cron("0 0 * * 0"));
  EXPECT_EQ(cron("0 0 * * 5-7").days_of_week, std::bitset<7>().set(0).set(5).set(6));
  EXPECT_EQ(next_after(cron("0 0 * * 7"), at(2026, 3, 13, 12, 0)), at(2026, 3, 15, 0, 0));  // Fri → Sun
}

TEST(Cron, OnlyALiteralStarLeavesADayFieldUnrestricted) {
  EXPECT_TRUE(cron("* * * * *").any_day_of_month);
  EXPECT_TRUE(cron("* * * * *").any_day_of_week);
  EXPECT_FALSE(cron("0 0 13 * 5").any_day_of_month);
  EXPECT_FALSE(cron("0 0 13 * 5").any_day_of_week);
  EXPECT_FALSE(cron("0 0 */2 * *").any_day_of_month);
  EXPECT_FALSE(cron("0 0 * * 0-6").any_day_of_week);
}

// --- calendar ---

TEST(Cron, DayOfWeekFollowsTheGregorianCalendar) {
  EXPECT_EQ(day_of_week(1970, 1, 1), 4);
  EXPECT_EQ(day_of_week(2000, 2, 29), 2);
  EXPECT_EQ(day_of_week(2026, 3, 13), 5);
  EXPECT_EQ(day_of_week(2028, 2, 29), 2);
  EXPECT_EQ(day_of_week(1, 1, 1), 1);
  EXPECT_EQ(day_of_week(9999, 12, 31), 5);
}

TEST(Cron, FebruaryTwentyNinthExistsOnlyInLeapYears) {
  EXPECT_TRUE(is_valid(at(2028, 2, 29, 0, 0)));
  EXPECT_TRUE(is_valid(at(2000, 2, 29, 0, 0)));
  EXPECT_FALSE(is_valid(at(2026, 2, 29, 0, 0)));
  EXPECT_FALSE(is_valid(at(2100, 2, 29, 0, 0)));
  EXPECT_FALSE(is_valid(at(2026, 4, 31, 0, 0)));
  EXPECT_FALSE(is_valid(at(2026, 1, 1, 24, 0)));
  EXPECT_FALSE(is_valid(at(2026, 1, 1, 0, 60)));
}

// --- matching and next runs ---

TEST(Cron, WeekdayMorningsMatchOnlyOnWeekdaysAtNine) {
  const auto s = cron("0 9 * * 1-5");
  EXPECT_TRUE(matches(s, at(2026, 3, 16, 9, 0)));   // Monday
  EXPECT_FALSE(matches(s, at(2026, 3, 14, 9, 0)));  // Saturday
  EXPECT_FALSE(matches(s, at(2026, 3, 16, 9, 1)));
  EXPECT_FALSE(matches(s, at(2026, 2, 30, 9, 0)));  // no such day
}

TEST(Cron, NextRunIsTheFirstMatchingMinuteStrictlyAfter) {
  struct Case {
    const char* cron;
    CivilMinute after;
    CivilMinute expected;
  };
  const std::vector<Case> cases{
      // every five minutes fires on the five, never again in the same slot
      {"*/5 * * * *", at(2026, 3, 10, 10, 2), at(2026, 3, 10, 10, 5)},
      {"*/5 * * * *", at(2026, 3, 10, 10, 5), at(2026, 3, 10, 10, 10)},
      {"*/5 * * * *", at(2026, 3, 10, 10, 57), at(2026, 3, 10, 11, 0)},
      {"*/5 * * * *", at(2026, 12, 31, 23, 58), at(2027, 1, 1, 0, 0)},
      // daily at 00:05
      {"5 0 * * *", at(2026, 3, 10, 0, 4), at(2026, 3, 10, 0, 5)},
      {"5 0 * * *", at(2026, 3, 10, 0, 5), at(2026, 3, 11, 0, 5)},
      {"5 0 * * *", at(2026, 2, 28, 12, 0), at(2026, 3, 1, 0, 5)},
      {"5 0 * * *", at(2028, 2, 28, 12, 0), at(2028, 2, 29, 0, 5)},
      // hourly
      {"0 * * * *", at(2026, 3, 10, 10, 0), at(2026, 3, 10, 11, 0)},
      {"0 * * * *", at(2026, 1, 31, 23, 30), at(2026, 2, 1, 0, 0)},
      // every minute
      {"* * * * *", at(2026, 3, 10, 10, 0), at(2026, 3, 10, 10, 1)},
      {"* * * * *", at(2026, 12, 31, 23, 59), at(2027, 1, 1, 0, 0)},
      // weekdays at nine, across a weekend
      {"0 9 * * 1-5", at(2026, 3, 13, 8, 59), at(2026, 3, 13, 9, 0)},
      {"0 9 * * 1-5", at(2026, 3, 13, 9, 0), at(2026, 3, 16, 9, 0)},
      // monthly, across the year end
      {"0 0 1 * *", at(2026, 12, 15, 10, 0), at(2027, 1, 1, 0, 0)},
      {"0 0 1 * *", at(2026, 12, 1, 0, 0), at(2027, 1, 1, 0, 0)},
      // February 29th: the next leap year; 2000 was one (divisible by 400)
      {"0 0 29 2 *", at(2026, 3, 1, 0, 0), at(2028, 2, 29, 0, 0)},
      {"0 0 29 2 *", at(1999, 3, 1, 0, 0), at(2000, 2, 29, 0, 0)},
      {"0 0 31 * *", at(2026, 4, 1, 0, 0), at(2026, 5, 31, 0, 0)},  // April has no 31st
  };
  for (const auto& c : cases) {
    EXPECT_EQ(next_after(cron(c.cron), c.after), c.expected) << c.cron;
  }
}

TEST(Cron, ADayThatNeverComesHasNoNextRun) {
  EXPECT_EQ(next_after(cron("0 0 30 2 *"), at(2026, 3, 1, 0, 0)), std::nullopt);
  EXPECT_EQ(next_after(cron("0 0 31 4,6,9,11 *"), at(2026, 3, 1, 0, 0)), std::nullopt);
  // 2100 is no leap year and 2104 is more than five years away
  EXPECT_EQ(next_after(cron("0 0 29 2 *"), at(2096, 3, 1, 0, 0)), std::nullopt);
}

TEST(Cron, AnInvalidStartHasNoNextRun) {
  EXPECT_EQ(next_after(cron("* * * * *"), at(2026, 2, 30, 0, 0)), std::nullopt);
  EXPECT_EQ(next_after(cron("* * * * *"), at(2026, 1, 1, 0, 60)), std::nullopt);
}

TEST(Cron, BothDayFieldsRestrictedMatchTheThirteenthOrAnyFriday) {
  EXPECT_EQ(runs("0 0 13 * 5", at(2026, 3, 1, 0, 0), 8),
            (std::vector<CivilMinute>{at(2026, 3, 6, 0, 0), at(2026, 3, 13, 0, 0), at(2026, 3, 20, 0, 0),
                                      at(2026, 3, 27, 0, 0), at(2026, 4, 3, 0, 0), at(2026, 4, 10, 0, 0),
                                      at(2026, 4, 13, 0, 0),  // a Monday
                                      at(2026, 4, 17, 0, 0)}));
}

TEST(Cron, ListsAndRangesCombine) {
  EXPECT_EQ(runs("0,30 8-10 * * *", at(2026, 3, 10, 0, 0), 7),
            (std::vector<CivilMinute>{at(2026, 3, 10, 8, 0), at(2026, 3, 10, 8, 30), at(2026, 3, 10, 9, 0),
                                      at(2026, 3, 10, 9, 30), at(2026, 3, 10, 10, 0), at(2026, 3, 10, 10, 30),
                                      at(2026, 3, 11, 8, 0)}));
}

TEST(Cron, RangeStepsFireAtTenThirtyAndFifty) {
  EXPECT_EQ(runs("10-50/20 * * * *", at(2026, 3, 10, 10, 0), 4),
            (std::vector<CivilMinute>{at(2026, 3, 10, 10, 10), at(2026, 3, 10, 10, 30),
                                      at(2026, 3, 10, 10, 50), at(2026, 3, 10, 11, 10)}));
}

// Every start minute over four days around a leap day and a month end, against a minute-by-minute scan.
TEST(Cron, NextRunAgreesWithAMinuteByMinuteScan) {
  const int window = 4 * 24 * 60;
  for (const char* text : {"*/5 * * * *", "5 0 * * *", "0 * * * *", "* * * * *", "0 9 * * 1-5", "0 0 1 * *",
                           "0 0 29 2 *", "0 0 13 * 5", "0,30 8-10 * * *", "10-50/20 * * * *", "59 23 * * 2",
                           "0 0 1,29 * 0", "*/7 1-3 28-31 2,3 *"}) {
    const auto s = cron(text);
    std::vector<CivilMinute> minutes{at(2028, 2, 27, 0, 0)};
    while (static_cast<int>(minutes.size()) < window) minutes.push_back(plus_minute(minutes.back()));
    std::optional<CivilMinute> expected;  // the next match after minutes[i], scanning backwards
    for (int i = window - 1; i > 0; --i) {
      if (matches(s, minutes[i])) expected = minutes[i];
      if (expected) {
        EXPECT_EQ(next_after(s, minutes[i - 1]), expected) << text;
      }
    }
  }
}

TEST(Cron, AFruitlessSearchStaysFast) {
  const auto s = cron("0 0 30 2 *");
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 100; ++i) EXPECT_EQ(next_after(s, at(2026, 1, 1, 0, 0)), std::nullopt);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(1));
}
