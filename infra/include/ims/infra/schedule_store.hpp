#pragma once
// SQL of the scheduler: scheduler.jobs and scheduler.job_runs, the wall clock of IMS_TIMEZONE (read
// from PostgreSQL: GCC 12's libstdc++ has no chrono time zones) and the prune job's deletions.
// Every function works inside the caller's transaction. Timestamps are ISO 8601 UTC with
// milliseconds; a slot handed back to the store as text is the same instant.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "ims/domain/cron.hpp"
#include "ims/domain/schedule.hpp"

namespace ims::infra {

struct JobRecord {
  std::string name;
  std::string cron;
  bool enabled = true;
  domain::JobCommand command = domain::JobCommand::inventory_check;
  nlohmann::json params = nlohmann::json::object();
  std::optional<std::string> last_run_at;
  std::optional<domain::RunOutcome> last_outcome;  // succeeded | failed
  std::optional<std::string> next_run_at;          // null while disabled
  int version = 1;
  std::string updated_at;
  std::optional<std::int64_t> updated_by;
};

struct JobRunRecord {
  std::int64_t id = 0;
  std::string job_name;
  std::optional<std::string> slot;  // null for a manual run
  domain::RunTrigger trigger = domain::RunTrigger::schedule;
  std::optional<std::int64_t> requested_by;
  std::string requested_at;
  std::optional<std::string> started_at;
  std::optional<std::string> finished_at;
  domain::RunOutcome outcome = domain::RunOutcome::queued;
  nlohmann::json detail = nlohmann::json::object();
};

// What one prune removed.
struct PruneCounts {
  long outbox = 0;
  long inbox = 0;
  long idempotency_keys = 0;
  long job_runs = 0;
  // Sign-ups nobody confirmed, removed: their ids, so the job announces account.expired for each.
  std::vector<std::int64_t> abandoned_signups;
};

struct PruneLimits {
  int outbox_hours = 72;  // published outbox rows, and inbox rows, older than this
  int idempotency_key_hours = 24;
  int job_run_days = 30;  // finished runs
  int signup_days = 7;    // unconfirmed sign-ups this old whose links have all expired
};

namespace schedules {

// --- the clock of IMS_TIMEZONE ---
bool is_known_time_zone(pqxx::work& txn, const std::string& zone);
// The current minute on the wall clock of `zone` (the transaction's now()).
domain::CivilMinute current_minute(pqxx::work& txn, const std::string& zone);

// --- jobs ---
std::vector<JobRecord> list(pqxx::work& txn);  // by name
std::optional<JobRecord> find(pqxx::work& txn, const std::string& name, bool for_update = false);
// An enabled job whose next_run_at has come (the most overdue first), locked; jobs another
// transaction holds are skipped.
std::optional<JobRecord> lock_next_due(pqxx::work& txn);
// The enabled jobs without a next_run_at (new, or re-enabled by SQL), locked.
std::vector<JobRecord> lock_unplanned(pqxx::work& txn);
// An admin's change: cron, enabled and the next run that follows (version + 1).
void set_schedule(pqxx::work& txn, const std::string& name, const std::string& cron, bool enabled,
                  const std::optional<domain::CivilMinute>& next_run, const std::string& zone,
                  std::optional<std::int64_t> updated_by);
// The scheduler's bookkeeping (the version stays: it guards admins' edits, not runs).
void set_next_run(pqxx::work& txn, const std::string& name,
                  const std::optional<domain::CivilMinute>& next_run, const std::string& zone);
void record_outcome(pqxx::work& txn, const std::string& name, domain::RunOutcome outcome);

// --- runs ---
std::vector<JobRunRecord> recent_runs(pqxx::work& txn, const std::string& name, int limit);  // newest first
// A run of the job's slot, running from now; nullopt when that slot has a run already.
std::optional<std::int64_t> insert_scheduled_run(pqxx::work& txn, const std::string& name,
                                                 const std::string& slot);
// A scheduled run that failed, recorded after its own transaction rolled back.
void insert_failed_scheduled_run(pqxx::work& txn, const std::string& name, const std::string& slot,
                                 const nlohmann::json& detail);
// Queues a manual run, or returns the one already queued for the job (created = false).
struct QueuedRun {
  JobRunRecord run;
  bool created = false;
};
QueuedRun queue_manual_run(pqxx::work& txn, const std::string& name,
                           std::optional<std::int64_t> requested_by);
// The oldest queued manual run, locked; runs another transaction holds are skipped.
std::optional<JobRunRecord> lock_next_queued_manual(pqxx::work& txn);
std::optional<JobRunRecord> find_run(pqxx::work& txn, std::int64_t id, bool for_update = false);
void start_run(pqxx::work& txn, std::int64_t id);
void finish_run(pqxx::work& txn, std::int64_t id, domain::RunOutcome outcome, const nlohmann::json& detail);
// job name → seconds since the epoch of its latest successful run.
std::vector<std::pair<std::string, double>> last_successes(pqxx::work& txn);

// --- the prune job ---
PruneCounts prune(pqxx::work& txn, const PruneLimits& limits);

// The public JSON of a job and of a run (responses, audit).
nlohmann::json to_json(const JobRecord& job);
nlohmann::json to_json(const JobRunRecord& run);

}  // namespace schedules
}  // namespace ims::infra
