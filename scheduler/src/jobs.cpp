#include "ims/scheduler/jobs.hpp"

#include <stdexcept>

namespace ims::scheduler {
namespace {

using domain::RunOutcome;
using domain::RunTrigger;
using nlohmann::json;

std::string describe(const domain::Error& error) {
  std::string why = error.message;
  for (const auto& f : error.fields) why += "; " + f.field + ": " + f.message;
  return why;
}

// A refusal of the domain inside a run is a failure of that run.
template <typename T>
T require(domain::Result<T> result) {
  if (!result) throw std::runtime_error(describe(result.error()));
  return std::move(result).value();
}

std::string correlation_of(std::int64_t run_id) {
  return "job-run-" + std::to_string(run_id);
}

json expire_requests(SchedulerTxn& txn, const std::string& correlation,
                     std::optional<std::int64_t> actor_id) {
  const auto expired = txn.expire_requests();
  for (const auto& r : expired) {
    txn.publish("request.expired",
                {{"request_id", r.id},
                 {"number", r.number},
                 {"action", r.action},
                 {"status", "expired"},
                 {"product_id", r.product_id},
                 {"from_location_id", r.from_location_id},
                 {"to_location_id", r.to_location_id ? json(*r.to_location_id) : json(nullptr)}},
                correlation, actor_id);
  }
  return {{"expired", expired.size()}};
}

json prune(SchedulerTxn& txn, const json& params, const JobSettings& settings, const std::string& correlation,
           std::optional<std::int64_t> actor_id) {
  infra::PruneLimits limits;
  limits.outbox_hours = settings.outbox_retention_hours;
  limits.idempotency_key_hours = params.value("idempotency_key_hours", limits.idempotency_key_hours);
  limits.job_run_days = params.value("job_run_days", limits.job_run_days);
  limits.signup_days = params.value("signup_days", limits.signup_days);
  if (limits.idempotency_key_hours < 1 || limits.job_run_days < 1 || limits.signup_days < 1) {
    throw std::runtime_error("prune: idempotency_key_hours, job_run_days and signup_days must be at least 1");
  }
  const auto c = txn.prune(limits);
  // The admins' account.pending alert of each closes.
  for (auto id : c.abandoned_signups)
    txn.publish("account.expired", {{"user_id", id}}, correlation, actor_id);
  return {{"outbox", c.outbox},
          {"inbox", c.inbox},
          {"idempotency_keys", c.idempotency_keys},
          {"job_runs", c.job_runs},
          {"abandoned_signups", c.abandoned_signups.size()}};
}

RunReport record_scheduled_failure(SchedulerDb& db, const infra::JobRecord& job, const std::string& why) {
  RunReport report{job.name, RunTrigger::schedule, RunOutcome::failed, std::nullopt, {{"error", why}}, true};
  db.transact([&](SchedulerTxn& txn) {
    report.skipped = true;
    auto current = txn.lock_job(job.name);
    // The slot was dealt with meanwhile, or an admin changed the job: nothing of this run remains.
    if (!current || !current->enabled || current->next_run_at != job.next_run_at) return;
    auto next = domain::next_run(current->cron, true, txn.current_minute());
    txn.insert_failed_scheduled_run(job.name, *job.next_run_at, report.detail);
    txn.record_outcome(job.name, RunOutcome::failed);
    // An unusable cron leaves the job without a next run until an admin sets one.
    txn.set_next_run(job.name, next ? *next : std::nullopt);
    report.skipped = false;
  });
  return report;
}

RunReport record_manual_failure(SchedulerDb& db, const infra::JobRunRecord& run, const std::string& why) {
  RunReport report{run.job_name, RunTrigger::manual, RunOutcome::failed, run.id, {{"error", why}}, true};
  db.transact([&](SchedulerTxn& txn) {
    report.skipped = true;
    auto current = txn.lock_run(run.id);
    if (!current || !domain::transition(current->outcome, RunOutcome::failed)) return;
    txn.finish_run(run.id, RunOutcome::failed, report.detail);
    txn.record_outcome(run.job_name, RunOutcome::failed);
    report.skipped = false;
  });
  return report;
}

}  // namespace

json perform(SchedulerTxn& txn, const infra::JobRecord& job, std::int64_t run_id,
             std::optional<std::int64_t> actor_id, domain::CivilMinute now, const JobSettings& settings) {
  const auto correlation = correlation_of(run_id);
  switch (job.command) {
    case domain::JobCommand::inventory_check: {
      const auto id = txn.publish("inventory.check.requested", {{"run_id", run_id}, {"job", job.name}},
                                  correlation, actor_id);
      return {{"event_id", id}};
    }
    case domain::JobCommand::daily_sales_report: {
      const auto day = domain::previous_day(now);
      const json data{{"type", "daily_sales"},
                      {"format", job.params.value("format", std::string("csv"))},
                      {"params", {{"from", day}, {"to", day}}},
                      {"run_id", run_id},
                      {"requested_by", nullptr}};
      return {{"event_id", txn.publish("report.requested", data, correlation, actor_id)},
              {"from", day},
              {"to", day}};
    }
    case domain::JobCommand::expire_requests:
      return expire_requests(txn, correlation, actor_id);
    case domain::JobCommand::prune:
      return prune(txn, job.params, settings, correlation, actor_id);
  }
  throw std::runtime_error("unknown command");
}

std::optional<RunReport> run_next_due_job(SchedulerDb& db, const JobSettings& settings) {
  std::optional<infra::JobRecord> due;
  std::optional<RunReport> report;
  try {
    db.transact([&](SchedulerTxn& txn) {
      report.reset();
      due = txn.lock_next_due();
      if (!due) return;
      const auto now = txn.current_minute();
      const auto next = require(domain::next_run(due->cron, true, now));
      const auto run_id = txn.insert_scheduled_run(due->name, *due->next_run_at);
      txn.set_next_run(due->name, next);
      if (!run_id) {
        report = RunReport{due->name,    RunTrigger::schedule, RunOutcome::succeeded,
                           std::nullopt, json::object(),       true};
        return;
      }
      auto detail = perform(txn, *due, *run_id, std::nullopt, now, settings);
      txn.finish_run(*run_id, require(domain::transition(RunOutcome::running, RunOutcome::succeeded)),
                     detail);
      txn.record_outcome(due->name, RunOutcome::succeeded);
      report = RunReport{due->name, RunTrigger::schedule, RunOutcome::succeeded, run_id, std::move(detail)};
    });
  } catch (const std::exception& e) {
    if (!due) throw;  // nothing was locked: the database itself failed
    return record_scheduled_failure(db, *due, e.what());
  }
  return report;
}

std::optional<RunReport> run_next_manual_run(SchedulerDb& db, const JobSettings& settings) {
  std::optional<infra::JobRunRecord> queued;
  std::optional<RunReport> report;
  try {
    db.transact([&](SchedulerTxn& txn) {
      report.reset();
      queued = txn.lock_next_queued_manual();
      if (!queued) return;
      const auto job = txn.lock_job(queued->job_name);
      if (!job) throw std::runtime_error("the job no longer exists");
      require(domain::transition(queued->outcome, RunOutcome::running));
      txn.start_run(queued->id);
      auto detail = perform(txn, *job, queued->id, queued->requested_by, txn.current_minute(), settings);
      txn.finish_run(queued->id, require(domain::transition(RunOutcome::running, RunOutcome::succeeded)),
                     detail);
      txn.record_outcome(job->name, RunOutcome::succeeded);
      report = RunReport{job->name, RunTrigger::manual, RunOutcome::succeeded, queued->id, std::move(detail)};
    });
  } catch (const std::exception& e) {
    if (!queued) throw;
    return record_manual_failure(db, *queued, e.what());
  }
  return report;
}

std::vector<PlanReport> plan_unplanned_jobs(SchedulerDb& db) {
  std::vector<PlanReport> out;
  db.transact([&](SchedulerTxn& txn) {
    out.clear();
    const auto jobs = txn.lock_unplanned();
    if (jobs.empty()) return;
    const auto now = txn.current_minute();
    for (const auto& job : jobs) {
      auto next = domain::next_run(job.cron, true, now);
      if (next) txn.set_next_run(job.name, *next);
      out.push_back({job.name, next ? std::nullopt : std::optional(describe(next.error()))});
    }
  });
  return out;
}

}  // namespace ims::scheduler
