#include "ims/api/schedules.hpp"

#include "ims/domain/schedule.hpp"
#include "ims/infra/pg.hpp"
#include "ims/infra/user_store.hpp"

namespace ims::api::schedules {
namespace {

using domain::Error;
using domain::ErrorCode;
namespace store = infra::schedules;

Error not_found() {
  return Error::of(ErrorCode::not_found, "no such schedule");
}

// A name that could never be a job's is simply not found (and never reaches SQL).
std::optional<infra::JobRecord> find(pqxx::work& txn, const std::string& name, bool for_update) {
  if (!domain::is_job_name(name)) return std::nullopt;
  return store::find(txn, name, for_update);
}

void audit(pqxx::work& txn, const domain::Actor& actor, const std::string& action, const std::string& name,
           const std::optional<nlohmann::json>& before, const nlohmann::json& after,
           const std::string& request_id) {
  infra::audit::record(
      txn, {actor.user_id, action, "schedule", name, before ? std::optional(before->dump()) : std::nullopt,
            after.dump(), request_id});
}

}  // namespace

domain::Result<std::vector<infra::JobRecord>> list_schedules(infra::UnitOfWork& unit) {
  return store::list(unit.txn());
}

domain::Result<ScheduleDetail> get_schedule(infra::UnitOfWork& unit, const std::string& name) {
  auto& txn = unit.txn();
  auto job = find(txn, name, false);
  if (!job) return not_found();
  return ScheduleDetail{*job, store::recent_runs(txn, name, recent_run_count)};
}

domain::Result<infra::JobRecord> change_schedule(infra::UnitOfWork& unit, const domain::Actor& actor,
                                                 const std::string& name, const ScheduleChange& change,
                                                 const std::string& zone, const std::string& request_id) {
  auto& txn = unit.txn();
  if (auto parsed = domain::parse_cron(change.cron); !parsed) return parsed.error();
  auto before = find(txn, name, true);
  if (!before) return not_found();
  if (change.expected_version && *change.expected_version != std::to_string(before->version)) {
    return Error::of(
        ErrorCode::precondition_failed,
        "the schedule has changed (now version " + std::to_string(before->version) + "); fetch it again");
  }
  // ims-scheduler refuses to start on an unknown zone; the API finds out here, before SQL would fail.
  if (!store::is_known_time_zone(txn, zone)) {
    return Error::of(ErrorCode::unavailable, "IMS_TIMEZONE is not a time zone PostgreSQL knows");
  }
  auto next = domain::next_run(change.cron, change.enabled, store::current_minute(txn, zone));
  if (!next) return next.error();
  store::set_schedule(txn, name, change.cron, change.enabled, *next, zone, actor.user_id);
  auto after = store::find(txn, name);
  audit(txn, actor, "schedule.update", name, store::to_json(*before), store::to_json(*after), request_id);
  return *after;
}

domain::Result<store::QueuedRun> request_run(infra::UnitOfWork& unit, const domain::Actor& actor,
                                             const std::string& name, const std::string& request_id) {
  auto& txn = unit.txn();
  // The job's row lock orders concurrent requests, so exactly one run is queued.
  if (!find(txn, name, true)) return not_found();
  auto queued = store::queue_manual_run(txn, name, actor.user_id);
  if (queued.created)
    audit(txn, actor, "schedule.run", name, std::nullopt, store::to_json(queued.run), request_id);
  return queued;
}

}  // namespace ims::api::schedules
