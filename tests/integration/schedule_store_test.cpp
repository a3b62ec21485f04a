// infra/schedule_store against the test stack's PostgreSQL. Each test works on a job of its own in
// a transaction it never commits, so the stack's own scheduler never sees any of it.
#include <gtest/gtest.h>

#include <cstdlib>

#include "ims/infra/schedule_store.hpp"

using namespace ims;
namespace store = ims::infra::schedules;

namespace {

std::string database_url() {
  const char* url = std::getenv("IMS_DATABASE_URL");
  return url ? url : "postgresql://ims:ims@127.0.0.1:26432/ims";
}

constexpr const char* job = "store-test";

struct Rollback {
  pqxx::connection conn{database_url()};
  pqxx::work txn{conn};  // destroyed without commit: rolled back
  Rollback() {
    txn.exec(std::string("INSERT INTO scheduler.jobs (name, cron, command) VALUES ('") + job +
             "', '0 * * * *', 'prune')");
  }
};

}  // namespace

TEST(ScheduleStore, KnowsTheZonesPostgresKnows) {
  Rollback db;
  EXPECT_TRUE(store::is_known_time_zone(db.txn, "UTC"));
  EXPECT_TRUE(store::is_known_time_zone(db.txn, "Asia/Kolkata"));
  EXPECT_FALSE(store::is_known_time_zone(db.txn, "Mars/Olympus_Mons"));
}

TEST(ScheduleStore, CivilMinutesRoundTripThroughTheZone) {
  Rollback db;
  const auto kolkata = store::current_minute(db.txn, "Asia/Kolkata");
  const auto utc = store::current_minute(db.txn, "UTC");
  EXPECT_TRUE(domain::is_valid(kolkata));
  EXPECT_NE(kolkata, utc);  // UTC+05:30 is never the same wall clock
  store::set_next_run(db.txn, job, domain::CivilMinute{2030, 1, 1, 0, 0}, "Asia/Kolkata");
  EXPECT_EQ(store::find(db.txn, job)->next_run_at, "2029-12-31T18:30:00.000Z");
  store::set_next_run(db.txn, job, std::nullopt, "Asia/Kolkata");
  EXPECT_FALSE(store::find(db.txn, job)->next_run_at);
}

TEST(ScheduleStore, AtTheFallBackTheRepeatedHourIsPlannedAtItsFirstPass) {
  Rollback db;
  // New York falls back on 2027-11-07: 01:30 happens at 05:30 UTC (EDT) and again at 06:30 (EST).
  store::set_next_run(db.txn, job, domain::CivilMinute{2027, 11, 7, 1, 30}, "America/New_York");
  EXPECT_EQ(store::find(db.txn, job)->next_run_at, "2027-11-07T05:30:00.000Z");
  // A minute that exists once is unaffected; one in the spring-forward gap becomes the next one.
  store::set_next_run(db.txn, job, domain::CivilMinute{2027, 11, 7, 3, 0}, "America/New_York");
  EXPECT_EQ(store::find(db.txn, job)->next_run_at, "2027-11-07T08:00:00.000Z");
  store::set_next_run(db.txn, job, domain::CivilMinute{2027, 3, 14, 2, 30}, "America/New_York");
  EXPECT_EQ(store::find(db.txn, job)->next_run_at, "2027-03-14T07:30:00.000Z");
}

TEST(ScheduleStore, ASlotHasOneRun) {
  Rollback db;
  const std::string slot = "2030-01-01T00:00:00.000Z";
  auto first = store::insert_scheduled_run(db.txn, job, slot);
  ASSERT_TRUE(first);
  EXPECT_FALSE(store::insert_scheduled_run(db.txn, job, slot));
  store::insert_failed_scheduled_run(db.txn, job, slot, {{"error", "late"}});  // no second row either
  auto run = store::find_run(db.txn, *first);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->slot, slot);
  EXPECT_EQ(run->outcome, domain::RunOutcome::running);
  store::finish_run(db.txn, *first, domain::RunOutcome::succeeded, {{"outbox", 0}});
  run = store::find_run(db.txn, *first);
  EXPECT_EQ(run->outcome, domain::RunOutcome::succeeded);
  EXPECT_TRUE(run->finished_at);
  EXPECT_EQ(run->detail["outbox"], 0);
}

TEST(ScheduleStore, OneManualRunWaitsPerJob) {
  Rollback db;
  ASSERT_TRUE(store::find(db.txn, job, true));
  auto a = store::queue_manual_run(db.txn, job, std::nullopt);
  auto b = store::queue_manual_run(db.txn, job, std::nullopt);
  EXPECT_TRUE(a.created);
  EXPECT_FALSE(b.created);
  EXPECT_EQ(a.run.id, b.run.id);
  EXPECT_EQ(a.run.trigger, domain::RunTrigger::manual);
  EXPECT_EQ(a.run.outcome, domain::RunOutcome::queued);
  store::start_run(db.txn, a.run.id);  // once it runs, another may be queued
  EXPECT_TRUE(store::queue_manual_run(db.txn, job, std::nullopt).created);
}

TEST(ScheduleStore, SetScheduleBumpsTheVersionButBookkeepingDoesNot) {
  Rollback db;
  const auto before = store::find(db.txn, job, true);
  ASSERT_TRUE(before);
  store::set_schedule(db.txn, job, "5 1 * * *", false, std::nullopt, "UTC", std::nullopt);
  auto after = store::find(db.txn, job);
  EXPECT_EQ(after->version, before->version + 1);
  EXPECT_EQ(after->cron, "5 1 * * *");
  EXPECT_FALSE(after->enabled);
  store::record_outcome(db.txn, job, domain::RunOutcome::failed);
  after = store::find(db.txn, job);
  EXPECT_EQ(after->version, before->version + 1);
  EXPECT_EQ(after->last_outcome, domain::RunOutcome::failed);
  EXPECT_TRUE(after->last_run_at);
}

TEST(ScheduleStore, PruneDeletesOnlyWhatIsPastRetention) {
  Rollback db;
  db.txn.exec(
      "INSERT INTO messaging.inbox (consumer, message_id, processed_at) VALUES"
      " ('prune-test', 'old', now() - interval '100 hours'), ('prune-test', 'new', now())");
  db.txn.exec(
      "INSERT INTO scheduler.job_runs (job_name, trigger, requested_at, started_at, finished_at, outcome) "
      "VALUES"
      " ('store-test', 'manual', now() - interval '40 days', now() - interval '40 days', now() - interval "
      "'40 days', 'succeeded')");
  const auto counts = store::prune(db.txn, {72, 24, 30});
  EXPECT_GE(counts.inbox, 1);
  EXPECT_GE(counts.job_runs, 1);
  EXPECT_EQ(db.txn.exec("SELECT message_id FROM messaging.inbox WHERE consumer = 'prune-test'")[0][0]
                .as<std::string>(),
            "new");
}
