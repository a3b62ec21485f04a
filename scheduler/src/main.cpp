// ims-scheduler: one leader at a time through a PostgreSQL advisory lock held on its own session;
// a standby takes over when the leader's session ends. Every IMS_SCHEDULER_TICK_MS the leader plans
// new jobs, runs the due ones (once per slot) and the manual runs admins queued (jobs.hpp).
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <set>

#include <pqxx/pqxx>

#include "ims/infra/config.hpp"
#include "ims/infra/log.hpp"
#include "ims/infra/metrics.hpp"
#include "ims/infra/pg.hpp"
#include "ims/infra/process.hpp"
#include "ims/infra/schedule_store.hpp"
#include "ims/scheduler/jobs.hpp"
#include "ims/scheduler/pg_scheduler_db.hpp"

namespace {

using namespace ims;

constexpr long long leader_lock_key = 0x494d53'534348;  // "IMSSCH"; advisory locks are per database
constexpr int max_runs_per_tick = 20;                   // then the next tick goes on

class RunMetrics {
 public:
  explicit RunMetrics(infra::Metrics& metrics)
      : runs_(prometheus::BuildCounter()
                  .Name("ims_scheduler_runs_total")
                  .Help("Job runs by schedule (the job's name) and outcome (succeeded, failed)")
                  .Register(metrics.registry())),
        last_success_(prometheus::BuildGauge()
                          .Name("ims_scheduler_last_success_timestamp_seconds")
                          .Help("When each job last finished successfully (seconds since the epoch)")
                          .Register(metrics.registry())) {}

  void observe(const scheduler::RunReport& r) {
    if (r.skipped) return;
    runs_.Add({{"schedule", r.job}, {"outcome", std::string(domain::to_string(r.outcome))}}).Increment();
    if (r.outcome == domain::RunOutcome::succeeded)
      last_success_.Add({{"schedule", r.job}}).SetToCurrentTime();
  }
  // A new leader starts from what the database remembers.
  void load_last_successes(pqxx::connection& session) {
    pqxx::work txn(session);
    for (const auto& [job, at] : infra::schedules::last_successes(txn))
      last_success_.Add({{"schedule", job}}).Set(at);
    txn.commit();
  }

 private:
  prometheus::Family<prometheus::Counter>& runs_;
  prometheus::Family<prometheus::Gauge>& last_success_;
};

void log_run(const infra::Log& log, const scheduler::RunReport& r) {
  if (r.skipped) return;
  const infra::LogFields fields{{"job", r.job},
                                {"trigger", std::string(domain::to_string(r.trigger))},
                                {"run_id", r.run_id ? std::to_string(*r.run_id) : ""},
                                {"detail", r.detail.dump()}};
  if (r.outcome == domain::RunOutcome::succeeded) {
    log.info("job run succeeded", fields);
  } else {
    log.warn("job run failed", fields);
  }
}

// One tick of the leader: plan, then the due jobs, then the manual runs.
void tick(scheduler::SchedulerDb& db, const scheduler::JobSettings& settings, RunMetrics& metrics,
          const infra::Log& log, std::set<std::string>& reported_unplannable) {
  for (const auto& plan : scheduler::plan_unplanned_jobs(db)) {
    if (plan.problem && reported_unplannable.insert(plan.job).second) {
      log.error("job cannot be planned; fix its cron", {{"job", plan.job}, {"problem", *plan.problem}});
    }
  }
  for (int i = 0; i < max_runs_per_tick; ++i) {
    auto report = scheduler::run_next_due_job(db, settings);
    if (!report) break;
    metrics.observe(*report);
    log_run(log, *report);
  }
  for (int i = 0; i < max_runs_per_tick; ++i) {
    auto report = scheduler::run_next_manual_run(db, settings);
    if (!report) break;
    metrics.observe(*report);
    log_run(log, *report);
  }
}

bool time_zone_is_known(pqxx::connection& session, const std::string& zone) {
  pqxx::work txn(session);
  const bool known = infra::schedules::is_known_time_zone(txn, zone);
  txn.commit();
  return known;
}

// One scheduler leads at a time: the one holding the session-level advisory lock.
bool try_to_lead(pqxx::connection& session) {
  pqxx::nontransaction q(session);
  const bool got =
      q.exec("SELECT pg_try_advisory_lock(" + std::to_string(leader_lock_key) + ")")[0][0].as<bool>();
  q.commit();
  return got;
}

}  // namespace

int main() {
  auto config = infra::load_config(infra::process_env());
  if (!config) {
    std::cerr << "ims-scheduler: " << config.error().message << "\n";
    for (const auto& f : config.error().fields) std::cerr << "  " << f.field << ": " << f.message << "\n";
    return 2;
  }
  infra::StopSignal stop;
  auto log = infra::Log::create("ims-scheduler", config->log_level);
  infra::Metrics metrics("ims-scheduler");
  auto& leader = prometheus::BuildGauge()
                     .Name("ims_scheduler_leader")
                     .Help("1 while this scheduler holds the leader lock")
                     .Register(metrics.registry())
                     .Add({});
  RunMetrics run_metrics(metrics);
  std::unique_ptr<infra::MetricsEndpoint> endpoint;
  if (config->metrics_port > 0)
    endpoint = std::make_unique<infra::MetricsEndpoint>(metrics, config->http_host, config->metrics_port);

  const scheduler::JobSettings settings{config->outbox_retention_hours};
  std::unique_ptr<pqxx::connection> session;
  bool is_leader = false;
  bool zone_checked = false;
  std::set<std::string> reported_unplannable;
  while (!stop.received()) {
    try {
      if (!session || !session->is_open()) {
        is_leader = false;
        session = std::make_unique<pqxx::connection>(infra::with_connect_timeout(config->database_url, 3));
        if (!zone_checked && !time_zone_is_known(*session, config->timezone)) {
          log.error("IMS_TIMEZONE is not a time zone PostgreSQL knows", {{"timezone", config->timezone}});
          std::cerr << "ims-scheduler: IMS_TIMEZONE: '" << config->timezone
                    << "' is not a time zone PostgreSQL knows\n";
          return 2;
        }
        zone_checked = true;
      }
      const bool was_leader = is_leader;
      is_leader = is_leader || try_to_lead(*session);
      if (is_leader && !was_leader) {
        log.info("became leader", {{"timezone", config->timezone}});
        run_metrics.load_last_successes(*session);
      }
      leader.Set(is_leader ? 1 : 0);
      if (is_leader) {
        scheduler::PgSchedulerDb db(*session, config->timezone);
        tick(db, settings, run_metrics, log, reported_unplannable);
      }
    } catch (const std::exception& e) {
      if (is_leader) log.warn("lost leadership", {{"error", e.what()}});
      session.reset();
      is_leader = false;
    }
    leader.Set(is_leader ? 1 : 0);
    stop.wait_for(std::chrono::milliseconds(config->scheduler_tick_ms));
  }
  log.info("stopped");
  return 0;
}
