#pragma once
// The scheduler's use cases: run a due job once for its slot, run a queued manual run, plan a job
// that has no next run yet. Each runs in one transaction of a SchedulerDb (PostgreSQL in
// pg_scheduler_db.cpp, a fake in the unit tests); a failed job's transaction rolls back and its
// failure is recorded in a second one. This is the scheduler runner's one translating catch.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ims/domain/cron.hpp"
#include "ims/domain/schedule.hpp"
#include "ims/infra/request_store.hpp"
#include "ims/infra/schedule_store.hpp"

namespace ims::scheduler {

// One transaction's view of the scheduler's tables and of what jobs change (see schedule_store.hpp
// for the meaning of each operation).
class SchedulerTxn {
 public:
  virtual ~SchedulerTxn() = default;
  virtual domain::CivilMinute current_minute() = 0;  // in IMS_TIMEZONE
  virtual std::optional<infra::JobRecord> lock_next_due() = 0;
  virtual std::vector<infra::JobRecord> lock_unplanned() = 0;
  virtual std::optional<infra::JobRecord> lock_job(const std::string& name) = 0;
  virtual std::optional<infra::JobRunRecord> lock_next_queued_manual() = 0;
  virtual std::optional<infra::JobRunRecord> lock_run(std::int64_t id) = 0;
  virtual std::optional<std::int64_t> insert_scheduled_run(const std::string& job,
                                                           const std::string& slot) = 0;
  virtual void insert_failed_scheduled_run(const std::string& job, const std::string& slot,
                                           const nlohmann::json& detail) = 0;
  virtual void start_run(std::int64_t id) = 0;
  virtual void finish_run(std::int64_t id, domain::RunOutcome outcome, const nlohmann::json& detail) = 0;
  virtual void record_outcome(const std::string& job, domain::RunOutcome outcome) = 0;
  virtual void set_next_run(const std::string& job, const std::optional<domain::CivilMinute>& next) = 0;
  // What the jobs do. publish appends to the outbox and returns the event id.
  virtual std::string publish(const std::string& type, const nlohmann::json& data,
                              const std::string& correlation_id, std::optional<std::int64_t> actor_id) = 0;
  virtual std::vector<infra::requests::ExpiredRequest> expire_requests() = 0;
  virtual infra::PruneCounts prune(const infra::PruneLimits& limits) = 0;
};

class SchedulerDb {
 public:
  virtual ~SchedulerDb() = default;
  // Runs fn in one transaction: committed when fn returns, rolled back when it throws.
  virtual void transact(const std::function<void(SchedulerTxn&)>& fn) = 0;
};

struct JobSettings {
  int outbox_retention_hours = 72;  // the prune job's outbox and inbox retention
};

// What one run came to, for logs and metrics.
struct RunReport {
  std::string job;
  domain::RunTrigger trigger = domain::RunTrigger::schedule;
  domain::RunOutcome outcome = domain::RunOutcome::succeeded;
  std::optional<std::int64_t> run_id;
  nlohmann::json detail = nlohmann::json::object();
  bool skipped = false;  // the slot had a run already: nothing was done (and nothing recorded)
};

// The most overdue enabled job runs once for its slot, and its next run is planned from the current
// minute (after downtime: one run, not one per missed slot). nullopt when no job is due.
std::optional<RunReport> run_next_due_job(SchedulerDb& db, const JobSettings& settings);

// The oldest queued manual run (of an enabled or a disabled job); the job's next run stays.
std::optional<RunReport> run_next_manual_run(SchedulerDb& db, const JobSettings& settings);

// Gives every enabled job without a next run (a fresh database) its next slot, without running it.
// A job whose cron is unusable (written by SQL) stays unplanned, with the reason.
struct PlanReport {
  std::string job;
  std::optional<std::string> problem;
};
std::vector<PlanReport> plan_unplanned_jobs(SchedulerDb& db);

// The job's own work inside the run's transaction: its events and changes. Returns the run's
// detail; throws when the job cannot be done.
nlohmann::json perform(SchedulerTxn& txn, const infra::JobRecord& job, std::int64_t run_id,
                       std::optional<std::int64_t> actor_id, domain::CivilMinute now,
                       const JobSettings& settings);

}  // namespace ims::scheduler
