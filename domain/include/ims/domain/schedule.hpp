#pragma once
// The scheduler's rules (issue 10): what a job does, the lifecycle of one run, a job's next slot
// and the calendar day before a given one. Times are civil minutes in IMS_TIMEZONE (see cron.hpp).
#include <optional>
#include <string>
#include <string_view>

#include "ims/domain/cron.hpp"
#include "ims/domain/result.hpp"

namespace ims::domain {

// What a job does when it runs (scheduler.jobs.command).
enum class JobCommand { inventory_check, daily_sales_report, expire_requests, prune };
// Why a run happened: its slot came, or an admin asked.
enum class RunTrigger { schedule, manual };
// job run: queued → running → succeeded | failed; queued → failed (it could not start).
// A scheduled run is created running: nothing waits between its slot and its start.
enum class RunOutcome { queued, running, succeeded, failed };

std::string_view to_string(JobCommand c);
std::string_view to_string(RunTrigger t);
std::string_view to_string(RunOutcome o);
std::optional<JobCommand> parse_job_command(std::string_view text);
std::optional<RunTrigger> parse_run_trigger(std::string_view text);
std::optional<RunOutcome> parse_run_outcome(std::string_view text);

// The outcome after the move, or a conflict naming the illegal move.
Result<RunOutcome> transition(RunOutcome from, RunOutcome to);
bool is_finished(RunOutcome o);

// A job name: lowercase words of letters and digits joined by single hyphens, 2 to 64 characters.
bool is_job_name(std::string_view text);

// When a job with this cron runs next after `now` (the current minute): nullopt when it is
// disabled; a validation error on "cron" when the text does not parse or never matches a minute
// within five years (e.g. "0 0 30 2 *"), so no schedule is accepted that would silently never run.
Result<std::optional<CivilMinute>> next_run(std::string_view cron, bool enabled, CivilMinute now);

// "YYYY-MM-DD" of the day before `t`'s day (for a daily report covering yesterday).
std::string previous_day(const CivilMinute& t);

// "YYYY-MM-DD HH:MM:00", as PostgreSQL reads a timestamp without time zone.
std::string to_timestamp_text(const CivilMinute& t);

}  // namespace ims::domain
