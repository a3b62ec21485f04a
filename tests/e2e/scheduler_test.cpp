// The scheduler (issue 10 §2). Leader election, once-per-slot and downtime run two ims-schedulers
// of the test's own on a private database (the stack's own scheduler keeps the main one); the
// /schedules API is tried against the test stack.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "support/fixtures.hpp"
#include "support/private_api.hpp"

using namespace ims::test;
using nlohmann::json;
using std::chrono::seconds;

namespace {

// A child process with the test's environment plus `settings`; SIGTERM and reaped on destruction.
class Child {
 public:
  Child(const std::string& binary, std::vector<std::string> args,
        const std::map<std::string, std::string>& settings, bool quiet = false)
      : pid_(spawn_with(binary, std::move(args), settings, quiet)) {}
  ~Child() { signal(SIGTERM); }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  bool started() const { return pid_ > 0; }
  void signal(int sig) {
    if (pid_ <= 0) return;
    ::kill(pid_, sig);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  // The exit status once the process has ended within `limit`.
  std::optional<int> exit_status(seconds limit) {
    std::optional<int> status;
    eventually(
        [&] {
          int s = 0;
          if (pid_ > 0 && waitpid(pid_, &s, WNOHANG) == pid_) {
            pid_ = -1;
            status = WIFEXITED(s) ? WEXITSTATUS(s) : 128 + WTERMSIG(s);
          }
          return status.has_value();
        },
        limit);
    return status;
  }

 private:
  pid_t pid_ = -1;
};

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

// The stack's URL with another database name.
std::string with_database(const std::string& url, const std::string& name) {
  const auto host = url.find("://") + 3;
  const auto path = url.find('/', host);
  const auto query = url.find('?', path);
  return url.substr(0, path) + "/" + name + (query == std::string::npos ? "" : url.substr(query));
}

// A fresh database on the test stack's PostgreSQL, migrated by `ims migrate`; dropped at the end.
class PrivateDatabase {
 public:
  PrivateDatabase() : name_("ims_sched_" + unique_suffix()), url_(with_database(database_url(), name_)) {
    admin([&](pqxx::nontransaction& q) { q.exec("CREATE DATABASE " + q.quote_name(name_)); });
    Child migrate(IMS_CLI_BINARY, {"migrate"}, {{"IMS_DATABASE_URL", url_}, {"IMS_LOG_LEVEL", "warn"}}, true);
    migrated_ = migrate.exit_status(seconds(60)) == 0;
  }
  ~PrivateDatabase() {
    try {
      admin([&](pqxx::nontransaction& q) {
        q.exec("DROP DATABASE IF EXISTS " + q.quote_name(name_) + " WITH (FORCE)");
      });
    } catch (const std::exception&) {
      // A leftover test database is harmless; the next stack reset removes it.
    }
  }
  PrivateDatabase(const PrivateDatabase&) = delete;
  PrivateDatabase& operator=(const PrivateDatabase&) = delete;

  bool migrated() const { return migrated_; }
  const std::string& url() const { return url_; }

  template <typename T>
  T one(const std::string& sql) {
    ims::infra::PgSession db(url_);
    return db.transact([&](pqxx::work& txn) { return txn.exec(sql)[0][0].as<T>(); });
  }
  void exec(const std::string& sql) {
    ims::infra::PgSession db(url_);
    db.transact([&](pqxx::work& txn) { txn.exec(sql); });
  }

 private:
  static void admin(const std::function<void(pqxx::nontransaction&)>& fn) {
    pqxx::connection c(database_url());
    pqxx::nontransaction q(c);  // CREATE/DROP DATABASE refuse to run inside a transaction
    fn(q);
  }
  std::string name_;
  std::string url_;
  bool migrated_ = false;
};

// An ims-scheduler on the private database with a /metrics port of its own.
class Scheduler {
 public:
  explicit Scheduler(const PrivateDatabase& db, const std::string& zone = "UTC")
      : port_(free_port()),
        child_(IMS_SCHEDULER_BINARY, {},
               {{"IMS_DATABASE_URL", db.url()},
                {"IMS_METRICS_PORT", std::to_string(port_)},
                {"IMS_SCHEDULER_TICK_MS", "200"},
                {"IMS_TIMEZONE", zone},
                {"IMS_LOG_LEVEL", "warn"}}) {}

  // 1 or 0 from ims_scheduler_leader; nullopt while /metrics does not answer.
  std::optional<int> leader() const {
    auto r = http("GET", "http://127.0.0.1:" + std::to_string(port_) + "/metrics", "", {{}, "", 1000});
    if (r.status != 200) return std::nullopt;
    const std::string key = "\nims_scheduler_leader ";
    const auto at = r.body.find(key);
    if (at == std::string::npos) return std::nullopt;
    return std::stoi(r.body.substr(at + key.size()));
  }
  bool started() const { return child_.started(); }
  void kill_hard() { child_.signal(SIGKILL); }

 private:
  int port_;
  Child child_;
};

// Which of the schedulers leads, once exactly one does (-1 if none within the limit).
int sole_leader(const std::vector<Scheduler*>& schedulers, seconds limit) {
  int found = -1;
  eventually(
      [&] {
        int leaders = 0;
        for (std::size_t i = 0; i < schedulers.size(); ++i) {
          if (schedulers[i]->leader() == 1) {
            ++leaders;
            found = static_cast<int>(i);
          }
        }
        return leaders == 1;
      },
      limit);
  return found;
}

long scheduled_runs(PrivateDatabase& db, const std::string& job) {
  return db.one<long>("SELECT count(*) FROM scheduler.job_runs WHERE trigger = 'schedule' AND job_name = '" +
                      job + "'");
}

// Every scheduled run of the job has a slot of its own, on a whole minute, and succeeded; each
// published exactly one event.
void expect_once_per_slot(PrivateDatabase& db, const std::string& job, const std::string& event_type) {
  const auto where = " FROM scheduler.job_runs WHERE trigger = 'schedule' AND job_name = '" + job + "'";
  EXPECT_EQ(db.one<long>("SELECT count(*)" + where), db.one<long>("SELECT count(DISTINCT slot)" + where));
  EXPECT_EQ(db.one<long>("SELECT count(*)" + where +
                         " AND (outcome <> 'succeeded' OR slot <> date_trunc('minute', slot))"),
            0);
  EXPECT_EQ(db.one<long>("SELECT count(*) FROM messaging.outbox WHERE type = '" + event_type + "'"),
            db.one<long>("SELECT count(*)" + where));
}

std::string schedule(const std::string& name, const std::string& action = "") {
  return "/api/v1/schedules/" + name + (action.empty() ? "" : "/" + action);
}

}  // namespace

TEST(Scheduler, TwoSchedulersFireAJobOncePerSlotAndTheSurvivorTakesOverWithin30s) {
  PrivateDatabase db;
  ASSERT_TRUE(db.migrated());
  // Only inventory-check, every minute, its first slot the current minute.
  db.exec("UPDATE scheduler.jobs SET enabled = (name = 'inventory-check')");
  db.exec(
      "UPDATE scheduler.jobs SET cron = '* * * * *', next_run_at = date_trunc('minute', now()) WHERE name = "
      "'inventory-check'");
  Scheduler a(db), b(db);
  ASSERT_TRUE(a.started() && b.started());
  std::vector<Scheduler*> both{&a, &b};
  const int first = sole_leader(both, seconds(20));
  ASSERT_GE(first, 0) << "exactly one scheduler leads";

  ASSERT_TRUE(eventually([&] { return scheduled_runs(db, "inventory-check") >= 2; }, seconds(90)))
      << "two slots ran";
  expect_once_per_slot(db, "inventory-check", "inventory.check.requested");
  EXPECT_EQ(db.one<long>(
                "SELECT count(*) FROM scheduler.jobs WHERE name = 'inventory-check' AND next_run_at > now()"
                " AND last_outcome = 'succeeded'"),
            1);

  // kill -9 the leader: the other leads within 30 s and the job goes on, still once per slot.
  const auto killed_at = std::chrono::steady_clock::now();
  both[static_cast<std::size_t>(first)]->kill_hard();
  Scheduler& survivor = *both[static_cast<std::size_t>(1 - first)];
  ASSERT_TRUE(eventually([&] { return survivor.leader() == 1; }, seconds(30))) << "no takeover within 30 s";
  EXPECT_LT(std::chrono::steady_clock::now() - killed_at, seconds(30));
  const long before = scheduled_runs(db, "inventory-check");
  ASSERT_TRUE(eventually([&] { return scheduled_runs(db, "inventory-check") > before; }, seconds(90)));
  expect_once_per_slot(db, "inventory-check", "inventory.check.requested");
}

TEST(Scheduler, AfterAnHoursDowntimeAnOverdueJobRunsOnceAndIsPlannedInTheZone) {
  PrivateDatabase db;
  ASSERT_TRUE(db.migrated());
  // Yearly, so its next slot is far off; the slot it missed an hour ago is overdue.
  db.exec("UPDATE scheduler.jobs SET enabled = (name = 'inventory-check')");
  db.exec(
      "UPDATE scheduler.jobs SET cron = '0 0 1 1 *', next_run_at = date_trunc('minute', now()) - interval '1 "
      "hour'"
      " WHERE name = 'inventory-check'");
  const auto missed =
      db.one<std::string>("SELECT next_run_at::text FROM scheduler.jobs WHERE name = 'inventory-check'");
  Scheduler s(db, "Asia/Kolkata");
  ASSERT_TRUE(eventually([&] { return scheduled_runs(db, "inventory-check") >= 1; }, seconds(30)));
  ASSERT_TRUE(eventually([&] { return s.leader() == 1; }, seconds(5)));
  std::this_thread::sleep_for(std::chrono::seconds(1));  // several more ticks: none may run it again
  EXPECT_EQ(scheduled_runs(db, "inventory-check"), 1);
  EXPECT_EQ(
      db.one<std::string>("SELECT slot::text FROM scheduler.job_runs WHERE job_name = 'inventory-check'"),
      missed);
  // Planned from now, in IMS_TIMEZONE: midnight of the next 1 January in Kolkata.
  EXPECT_EQ(db.one<long>(
                "SELECT count(*) FROM scheduler.jobs WHERE name = 'inventory-check' AND next_run_at > now()"),
            1);
  EXPECT_EQ(db.one<std::string>("SELECT to_char(next_run_at AT TIME ZONE 'Asia/Kolkata', 'MM-DD HH24:MI')"
                                " FROM scheduler.jobs WHERE name = 'inventory-check'"),
            "01-01 00:00");
  EXPECT_EQ(db.one<long>("SELECT count(*) FROM messaging.outbox WHERE type = 'inventory.check.requested'"),
            1);
}

TEST(Scheduler, RefusesToStartOnATimeZonePostgresDoesNotKnow) {
  Child s(IMS_SCHEDULER_BINARY, {},
          {{"IMS_TIMEZONE", "Mars/Olympus_Mons"}, {"IMS_METRICS_PORT", "0"}, {"IMS_LOG_LEVEL", "warn"}});
  ASSERT_TRUE(s.started());
  EXPECT_EQ(s.exit_status(seconds(20)), 2);
}

TEST(Schedules, AnInvalidCronIs422NamingCron) {
  const auto admin = token_for("admin");
  const auto before = api("GET", schedule("inventory-check"), "", as(admin)).json();
  auto r = api("PUT", schedule("inventory-check"), json{{"cron", "61 * * * *"}, {"enabled", true}}.dump(),
               as(admin));
  ASSERT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  ASSERT_FALSE(r.json()["errors"].empty());
  EXPECT_EQ(r.json()["errors"][0]["field"], "cron");
  EXPECT_EQ(api("GET", schedule("inventory-check"), "", as(admin)).json()["version"], before["version"]);
  for (const auto& bad : {json{{"cron", "0 0 30 2 *"}, {"enabled", true}}, json{{"enabled", true}},
                          json{{"cron", 5}, {"enabled", true}}, json{{"cron", "* * * * *"}},
                          json{{"cron", "* * * * *"}, {"enabled", "yes"}}}) {
    EXPECT_EQ(api("PUT", schedule("inventory-check"), bad.dump(), as(admin)).status, 422) << bad.dump();
  }
}

TEST(Schedules, AreForAdminsOnly) {
  const json body{{"cron", "*/5 * * * *"}, {"enabled", true}};
  for (const char* who : {"manufacturer", "cfa", "stockist", "retailer"}) {
    const auto t = token_for(who);
    EXPECT_EQ(api("GET", "/api/v1/schedules", "", as(t)).status, 403) << who;
    EXPECT_EQ(api("GET", schedule("prune"), "", as(t)).status, 403) << who;
    EXPECT_EQ(api("PUT", schedule("prune"), body.dump(), as(t)).status, 403) << who;
    EXPECT_EQ(api("POST", schedule("prune", "run"), "", as(t)).status, 403) << who;
  }
  EXPECT_EQ(api("GET", "/api/v1/schedules").status, 401);
  EXPECT_EQ(api("POST", schedule("prune", "run")).status, 401);
}

TEST(Schedules, AnAdminReadsAndChangesASchedule) {
  const auto admin = token_for("admin");
  auto list = api("GET", "/api/v1/schedules", "", as(admin));
  ASSERT_EQ(list.status, 200) << list.body;
  const auto items = list.json()["items"];
  std::vector<std::string> names;
  for (const auto& j : items) names.push_back(j["name"]);
  for (const char* seeded : {"daily-sales-report", "expire-requests", "inventory-check", "prune"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), seeded), names.end()) << seeded;
  }
  auto one = api("GET", schedule("daily-sales-report"), "", as(admin));
  ASSERT_EQ(one.status, 200) << one.body;
  const auto job = one.json();
  EXPECT_EQ(job["command"], "daily_sales_report");
  EXPECT_TRUE(job["runs"].is_array());
  EXPECT_LE(job["runs"].size(), 20u);
  EXPECT_EQ(one.header("etag"), "\"" + std::to_string(job["version"].get<int>()) + "\"");

  // Set, with the version read; then a stale If-Match is 412; disabled has no next run.
  const auto version = job["version"].get<int>();
  const auto cron = job["cron"].get<std::string>();
  auto set =
      api("PUT", schedule("daily-sales-report"), json{{"cron", "5 0 * * 1-5"}, {"enabled", true}}.dump(),
          {{bearer(admin), "If-Match: \"" + std::to_string(version) + "\""}});
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(set.json()["version"], version + 1);
  EXPECT_EQ(set.json()["cron"], "5 0 * * 1-5");
  EXPECT_TRUE(set.json()["next_run_at"].is_string());
  EXPECT_EQ(
      query_one<long>(
          "SELECT count(*) FROM scheduler.jobs WHERE name = 'daily-sales-report' AND next_run_at > now()"),
      1);
  EXPECT_EQ(
      query_one<long>(
          "SELECT count(*) FROM audit.log WHERE entity = 'schedule' AND entity_id = 'daily-sales-report'"
          " AND request_id = '" +
          set.header("x-request-id") + "'"),
      1);
  auto stale = api("PUT", schedule("daily-sales-report"), json{{"cron", cron}, {"enabled", true}}.dump(),
                   {{bearer(admin), "If-Match: \"" + std::to_string(version) + "\""}});
  EXPECT_EQ(stale.status, 412) << stale.body;
  auto off =
      api("PUT", schedule("daily-sales-report"), json{{"cron", cron}, {"enabled", false}}.dump(), as(admin));
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_TRUE(off.json()["next_run_at"].is_null());
  auto back =
      api("PUT", schedule("daily-sales-report"), json{{"cron", cron}, {"enabled", true}}.dump(), as(admin));
  ASSERT_EQ(back.status, 200) << back.body;
  EXPECT_TRUE(back.json()["next_run_at"].is_string());

  for (const char* unknown : {"no-such-job", "Bad_Name", "x"}) {
    EXPECT_EQ(api("GET", schedule(unknown), "", as(admin)).status, 404) << unknown;
    EXPECT_EQ(api("PUT", schedule(unknown), json{{"cron", cron}, {"enabled", true}}.dump(), as(admin)).status,
              404)
        << unknown;
    EXPECT_EQ(api("POST", schedule(unknown, "run"), "", as(admin)).status, 404) << unknown;
  }
}

TEST(Schedules, RunNowQueuesOneRunAndExpireRequestsExpiresAnOverdueRequest) {
  const auto admin = token_for("admin");
  const auto maker = token_for("manufacturer");
  const auto cfa = token_for("cfa");
  const auto factory = location_id("FACTORY-01");
  const auto product = create_product(maker);
  stock_up(maker, product, factory, 3);
  auto created = api("POST", "/api/v1/requests",
                     json{{"action", "transfer"},
                          {"product_id", product},
                          {"quantity", 3},
                          {"from_location_id", factory},
                          {"reason", "scheduler test"}}
                         .dump(),
                     as(cfa));
  ASSERT_EQ(created.status, 202) << created.body;
  const auto id = created.json()["id"].get<long>();
  query_one<long>("UPDATE inventory.requests SET expires_at = now() - interval '1 second' WHERE id = " +
                  std::to_string(id) + " RETURNING id");

  auto first = api("POST", schedule("expire-requests", "run"), "", as(admin));
  auto second = api("POST", schedule("expire-requests", "run"), "", as(admin));
  ASSERT_EQ(first.status, 202) << first.body;
  ASSERT_EQ(second.status, 202) << second.body;
  const auto run = first.json();
  EXPECT_EQ(run["trigger"], "manual");
  EXPECT_EQ(run["job_name"], "expire-requests");
  EXPECT_TRUE(run["slot"].is_null());
  EXPECT_EQ(run["requested_by"], login("admin")["user"]["id"]);
  // While the first still waits, asking again returns it; a second run is queued only once the
  // scheduler has picked the first up.
  if (second.json()["id"] != run["id"]) {
    EXPECT_EQ(query_one<long>("SELECT count(*) FROM scheduler.job_runs WHERE id = " +
                              std::to_string(run["id"].get<long>()) + " AND outcome <> 'queued'"),
              1);
  }
  const auto outcome =
      "SELECT outcome FROM scheduler.job_runs WHERE id = " + std::to_string(run["id"].get<long>());
  ASSERT_TRUE(eventually([&] { return query_one<std::string>(outcome) == "succeeded"; }, seconds(30)));
  ASSERT_TRUE(eventually(
      [&] {
        return api("GET", "/api/v1/requests/" + std::to_string(id), "", as(cfa)).json()["status"] ==
               "expired";
      },
      seconds(30)));
  // The expire-requests job expired it (this run, unless the job's own minute came first).
  EXPECT_EQ(query_one<std::string>(
                "SELECT left(envelope->>'correlation_id', 8) FROM messaging.outbox"
                " WHERE type = 'request.expired' AND (envelope->'data'->>'request_id')::bigint = " +
                std::to_string(id)),
            "job-run-");
  auto detail = api("GET", schedule("expire-requests"), "", as(admin)).json();
  bool listed = false;
  for (const auto& r : detail["runs"])
    listed |= r["id"] == run["id"] && r["outcome"] == "succeeded" && r["detail"].contains("expired");
  EXPECT_TRUE(listed) << detail.dump();
}
