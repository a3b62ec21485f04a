// /alerts: what the workers raised for people (a transfer discrepancy, low stock, …), newest
// first, within the caller's scope; acknowledged once, by whom and when.
#include <nlohmann/json.hpp>

#include "ims/api/resource.hpp"
#include "ims/infra/pg.hpp"

namespace ims::api {
namespace {

using domain::Error;
using domain::ErrorCode;
using nlohmann::json;

constexpr const char* alert_columns =
    "a.id, a.kind, a.severity, a.location_id, a.message, a.data::text,"
    " to_char(a.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'),"
    " to_char(a.acked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), a.acked_by";

json alert_json(const pqxx::row& r) {
  return json{{"id", r[0].as<std::int64_t>()},  {"kind", r[1].as<std::string>()},       {"severity", r[2].as<std::string>()},
              {"location_id", id_or_null(r[3])}, {"message", r[4].as<std::string>()},    {"data", json::parse(r[5].as<std::string>())},
              {"created_at", r[6].as<std::string>()}, {"acked_at", text_or_null(r[7])}, {"acked_by", id_or_null(r[8])}};
}

// Scoped users see their location's alerts; alerts without a location are for the unscoped roles.
bool visible(const domain::Actor& actor, const json& alert) {
  if (!domain::is_location_scoped(actor.role)) return true;
  return !alert["location_id"].is_null() && domain::can_access_location(actor, alert["location_id"].get<std::int64_t>());
}

Response not_found() { return problem(Error::of(ErrorCode::not_found, "no such alert")); }

Response list_alerts(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_alerts);
  if (!auth) return problem(auth.error());
  auto page = read_page(ctx.request);
  if (!page) return problem(page.error());
  const auto open = ctx.request.query_param("open");
  if (open && *open != "true" && *open != "false") return problem(Error::validation({{"open", "must be true or false"}}));
  auto kind = ctx.request.query_param("kind");
  std::optional<std::int64_t> scope;
  if (domain::is_location_scoped(auth->actor.role)) scope = auth->actor.location_id.value_or(-1);
  auto rows = ctx.resources.db.transact([&](pqxx::work& txn) {
    return txn.exec_params(std::string("SELECT ") + alert_columns +
                               " FROM reporting.alerts a WHERE ($1::bigint IS NULL OR a.id < $1)"
                               " AND ($2::bigint IS NULL OR a.location_id = $2) AND ($3::text IS NULL OR a.kind = $3)"
                               " AND ($4::text IS NULL OR (a.acked_at IS NULL) = ($4 = 'true')) ORDER BY a.id DESC LIMIT $5",
                           page->after_id, scope, kind, open, page->limit + 1);
  });
  return json_response(200, page_of(rows, page->limit, alert_json).dump());
}

Response ack_alert(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_alerts);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  std::optional<Response> refusal;
  auto acked = ctx.resources.db.transact([&](pqxx::work& txn) -> std::optional<json> {
    auto rows = txn.exec_params(std::string("SELECT ") + alert_columns + " FROM reporting.alerts a WHERE a.id = $1 FOR UPDATE", *id);
    if (rows.empty() || !visible(auth->actor, alert_json(rows[0]))) {
      refusal = not_found();
      return std::nullopt;
    }
    const auto before = alert_json(rows[0]);
    // A transfer discrepancy is stock that went missing or appeared: the destination that reported
    // it may not also close the matter; the roles that may adjust stock acknowledge it.
    if (before["kind"] == "transfer.discrepancy" && !domain::allows(auth->actor.role, domain::Permission::adjust_stock)) {
      refusal = problem(Error::of(ErrorCode::forbidden, "a transfer discrepancy is acknowledged by a manufacturer or an admin"));
      return std::nullopt;
    }
    if (!before["acked_at"].is_null()) {
      refusal = problem(Error::of(ErrorCode::conflict, "the alert was acknowledged already"));
      return std::nullopt;
    }
    auto after = alert_json(txn.exec_params1(std::string("UPDATE reporting.alerts a SET acked_at = now(), acked_by = $2 WHERE a.id = $1"
                                                         " RETURNING ") + alert_columns,
                                             *id, auth->actor.user_id));
    audit_change(ctx, txn, auth->actor.user_id, "alert.ack", "alert", *id, before, after);
    return after;
  });
  if (!acked) return *refusal;
  return json_response(200, acked->dump());
}

}  // namespace

void add_alert_routes(Router<Handler>& router) {
  router.add("GET", "/api/v1/alerts", list_alerts);
  router.add("PUT", "/api/v1/alerts/{id}/ack", ack_alert);
}

}  // namespace ims::api
