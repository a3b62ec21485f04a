// The scheduler's use cases over a hand-written fake of its database: once per slot, once after
// downtime, failures rolled back and recorded apart, manual runs, what each job publishes.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "ims/scheduler/jobs.hpp"

using namespace ims;
using namespace ims::scheduler;
using domain::CivilMinute;
using domain::RunOutcome;
using domain::RunTrigger;
using nlohmann::json;

namespace {

// Instants as the store renders them (the fake's zone is UTC); they order as text.
std::string at(const CivilMinute& t) {
  char s[40];
  std::snprintf(s, sizeof s, "%04d-%02d-%02dT%02d:%02d:00.000Z", t.year, t.month, t.day, t.hour, t.minute);
  return s;
}

struct Event {
  std::string type;
  json data;
  std::string correlation_id;
  std::optional<std::int64_t> actor_id;
};

struct State {
  CivilMinute now{2026, 3, 14, 10, 7};
  std::map<std::string, infra::JobRecord> jobs;
  std::vector<infra::JobRunRecord> runs;
  std::vector<Event> outbox;
  std::vector<infra::requests::ExpiredRequest> overdue_requests;
  std::vector<infra::PruneLimits> prunes;
  std::int64_t next_run_id = 1;
};

class FakeTxn : public SchedulerTxn {
 public:
  FakeTxn(State& s, bool fail_publish) : s_(s), fail_publish_(fail_publish) {}

  CivilMinute current_minute() override { return s_.now; }
  std::optional<infra::JobRecord> lock_next_due() override {
    std::optional<infra::JobRecord> best;
    for (const auto& [name, j] : s_.jobs) {
      if (j.enabled && j.next_run_at && *j.next_run_at <= at(s_.now) &&
          (!best || *j.next_run_at < *best->next_run_at))
        best = j;
    }
    return best;
  }
  std::vector<infra::JobRecord> lock_unplanned() override {
    std::vector<infra::JobRecord> out;
    for (const auto& [name, j] : s_.jobs) {
      if (j.enabled && !j.next_run_at) out.push_back(j);
    }
    return out;
  }
  std::optional<infra::JobRecord> lock_job(const std::string& name) override {
    auto it = s_.jobs.find(name);
    if (it == s_.jobs.end()) return std::nullopt;
    return it->second;
  }
  std::optional<infra::JobRunRecord> lock_next_queued_manual() override {
    for (const auto& r : s_.runs) {
      if (r.trigger == RunTrigger::manual && r.outcome == RunOutcome::queued) return r;
    }
    return std::nullopt;
  }
  std::optional<infra::JobRunRecord> lock_run(std::int64_t id) override {
    for (const auto& r : s_.runs) {
      if (r.id == id) return r;
    }
    return std::nullopt;
  }
  std::optional<std::int64_t> insert_scheduled_run(const std::string& job, const std::string& slot) override {
    for (const auto& r : s_.runs) {
      if (r.job_name == job && r.slot == slot) return std::nullopt;
    }
    infra::JobRunRecord r;
    r.id = s_.next_run_id++;
    r.job_name = job;
    r.slot = slot;
    r.trigger = RunTrigger::schedule;
    r.outcome = RunOutcome::running;
    r.started_at = at(s_.now);
    s_.runs.push_back(r);
    return r.id;
  }
  void insert_failed_scheduled_run(const std::string& job, const std::string& slot,
                                   const json& detail) override {
    if (auto id = insert_scheduled_run(job, slot)) finish_run(*id, RunOutcome::failed, detail);
  }
  void start_run(std::int64_t id) override {
    run(id).outcome = RunOutcome::running;
    run(id).started_at = at(s_.now);
  }
  void finish_run(std::int64_t id, RunOutcome outcome, const json& detail) override {
    run(id).outcome = outcome;
    run(id).detail = detail;
    run(id).finished_at = at(s_.now);
  }
  void record_outcome(const std::string& job, RunOutcome outcome) override {
    s_.jobs.at(job).last_outcome = outcome;
    s_.jobs.at(job).last_run_at = at(s_.now);
  }
  void set_next_run(const std::string& job, const std::optional<CivilMinute>& next) override {
    s_.jobs.at(job).next_run_at = next ? std::optional(at(*next)) : std::nullopt;
  }
  std::string publish(const std::string& type, const json& data, const std::string& correlation_id,
                      std::optional<std::int64_t> actor_id) override {
    if (fail_publish_) throw std::runtime_error("outbox unavailable");
    s_.outbox.push_back({type, data, correlation_id, actor_id});
    return "event-" + std::to_string(s_.outbox.size());
  }
  std::vector<infra::requests::ExpiredRequest> expire_requests() override {
    auto out = s_.overdue_requests;
    s_.overdue_requests.clear();
    return out;
  }
  infra::PruneCounts prune(const infra::PruneLimits& limits) override {
    s_.prunes.push_back(limits);
    return {3, 2, 1, 0, {41, 42}};
  }

 private:
  infra::JobRunRecord& run(std::int64_t id) {
    for (auto& r : s_.runs) {
      if (r.id == id) return r;
    }
    throw std::logic_error("no such run");
  }
  State& s_;
  bool fail_publish_;
};

// Transactions over a copy of the state: kept when fn returns, dropped when it throws.
class FakeDb : public SchedulerDb {
 public:
  State state;
  int publish_failures = 0;  // this many transactions fail at their first publish
  int transactions = 0;

  void transact(const std::function<void(SchedulerTxn&)>& fn) override {
    ++transactions;
    State copy = state;
    FakeTxn txn(copy, publish_failures > 0);
    if (publish_failures > 0) --publish_failures;
    fn(txn);
    state = std::move(copy);
  }

  infra::JobRecord& add_job(const std::string& name, const std::string& cron, domain::JobCommand command,
                            std::optional<CivilMinute> next, bool enabled = true) {
    infra::JobRecord j;
    j.name = name;
    j.cron = cron;
    j.command = command;
    j.enabled = enabled;
    if (next) j.next_run_at = at(*next);
    return state.jobs[name] = j;
  }
  std::int64_t queue_manual(const std::string& job, std::int64_t by) {
    infra::JobRunRecord r;
    r.id = state.next_run_id++;
    r.job_name = job;
    r.trigger = RunTrigger::manual;
    r.requested_by = by;
    state.runs.push_back(r);
    return r.id;
  }
};

const JobSettings settings{48};

}  // namespace

TEST(Scheduler, ADueJobRunsOnceForItsSlotAndPlansTheNextFromNow) {
  FakeDb db;
  db.state.now = {2026, 3, 14, 10, 5};
  db.add_job("inventory-check", "*/5 * * * *", domain::JobCommand::inventory_check,
             CivilMinute{2026, 3, 14, 10, 5});
  auto report = run_next_due_job(db, settings);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->outcome, RunOutcome::succeeded);
  EXPECT_FALSE(report->skipped);
  ASSERT_EQ(db.state.runs.size(), 1u);
  const auto& run = db.state.runs[0];
  EXPECT_EQ(run.slot, at({2026, 3, 14, 10, 5}));
  EXPECT_EQ(run.trigger, RunTrigger::schedule);
  EXPECT_EQ(run.outcome, RunOutcome::succeeded);
  ASSERT_EQ(db.state.outbox.size(), 1u);
  EXPECT_EQ(db.state.outbox[0].type, "inventory.check.requested");
  EXPECT_EQ(db.state.outbox[0].data, (json{{"run_id", run.id}, {"job", "inventory-check"}}));
  EXPECT_EQ(db.state.outbox[0].correlation_id, "job-run-" + std::to_string(run.id));
  EXPECT_FALSE(db.state.outbox[0].actor_id);
  EXPECT_EQ(run.detail["event_id"], "event-1");
  const auto& job = db.state.jobs.at("inventory-check");
  EXPECT_EQ(job.next_run_at, at({2026, 3, 14, 10, 10}));
  EXPECT_EQ(job.last_outcome, RunOutcome::succeeded);
  // The same minute again: nothing is due.
  EXPECT_FALSE(run_next_due_job(db, settings));
  EXPECT_EQ(db.state.runs.size(), 1u);
}

TEST(Scheduler, AfterDowntimeAnOverdueJobRunsOnceNotOncePerMissedSlot) {
  FakeDb db;
  db.state.now = {2026, 3, 14, 11, 7};
  db.add_job("inventory-check", "*/5 * * * *", domain::JobCommand::inventory_check,
             CivilMinute{2026, 3, 14, 10, 5});
  int runs = 0;
  while (auto r = run_next_due_job(db, settings)) runs += !r->skipped;
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(db.state.runs.size(), 1u);
  EXPECT_EQ(db.state.runs[0].slot, at({2026, 3, 14, 10, 5}));
  EXPECT_EQ(db.state.jobs.at("inventory-check").next_run_at, at({2026, 3, 14, 11, 10}));
}

TEST(Scheduler, ASlotThatHasARunAlreadyDoesNothingMoreButMovesOn) {
  FakeDb db;
  db.state.now = {2026, 3, 14, 10, 5};
  db.add_job("inventory-check", "*/5 * * * *", domain::JobCommand::inventory_check,
             CivilMinute{2026, 3, 14, 10, 5});
  db.transact([](SchedulerTxn& txn) {
    txn.insert_scheduled_run("inventory-check", at({2026, 3, 14, 10, 5}));
  });
  auto report = run_next_due_job(db, settings);
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->skipped);
  EXPECT_EQ(db.state.runs.size(), 1u);
  EXPECT_TRUE(db.state.outbox.empty());
  EXPECT_EQ(db.state.jobs.at("inventory-check").next_run_at, at({2026, 3, 14, 10, 10}));
}

TEST(Scheduler, AFailedJobIsRolledBackAndItsFailureRecordedApart) {
  FakeDb db;
  db.state.now = {2026, 3, 14, 10, 5};
  db.add_job("inventory-check", "*/5 * * * *", domain::JobCommand::inventory_check,
             CivilMinute{2026, 3, 14, 10, 5});
  db.publish_failures = 1;
  auto report = run_next_due_job(db, settings);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->outcome, RunOutcome::failed);
  EXPECT_FALSE(report->skipped);
  EXPECT_EQ(db.transactions, 2);
  EXPECT_TRUE(db.state.outbox.empty());
  ASSERT_EQ(db.state.runs.size(), 1u);
  EXPECT_EQ(db.state.runs[0].outcome, RunOutcome::failed);
  EXPECT_EQ(db.state.runs[0].slot, at({2026, 3, 14, 10, 5}));
  EXPECT_EQ(db.state.runs[0].detail["error"], "outbox unavailable");
  const auto& job = db.state.jobs.at("inventory-check");
  EXPECT_EQ(job.last_outcome, RunOutcome::failed);
  EXPECT_EQ(job.next_run_at, at({2026, 3, 14, 10, 10}));  // the slot is spent; the next one comes as usual
}

TEST(Scheduler, ACronThatNoLongerParsesFailsTheRunAndLeavesTheJobUnplanned) {
  FakeDb db;
  db.add_job("prune", "61 * * * *", domain::JobCommand::prune, CivilMinute{2026, 3, 14, 10, 0});
  auto report = run_next_due_job(db, settings);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->outcome, RunOutcome::failed);
  EXPECT_FALSE(db.state.jobs.at("prune").next_run_at);
  EXPECT_TRUE(db.state.prunes.empty());
  auto plans = plan_unplanned_jobs(db);
  ASSERT_EQ(plans.size(), 1u);
  EXPECT_TRUE(plans[0].problem);
  EXPECT_FALSE(run_next_due_job(db, settings));
}

TEST(Scheduler, DisabledJobsDoNotRunOnSchedule) {
  FakeDb db;
  db.add_job("inventory-check", "*/5 * * * *", domain::JobCommand::inventory_check,
             CivilMinute{2026, 3, 14, 10, 0}, false);
  EXPECT_FALSE(run_next_due_job(db, settings));
  EXPECT_TRUE(db.state.runs.empty());
}

TEST(Scheduler, PlanningGivesNewJobsTheirNextSlotWithoutRunningThem) {
  FakeDb db;
  db.add_job("daily-sales-report", "5 0 * * *", domain::JobCommand::daily_sales_report, std::nullopt);
  db.add_job("off", "* * * * *", domain::JobCommand::prune, std::nullopt, false);
  auto plans = plan_unplanned_jobs(db);
  ASSERT_EQ(plans.size(), 1u);
  EXPECT_EQ(plans[0].job, "daily-sales-report");
  EXPECT_FALSE(plans[0].problem);
  EXPECT_EQ(db.state.jobs.at("daily-sales-report").next_run_at, at({2026, 3, 15, 0, 5}));
  EXPECT_FALSE(db.state.jobs.at("off").next_run_at);
  EXPECT_TRUE(db.state.runs.empty());
  EXPECT_TRUE(plan_unplanned_jobs(db).empty());
}

TEST(Scheduler, AManualRunRunsEvenADisabledJobAndLeavesItsScheduleAlone) {
  FakeDb db;
  db.add_job("inventory-check", "*/5 * * * *", domain::JobCommand::inventory_check, std::nullopt, false);
  const auto id = db.queue_manual("inventory-check", 7);
  auto report = run_next_manual_run(db, settings);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->trigger, RunTrigger::manual);
  EXPECT_EQ(report->outcome, RunOutcome::succeeded);
  EXPECT_EQ(report->run_id, id);
  EXPECT_EQ(db.state.runs[0].outcome, RunOutcome::succeeded);
  ASSERT_EQ(db.state.outbox.size(), 1u);
  EXPECT_EQ(db.state.outbox[0].actor_id, 7);
  EXPECT_EQ(db.state.outbox[0].data["run_id"], id);
  const auto& job = db.state.jobs.at("inventory-check");
  EXPECT_FALSE(job.next_run_at);
  EXPECT_EQ(job.last_outcome, RunOutcome::succeeded);
  EXPECT_FALSE(run_next_manual_run(db, settings));
}

TEST(Scheduler, AFailedManualRunIsMarkedFailedWithTheReason) {
  FakeDb db;
  db.add_job("inventory-check", "*/5 * * * *", domain::JobCommand::inventory_check,
             CivilMinute{2026, 3, 14, 10, 10});
  db.queue_manual("inventory-check", 7);
  db.publish_failures = 1;
  auto report = run_next_manual_run(db, settings);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->outcome, RunOutcome::failed);
  EXPECT_EQ(db.state.runs[0].outcome, RunOutcome::failed);
  EXPECT_EQ(db.state.runs[0].detail["error"], "outbox unavailable");
  EXPECT_TRUE(db.state.runs[0].finished_at);
  EXPECT_EQ(db.state.jobs.at("inventory-check").next_run_at, at({2026, 3, 14, 10, 10}));
  EXPECT_FALSE(run_next_manual_run(db, settings));
}

TEST(Scheduler, TheDailySalesReportAsksForYesterdayInTheSchedulersZone) {
  FakeDb db;
  db.state.now = {2026, 3, 1, 0, 5};
  auto& job = db.add_job("daily-sales-report", "5 0 * * *", domain::JobCommand::daily_sales_report,
                         CivilMinute{2026, 3, 1, 0, 5});
  job.params = {{"format", "csv"}};
  ASSERT_TRUE(run_next_due_job(db, settings));
  ASSERT_EQ(db.state.outbox.size(), 1u);
  const auto& e = db.state.outbox[0];
  EXPECT_EQ(e.type, "report.requested");
  EXPECT_EQ(e.data, (json{{"type", "daily_sales"},
                          {"format", "csv"},
                          {"params", {{"from", "2026-02-28"}, {"to", "2026-02-28"}}},
                          {"run_id", db.state.runs[0].id},
                          {"requested_by", nullptr}}));
}

TEST(Scheduler, ExpireRequestsPublishesOneRequestExpiredPerRequest) {
  FakeDb db;
  db.add_job("expire-requests", "* * * * *", domain::JobCommand::expire_requests,
             CivilMinute{2026, 3, 14, 10, 7});
  db.state.overdue_requests = {{11, "RQ-000011", "transfer", 5, 1, 2},
                               {12, "RQ-000012", "adjustment", 6, 3, std::nullopt}};
  auto report = run_next_due_job(db, settings);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->detail["expired"], 2);
  ASSERT_EQ(db.state.outbox.size(), 2u);
  EXPECT_EQ(db.state.outbox[0].type, "request.expired");
  EXPECT_EQ(db.state.outbox[0].data, (json{{"request_id", 11},
                                           {"number", "RQ-000011"},
                                           {"action", "transfer"},
                                           {"status", "expired"},
                                           {"product_id", 5},
                                           {"from_location_id", 1},
                                           {"to_location_id", 2}}));
  EXPECT_TRUE(db.state.outbox[1].data["to_location_id"].is_null());
}

TEST(Scheduler, PruneKeepsWhatTheRetentionSettingsSay) {
  FakeDb db;
  auto& job = db.add_job("prune", "0 * * * *", domain::JobCommand::prune, CivilMinute{2026, 3, 14, 10, 0});
  job.params = {{"idempotency_key_hours", 24}, {"job_run_days", 30}};
  auto report = run_next_due_job(db, settings);
  ASSERT_TRUE(report);
  ASSERT_EQ(db.state.prunes.size(), 1u);
  EXPECT_EQ(db.state.prunes[0].outbox_hours, 48);
  EXPECT_EQ(db.state.prunes[0].idempotency_key_hours, 24);
  EXPECT_EQ(db.state.prunes[0].job_run_days, 30);
  EXPECT_EQ(db.state.prunes[0].signup_days, 7);
  EXPECT_EQ(
      report->detail,
      (json{
          {"outbox", 3}, {"inbox", 2}, {"idempotency_keys", 1}, {"job_runs", 0}, {"abandoned_signups", 2}}));
  // Each removed sign-up is announced, so the admins' alert about it closes.
  std::vector<json> expired;
  for (const auto& e : db.state.outbox) {
    if (e.type == "account.expired") expired.push_back(e.data["user_id"]);
  }
  EXPECT_EQ(expired, (std::vector<json>{41, 42}));
}

TEST(Scheduler, PruneRefusesParamsThatWouldDeleteEverything) {
  FakeDb db;
  auto& job = db.add_job("prune", "0 * * * *", domain::JobCommand::prune, CivilMinute{2026, 3, 14, 10, 0});
  job.params = {{"job_run_days", 0}};
  auto report = run_next_due_job(db, settings);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->outcome, RunOutcome::failed);
  EXPECT_TRUE(db.state.prunes.empty());
}
