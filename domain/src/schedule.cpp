#include "ims/domain/schedule.hpp"

#include <array>
#include <cstdio>
#include <utility>

#include "enum_names.hpp"

namespace ims::domain {
namespace {

constexpr std::array<std::pair<JobCommand, std::string_view>, 4> command_names{{
    {JobCommand::inventory_check, "inventory_check"},
    {JobCommand::daily_sales_report, "daily_sales_report"},
    {JobCommand::expire_requests, "expire_requests"},
    {JobCommand::prune, "prune"},
}};
constexpr std::array<std::pair<RunTrigger, std::string_view>, 2> trigger_names{{
    {RunTrigger::schedule, "schedule"},
    {RunTrigger::manual, "manual"},
}};
constexpr std::array<std::pair<RunOutcome, std::string_view>, 4> outcome_names{{
    {RunOutcome::queued, "queued"},
    {RunOutcome::running, "running"},
    {RunOutcome::succeeded, "succeeded"},
    {RunOutcome::failed, "failed"},
}};

bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

}  // namespace

std::string_view to_string(JobCommand c) {
  return detail::name_of(command_names, c, "unknown");
}
std::string_view to_string(RunTrigger t) {
  return detail::name_of(trigger_names, t, "unknown");
}
std::string_view to_string(RunOutcome o) {
  return detail::name_of(outcome_names, o, "unknown");
}
std::optional<JobCommand> parse_job_command(std::string_view text) {
  return detail::parse_name(command_names, text);
}
std::optional<RunTrigger> parse_run_trigger(std::string_view text) {
  return detail::parse_name(trigger_names, text);
}
std::optional<RunOutcome> parse_run_outcome(std::string_view text) {
  return detail::parse_name(outcome_names, text);
}

Result<RunOutcome> transition(RunOutcome from, RunOutcome to) {
  const bool allowed =
      (from == RunOutcome::queued && (to == RunOutcome::running || to == RunOutcome::failed)) ||
      (from == RunOutcome::running && is_finished(to));
  if (allowed) return to;
  return Error::of(ErrorCode::conflict, "a job run cannot go from " + std::string(to_string(from)) + " to " +
                                            std::string(to_string(to)));
}

bool is_finished(RunOutcome o) {
  return o == RunOutcome::succeeded || o == RunOutcome::failed;
}

bool is_job_name(std::string_view text) {
  if (text.size() < 2 || text.size() > 64 || !(text.front() >= 'a' && text.front() <= 'z') ||
      text.back() == '-') {
    return false;
  }
  char previous = 0;
  for (char c : text) {
    if (c == '-' ? previous == '-' : !is_lower_alnum(c)) return false;
    previous = c;
  }
  return true;
}

Result<std::optional<CivilMinute>> next_run(std::string_view cron, bool enabled, CivilMinute now) {
  auto schedule = parse_cron(cron);
  if (!schedule) return schedule.error();
  auto next = next_after(*schedule, now);
  if (!next) return Error::validation({{"cron", "matches no minute within five years"}});
  if (!enabled) return std::optional<CivilMinute>{};
  return next;
}

std::string previous_day(const CivilMinute& t) {
  int year = t.year, month = t.month, day = t.day - 1;
  if (day < 1) {
    if (--month < 1) {
      month = 12;
      --year;
    }
    static constexpr std::array<int, 12> days{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    day = days[static_cast<std::size_t>(month - 1)] + (month == 2 && leap ? 1 : 0);
  }
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", year, month, day);
  return text;
}

std::string to_timestamp_text(const CivilMinute& t) {
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d %02d:%02d:00", t.year, t.month, t.day, t.hour, t.minute);
  return text;
}

}  // namespace ims::domain
