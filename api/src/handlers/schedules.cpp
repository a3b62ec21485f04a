// /schedules: the scheduler's jobs (admin) — their cron and latest runs, a change of cron or
// enabled flag, a run now. Decode, call the use case (ims/api/schedules.hpp), encode.
#include <nlohmann/json.hpp>

#include "ims/api/resource.hpp"
#include "ims/api/schedules.hpp"
#include "ims/infra/pg.hpp"

namespace ims::api {
namespace {

using nlohmann::json;
namespace store = infra::schedules;

json schedule_json(const Context& ctx, const infra::JobRecord& job) {
  auto out = store::to_json(job);
  out["time_zone"] = ctx.services.config.timezone;  // the zone its cron is read in
  return out;
}

// The version If-Match names ("3", "\"3\"", W/"3"); none for "*" or no header.
std::optional<std::string> if_match_version(const Request& request) {
  auto tag = request.header("if-match");
  if (!tag || *tag == "*") return std::nullopt;
  std::string v = *tag;
  if (v.rfind("W/", 0) == 0) v = v.substr(2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  return v;
}

Response list_schedules(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_schedules);
  if (!auth) return problem(auth.error());
  auto jobs = ctx.resources.db.unit([](infra::UnitOfWork& u) { return schedules::list_schedules(u); });
  json out{{"items", json::array()}, {"next_cursor", nullptr}};
  for (const auto& job : *jobs) out["items"].push_back(schedule_json(ctx, job));
  return json_response(200, out.dump());
}

Response get_schedule(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_schedules);
  if (!auth) return problem(auth.error());
  const auto& name = ctx.request.path_params.at("name");
  auto found = ctx.resources.db.unit([&](infra::UnitOfWork& u) { return schedules::get_schedule(u, name); });
  if (!found) return problem(found.error());
  auto out = schedule_json(ctx, found->job);
  out["runs"] = json::array();
  for (const auto& run : found->runs) out["runs"].push_back(store::to_json(run));
  return versioned(200, out);
}

Response update_schedule(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_schedules);
  if (!auth) return problem(auth.error());
  json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  schedules::ScheduleChange change{in.required_string("cron", 200), in.required_bool("enabled"),
                                   if_match_version(ctx.request)};
  if (!in.ok()) return problem(in.error());
  const auto& name = ctx.request.path_params.at("name");
  auto changed = ctx.resources.db.unit([&](infra::UnitOfWork& u) {
    return schedules::change_schedule(u, auth->actor, name, change, ctx.services.config.timezone,
                                      ctx.request.request_id);
  });
  if (!changed) return problem(changed.error());
  return versioned(200, schedule_json(ctx, *changed));
}

Response run_schedule(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_schedules);
  if (!auth) return problem(auth.error());
  const auto& name = ctx.request.path_params.at("name");
  auto queued = ctx.resources.db.unit([&](infra::UnitOfWork& u) {
    return schedules::request_run(u, auth->actor, name, ctx.request.request_id);
  });
  if (!queued) return problem(queued.error());
  return json_response(202, store::to_json(queued->run).dump())
      .header("Location", "/api/v1/schedules/" + name);
}

}  // namespace

void add_schedule_routes(Router<Handler>& router) {
  router.add("GET", "/api/v1/schedules", list_schedules);
  router.add("GET", "/api/v1/schedules/{name}", get_schedule);
  router.add("PUT", "/api/v1/schedules/{name}", update_schedule);
  router.add("POST", "/api/v1/schedules/{name}/run", run_schedule);
}

}  // namespace ims::api
