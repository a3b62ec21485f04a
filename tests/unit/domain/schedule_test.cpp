// The scheduler's rules (issue 10): job names, the run lifecycle, next runs and yesterday.
#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "ims/domain/schedule.hpp"

using namespace ims::domain;

TEST(Schedule, JobNamesAreHyphenatedLowercaseWords) {
  for (const char* good : {"inventory-check", "prune", "daily-sales-report", "a1", "job-2"}) {
    EXPECT_TRUE(is_job_name(good)) << good;
  }
  for (const char* bad : {"", "a", "Inventory", "-prune", "prune-", "two--hyphens", "1st", "has space",
                          "under_score", "dot.ted", "ü-job"}) {
    EXPECT_FALSE(is_job_name(bad)) << bad;
  }
  EXPECT_TRUE(is_job_name(std::string(64, 'a')));
  EXPECT_FALSE(is_job_name(std::string(65, 'a')));
}

TEST(Schedule, NamesRoundTrip) {
  for (auto c : {JobCommand::inventory_check, JobCommand::daily_sales_report, JobCommand::expire_requests,
                 JobCommand::prune}) {
    EXPECT_EQ(parse_job_command(to_string(c)), c);
  }
  for (auto t : {RunTrigger::schedule, RunTrigger::manual}) EXPECT_EQ(parse_run_trigger(to_string(t)), t);
  for (auto o : {RunOutcome::queued, RunOutcome::running, RunOutcome::succeeded, RunOutcome::failed}) {
    EXPECT_EQ(parse_run_outcome(to_string(o)), o);
  }
  EXPECT_FALSE(parse_job_command("rm -rf"));
  EXPECT_FALSE(parse_run_outcome("done"));
}

TEST(Schedule, RunLifecycleTable) {
  using O = RunOutcome;
  const std::vector<std::tuple<O, O, bool>> table{
      {O::queued, O::running, true},     {O::queued, O::failed, true},     {O::queued, O::succeeded, false},
      {O::queued, O::queued, false},     {O::running, O::succeeded, true}, {O::running, O::failed, true},
      {O::running, O::queued, false},    {O::running, O::running, false},  {O::succeeded, O::failed, false},
      {O::succeeded, O::running, false}, {O::failed, O::succeeded, false}, {O::failed, O::queued, false},
  };
  for (const auto& [from, to, allowed] : table) {
    auto r = transition(from, to);
    EXPECT_EQ(r.ok(), allowed) << to_string(from) << " -> " << to_string(to);
    if (r.ok()) {
      EXPECT_EQ(r.value(), to);
    } else {
      EXPECT_EQ(r.error().code, ErrorCode::conflict);
    }
  }
  EXPECT_TRUE(is_finished(O::succeeded));
  EXPECT_TRUE(is_finished(O::failed));
  EXPECT_FALSE(is_finished(O::queued));
  EXPECT_FALSE(is_finished(O::running));
}

TEST(Schedule, NextRunFollowsTheCronFromNow) {
  const CivilMinute now{2026, 3, 14, 10, 7};
  auto every5 = next_run("*/5 * * * *", true, now);
  ASSERT_TRUE(every5.ok());
  EXPECT_EQ(every5.value(), (CivilMinute{2026, 3, 14, 10, 10}));
  auto daily = next_run("5 0 * * *", true, now);
  ASSERT_TRUE(daily.ok());
  EXPECT_EQ(daily.value(), (CivilMinute{2026, 3, 15, 0, 5}));
  // The current minute's own slot has begun: it is not the next one.
  auto same = next_run("7 10 * * *", true, now);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same.value(), (CivilMinute{2026, 3, 15, 10, 7}));
}

TEST(Schedule, ADisabledJobHasNoNextRunButItsCronIsStillChecked) {
  const CivilMinute now{2026, 3, 14, 10, 7};
  auto off = next_run("*/5 * * * *", false, now);
  ASSERT_TRUE(off.ok());
  EXPECT_FALSE(off.value());
  EXPECT_FALSE(next_run("61 * * * *", false, now).ok());
}

TEST(Schedule, ABadOrNeverMatchingCronIsAnErrorOnCron) {
  const CivilMinute now{2026, 3, 14, 10, 7};
  for (const char* bad : {"61 * * * *", "", "* * * *", "0 0 30 2 *", "hello"}) {
    auto r = next_run(bad, true, now);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::validation);
    ASSERT_EQ(r.error().fields.size(), 1u);
    EXPECT_EQ(r.error().fields[0].field, "cron") << bad;
  }
}

TEST(Schedule, PreviousDayCrossesMonthsYearsAndLeapDays) {
  const std::vector<std::pair<CivilMinute, std::string>> table{
      {{2026, 3, 14, 0, 5}, "2026-03-13"},  {{2026, 3, 1, 0, 5}, "2026-02-28"},
      {{2024, 3, 1, 0, 5}, "2024-02-29"},   {{2000, 3, 1, 0, 5}, "2000-02-29"},
      {{1900, 3, 1, 0, 5}, "1900-02-28"},   {{2026, 1, 1, 0, 0}, "2025-12-31"},
      {{2026, 5, 1, 23, 59}, "2026-04-30"}, {{2026, 8, 1, 12, 0}, "2026-07-31"},
  };
  for (const auto& [t, expected] : table) EXPECT_EQ(previous_day(t), expected);
}

TEST(Schedule, TimestampTextIsWhatPostgresReads) {
  EXPECT_EQ(to_timestamp_text({2026, 3, 4, 5, 6}), "2026-03-04 05:06:00");
  EXPECT_EQ(to_timestamp_text({999, 12, 31, 23, 59}), "0999-12-31 23:59:00");
}
