#pragma once
// The use cases behind /schedules (admin): list and read the scheduler's jobs, change a job's cron
// or enabled flag, queue a manual run. Each runs in the caller's unit of work (PgSession::unit);
// refusals come before any write, so a refused call changes nothing. (They still call
// infra/schedule_store's functions directly: no store interface and fake yet.)
#include <optional>
#include <string>
#include <vector>

#include "ims/domain/policy.hpp"
#include "ims/domain/result.hpp"
#include "ims/infra/schedule_store.hpp"

namespace ims::infra {
class UnitOfWork;
}

namespace ims::api::schedules {

inline constexpr int recent_run_count = 20;

struct ScheduleDetail {
  infra::JobRecord job;
  std::vector<infra::JobRunRecord> runs;  // the latest recent_run_count, newest first
};

struct ScheduleChange {
  std::string cron;
  bool enabled = true;
  std::optional<std::string> expected_version;  // from If-Match; none: any version
};

domain::Result<std::vector<infra::JobRecord>> list_schedules(infra::UnitOfWork& unit);
domain::Result<ScheduleDetail> get_schedule(infra::UnitOfWork& unit, const std::string& name);

// 422 naming "cron" for a cron that does not parse or never matches; 404; 412 for another version.
// The next run is planned from the current minute of `zone` (none while disabled). Audited.
domain::Result<infra::JobRecord> change_schedule(infra::UnitOfWork& unit, const domain::Actor& actor,
                                                 const std::string& name, const ScheduleChange& change,
                                                 const std::string& zone, const std::string& request_id);

// Queues a manual run (disabled jobs too), or returns the one still queued for the job. Audited
// when a run is queued.
domain::Result<infra::schedules::QueuedRun> request_run(infra::UnitOfWork& unit, const domain::Actor& actor,
                                                        const std::string& name,
                                                        const std::string& request_id);

}  // namespace ims::api::schedules
