#include "ims/infra/schedule_store.hpp"

#include "ims/infra/pg.hpp"

namespace ims::infra::schedules {
namespace {

std::string utc(const std::string& column) {
  return "to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";
}

const std::string job_columns = "name, cron, enabled, command, params::text, " + utc("last_run_at") +
                                ", last_outcome, " + utc("next_run_at") + ", version, " + utc("updated_at") +
                                ", updated_by";

const std::string run_columns = "id, job_name, " + utc("slot") + ", trigger, requested_by, " +
                                utc("requested_at") + ", " + utc("started_at") + ", " + utc("finished_at") +
                                ", outcome, detail::text";

std::string text(domain::RunOutcome o) {
  return std::string(domain::to_string(o));
}

JobRecord read_job(const pqxx::row& r) {
  JobRecord j;
  j.name = r[0].as<std::string>();
  j.cron = r[1].as<std::string>();
  j.enabled = r[2].as<bool>();
  // The table's CHECKs admit only known commands and outcomes.
  j.command = domain::parse_job_command(r[3].as<std::string>()).value_or(domain::JobCommand::inventory_check);
  j.params = nlohmann::json::parse(r[4].as<std::string>());
  j.last_run_at = nullable<std::string>(r[5]);
  if (!r[6].is_null()) j.last_outcome = domain::parse_run_outcome(r[6].as<std::string>());
  j.next_run_at = nullable<std::string>(r[7]);
  j.version = r[8].as<int>();
  j.updated_at = r[9].as<std::string>();
  j.updated_by = nullable<std::int64_t>(r[10]);
  return j;
}

JobRunRecord read_run(const pqxx::row& r) {
  JobRunRecord run;
  run.id = r[0].as<std::int64_t>();
  run.job_name = r[1].as<std::string>();
  run.slot = nullable<std::string>(r[2]);
  run.trigger = domain::parse_run_trigger(r[3].as<std::string>()).value_or(domain::RunTrigger::manual);
  run.requested_by = nullable<std::int64_t>(r[4]);
  run.requested_at = r[5].as<std::string>();
  run.started_at = nullable<std::string>(r[6]);
  run.finished_at = nullable<std::string>(r[7]);
  run.outcome = domain::parse_run_outcome(r[8].as<std::string>()).value_or(domain::RunOutcome::failed);
  run.detail = nlohmann::json::parse(r[9].as<std::string>());
  return run;
}

std::optional<JobRecord> one_job(const pqxx::result& rows) {
  if (rows.empty()) return std::nullopt;
  return read_job(rows[0]);
}

std::optional<JobRunRecord> one_run(const pqxx::result& rows) {
  if (rows.empty()) return std::nullopt;
  return read_run(rows[0]);
}

// The civil minute as PostgreSQL's timestamp text, or NULL.
std::optional<std::string> civil_text(const std::optional<domain::CivilMinute>& t) {
  if (!t) return std::nullopt;
  return domain::to_timestamp_text(*t);
}

nlohmann::json text_or_null(const std::optional<std::string>& s) {
  return s ? nlohmann::json(*s) : nlohmann::json(nullptr);
}

}  // namespace

bool is_known_time_zone(pqxx::work& txn, const std::string& zone) {
  return txn.exec_params1("SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = $1)", zone)[0]
      .as<bool>();
}

domain::CivilMinute current_minute(pqxx::work& txn, const std::string& zone) {
  const auto r = txn.exec_params1(
      "SELECT extract(year FROM t)::int, extract(month FROM t)::int, extract(day FROM t)::int,"
      "       extract(hour FROM t)::int, extract(minute FROM t)::int"
      " FROM (SELECT now() AT TIME ZONE $1 AS t) AS wall",
      zone);
  return {r[0].as<int>(), r[1].as<int>(), r[2].as<int>(), r[3].as<int>(), r[4].as<int>()};
}

std::vector<JobRecord> list(pqxx::work& txn) {
  auto rows = txn.exec("SELECT " + job_columns + " FROM scheduler.jobs ORDER BY name");
  std::vector<JobRecord> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(read_job(r));
  return out;
}

std::optional<JobRecord> find(pqxx::work& txn, const std::string& name, bool for_update) {
  return one_job(txn.exec_params(
      "SELECT " + job_columns + " FROM scheduler.jobs WHERE name = $1" + (for_update ? " FOR UPDATE" : ""),
      name));
}

std::optional<JobRecord> lock_next_due(pqxx::work& txn) {
  return one_job(txn.exec("SELECT " + job_columns +
                          " FROM scheduler.jobs WHERE enabled AND next_run_at <= now()"
                          " ORDER BY next_run_at, name LIMIT 1 FOR UPDATE SKIP LOCKED"));
}

std::vector<JobRecord> lock_unplanned(pqxx::work& txn) {
  auto rows = txn.exec(
      "SELECT " + job_columns +
      " FROM scheduler.jobs WHERE enabled AND next_run_at IS NULL ORDER BY name FOR UPDATE SKIP LOCKED");
  std::vector<JobRecord> out;
  for (const auto& r : rows) out.push_back(read_job(r));
  return out;
}

// The instant a wall-clock minute of the zone stands for: at a fall-back the earlier of the two
// (01:30 happens twice; the first is next), in a spring-forward gap PostgreSQL's reading (the
// minute after the gap). Plain `AT TIME ZONE` would pick the later of two and skip an hour.
static std::string instant_of(const std::string& civil, const std::string& zone) {
  const auto plain = "(" + civil + "::timestamp AT TIME ZONE " + zone + ")";
  return "coalesce((SELECT min(c) FROM (VALUES (" + plain + " - interval '1 hour'), (" + plain +
         ")) AS v(c)"
         " WHERE (c AT TIME ZONE " +
         zone + ") = " + civil + "::timestamp AND c > now()), " + plain + ")";
}

void set_schedule(pqxx::work& txn, const std::string& name, const std::string& cron, bool enabled,
                  const std::optional<domain::CivilMinute>& next_run, const std::string& zone,
                  std::optional<std::int64_t> updated_by) {
  txn.exec_params(
      "UPDATE scheduler.jobs SET cron = $2, enabled = $3, next_run_at = " + instant_of("$4", "$5") +
          ","
          " version = version + 1, updated_at = now(), updated_by = $6 WHERE name = $1",
      name, cron, enabled, civil_text(next_run), zone, updated_by);
}

void set_next_run(pqxx::work& txn, const std::string& name,
                  const std::optional<domain::CivilMinute>& next_run, const std::string& zone) {
  txn.exec_params("UPDATE scheduler.jobs SET next_run_at = " + instant_of("$2", "$3") + " WHERE name = $1",
                  name, civil_text(next_run), zone);
}

void record_outcome(pqxx::work& txn, const std::string& name, domain::RunOutcome outcome) {
  txn.exec_params(
      "UPDATE scheduler.jobs SET last_run_at = clock_timestamp(), last_outcome = $2 WHERE name = $1", name,
      text(outcome));
}

std::vector<JobRunRecord> recent_runs(pqxx::work& txn, const std::string& name, int limit) {
  auto rows = txn.exec_params(
      "SELECT " + run_columns + " FROM scheduler.job_runs WHERE job_name = $1 ORDER BY id DESC LIMIT $2",
      name, limit);
  std::vector<JobRunRecord> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(read_run(r));
  return out;
}

std::optional<std::int64_t> insert_scheduled_run(pqxx::work& txn, const std::string& name,
                                                 const std::string& slot) {
  auto rows = txn.exec_params(
      "INSERT INTO scheduler.job_runs (job_name, slot, trigger, started_at, outcome)"
      " VALUES ($1, $2::timestamptz, 'schedule', now(), 'running')"
      " ON CONFLICT (job_name, slot) DO NOTHING RETURNING id",
      name, slot);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::int64_t>();
}

void insert_failed_scheduled_run(pqxx::work& txn, const std::string& name, const std::string& slot,
                                 const nlohmann::json& detail) {
  txn.exec_params(
      "INSERT INTO scheduler.job_runs (job_name, slot, trigger, started_at, finished_at, outcome, detail)"
      " VALUES ($1, $2::timestamptz, 'schedule', now(), clock_timestamp(), 'failed', $3::jsonb)"
      " ON CONFLICT (job_name, slot) DO NOTHING",
      name, slot, detail.dump());
}

QueuedRun queue_manual_run(pqxx::work& txn, const std::string& name,
                           std::optional<std::int64_t> requested_by) {
  auto rows =
      txn.exec_params(std::string("INSERT INTO scheduler.job_runs (job_name, trigger, requested_by)"
                                  " VALUES ($1, 'manual', $2)"
                                  " ON CONFLICT (job_name) WHERE trigger = 'manual' AND outcome = 'queued'"
                                  " DO NOTHING RETURNING ") +
                          run_columns,
                      name, requested_by);
  if (!rows.empty()) return {read_run(rows[0]), true};
  // Another run waits already (the caller holds the job's row lock, so it cannot start meanwhile).
  return {read_run(txn.exec_params1("SELECT " + run_columns +
                                        " FROM scheduler.job_runs WHERE job_name = $1 AND trigger = 'manual'"
                                        " AND outcome = 'queued'",
                                    name)),
          false};
}

std::optional<JobRunRecord> lock_next_queued_manual(pqxx::work& txn) {
  return one_run(txn.exec("SELECT " + run_columns +
                          " FROM scheduler.job_runs WHERE trigger = 'manual' AND outcome = 'queued'"
                          " ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED"));
}

std::optional<JobRunRecord> find_run(pqxx::work& txn, std::int64_t id, bool for_update) {
  return one_run(txn.exec_params(
      "SELECT " + run_columns + " FROM scheduler.job_runs WHERE id = $1" + (for_update ? " FOR UPDATE" : ""),
      id));
}

void start_run(pqxx::work& txn, std::int64_t id) {
  txn.exec_params("UPDATE scheduler.job_runs SET outcome = 'running', started_at = now() WHERE id = $1", id);
}

void finish_run(pqxx::work& txn, std::int64_t id, domain::RunOutcome outcome, const nlohmann::json& detail) {
  txn.exec_params(
      "UPDATE scheduler.job_runs SET outcome = $2, detail = $3::jsonb, finished_at = clock_timestamp(),"
      " started_at = coalesce(started_at, now()) WHERE id = $1",
      id, text(outcome), detail.dump());
}

std::vector<std::pair<std::string, double>> last_successes(pqxx::work& txn) {
  auto rows = txn.exec(
      "SELECT job_name, extract(epoch FROM max(finished_at))::float8 FROM scheduler.job_runs"
      " WHERE outcome = 'succeeded' GROUP BY job_name");
  std::vector<std::pair<std::string, double>> out;
  for (const auto& r : rows) out.emplace_back(r[0].as<std::string>(), r[1].as<double>());
  return out;
}

PruneCounts prune(pqxx::work& txn, const PruneLimits& limits) {
  PruneCounts c;
  c.outbox =
      txn.exec_params0("DELETE FROM messaging.outbox WHERE published_at < now() - make_interval(hours => $1)",
                       limits.outbox_hours)
          .affected_rows();
  c.inbox =
      txn.exec_params0("DELETE FROM messaging.inbox WHERE processed_at < now() - make_interval(hours => $1)",
                       limits.outbox_hours)
          .affected_rows();
  c.idempotency_keys =
      txn.exec_params0(
             "DELETE FROM messaging.idempotency_keys WHERE created_at < now() - make_interval(hours => $1)",
             limits.idempotency_key_hours)
          .affected_rows();
  c.job_runs =
      txn.exec_params0("DELETE FROM scheduler.job_runs WHERE finished_at < now() - make_interval(days => $1)",
                       limits.job_run_days)
          .affected_rows();
  // A sign-up that never confirmed its address holds a username and an address; once its links
  // have expired only a new sign-up can confirm it, so after `signup_days` it goes.
  for (const auto& r : txn.exec_params(
           "DELETE FROM auth.users u WHERE status = 'pending_activation' AND email_verified_at IS NULL"
           "   AND created_at < now() - make_interval(days => $1)"
           "   AND NOT EXISTS (SELECT 1 FROM auth.email_verifications v WHERE v.user_id = u.id AND "
           "v.expires_at > now())"
           " RETURNING id",
           limits.signup_days)) {
    c.abandoned_signups.push_back(r[0].as<std::int64_t>());
  }
  return c;
}

nlohmann::json to_json(const JobRecord& j) {
  return {{"name", j.name},
          {"cron", j.cron},
          {"enabled", j.enabled},
          {"command", std::string(domain::to_string(j.command))},
          {"params", j.params},
          {"last_run_at", text_or_null(j.last_run_at)},
          {"last_outcome", j.last_outcome ? nlohmann::json(text(*j.last_outcome)) : nlohmann::json(nullptr)},
          {"next_run_at", text_or_null(j.next_run_at)},
          {"version", j.version},
          {"updated_at", j.updated_at},
          {"updated_by", j.updated_by ? nlohmann::json(*j.updated_by) : nlohmann::json(nullptr)}};
}

nlohmann::json to_json(const JobRunRecord& r) {
  return {{"id", r.id},
          {"job_name", r.job_name},
          {"slot", text_or_null(r.slot)},
          {"trigger", std::string(domain::to_string(r.trigger))},
          {"requested_by", r.requested_by ? nlohmann::json(*r.requested_by) : nlohmann::json(nullptr)},
          {"requested_at", r.requested_at},
          {"started_at", text_or_null(r.started_at)},
          {"finished_at", text_or_null(r.finished_at)},
          {"outcome", text(r.outcome)},
          {"detail", r.detail}};
}

}  // namespace ims::infra::schedules
