// /alerts: what the alerts worker raised for people (low stock, expiring lots, drift, overdue
// requests, transfer discrepancies), newest first, within the caller's scope, each with the
// emails it sent. Conditions close by themselves; acknowledging says someone has seen it (and
// closes an event alert such as a discrepancy).
#include <nlohmann/json.hpp>

#include "ims/api/resource.hpp"
#include "ims/infra/alert_store.hpp"
#include "ims/infra/pg.hpp"

namespace ims::api {
namespace {

using domain::Error;
using domain::ErrorCode;
using nlohmann::json;


json delivery_json(const infra::EmailDeliveryRecord& d) {
  return {{"id", d.id},
          {"recipient", d.recipient},
          {"user_id", or_null(d.user_id)},
          {"subject", d.subject},
          {"status", d.status},
          {"attempts", d.attempts},
          {"last_error", or_null(d.last_error)},
          {"message_id", d.message_id},
          {"created_at", d.created_at},
          {"next_attempt_at", d.status == "queued" ? json(d.next_attempt_at) : json(nullptr)},
          {"sent_at", or_null(d.sent_at)}};
}

json alert_json(const infra::AlertRecord& a) {
  return {{"id", a.id},
          {"kind", a.kind},
          {"severity", a.severity},
          {"status", a.closed_at ? "closed" : "open"},
          {"product_id", or_null(a.product_id)},
          {"location_id", or_null(a.location_id)},
          {"subject", a.subject},
          {"message", a.message},
          {"data", json::parse(a.data)},
          {"raised_count", a.raised_count},
          {"created_at", a.created_at},
          {"updated_at", a.updated_at},
          {"last_raised_at", a.last_raised_at},
          {"acked_at", or_null(a.acked_at)},
          {"acked_by", or_null(a.acked_by)},
          {"closed_at", or_null(a.closed_at)},
          {"closed_by_event", or_null(a.closed_by_event)},
          {"close_reason", or_null(a.close_reason)},
          {"deliveries", json::array()}};
}

// Alerts with their deliveries, in one more query for the whole page.
// A location's users see only the emails sent to themselves, not their colleagues' or the admins'
// addresses.
json with_deliveries(pqxx::work& txn, const std::vector<infra::AlertRecord>& alerts, const domain::Actor& actor) {
  std::vector<std::int64_t> ids;
  for (const auto& a : alerts) ids.push_back(a.id);
  json out = json::array();
  for (const auto& a : alerts) out.push_back(alert_json(a));
  std::map<std::int64_t, std::size_t> index;
  for (std::size_t i = 0; i < alerts.size(); ++i) index[alerts[i].id] = i;
  const bool scoped = domain::is_location_scoped(actor.role);
  for (const auto& d : infra::alerts::deliveries(txn, ids)) {
    if (scoped && d.user_id != actor.user_id) continue;
    out[index[d.alert_id]]["deliveries"].push_back(delivery_json(d));
  }
  return out;
}

// Scoped users see their location's alerts; alerts without a location are for the unscoped roles.
// Sign-ups waiting for activation (account.*) are for admins, who decide them.
bool visible(const domain::Actor& actor, const infra::AlertRecord& alert) {
  if (alert.kind.rfind("account.", 0) == 0) return actor.role == domain::Role::admin;
  if (!domain::is_location_scoped(actor.role)) return true;
  return alert.location_id && domain::can_access_location(actor, *alert.location_id);
}

Response not_found() {
  return problem(Error::of(ErrorCode::not_found, "no such alert"));
}

Response list_alerts(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_alerts);
  if (!auth) return problem(auth.error());
  auto page = read_page(ctx.request);
  if (!page) return problem(page.error());
  infra::AlertFilter filter;
  const auto open = ctx.request.query_param("open");
  if (open && *open != "true" && *open != "false")
    return problem(Error::validation({{"open", "must be true or false"}}));
  if (open) filter.open = *open == "true";
  filter.kind = ctx.request.query_param("kind");
  if (auto product = ctx.request.query_param("product_id")) {
    filter.product_id = parse_id(*product);
    if (!filter.product_id) return problem(Error::validation({{"product_id", "must be an id"}}));
  }
  if (domain::is_location_scoped(auth->actor.role)) filter.location_id = auth->actor.location_id.value_or(-1);
  filter.accounts = auth->actor.role == domain::Role::admin;
  filter.before_id = page->after_id;
  filter.limit = page->limit;
  auto body = ctx.resources.db.transact([&](pqxx::work& txn) {
    auto rows = infra::alerts::list(txn, filter);
    const bool more = static_cast<int>(rows.size()) > filter.limit;
    if (more) rows.resize(filter.limit);
    return json{{"items", with_deliveries(txn, rows, auth->actor)},
                {"next_cursor", more ? json(std::to_string(rows.back().id)) : json(nullptr)}};
  });
  return json_response(200, body.dump());
}

Response get_alert(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_alerts);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  auto found = ctx.resources.db.transact([&](pqxx::work& txn) -> std::optional<json> {
    auto alert = infra::alerts::find(txn, *id);
    if (!alert || !visible(auth->actor, *alert)) return std::nullopt;
    return with_deliveries(txn, {*alert}, auth->actor)[0];
  });
  if (!found) return not_found();
  return json_response(200, found->dump());
}

Response ack_alert(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_alerts);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  std::optional<Response> refusal;
  auto acked = ctx.resources.db.transact([&](pqxx::work& txn) -> std::optional<json> {
    auto alert = infra::alerts::find(txn, *id, true);
    if (!alert || !visible(auth->actor, *alert)) {
      refusal = not_found();
      return std::nullopt;
    }
    // A transfer discrepancy is stock that went missing or appeared: the destination that reported
    // it may not also close the matter; the roles that may adjust stock acknowledge it.
    if (alert->kind == "transfer.discrepancy" &&
        !domain::allows(auth->actor.role, domain::Permission::adjust_stock)) {
      refusal = problem(Error::of(ErrorCode::forbidden,
                                  "a transfer discrepancy is acknowledged by a manufacturer or an admin"));
      return std::nullopt;
    }
    if (alert->acked_at) {
      refusal = problem(Error::of(ErrorCode::conflict, "the alert was acknowledged already"));
      return std::nullopt;
    }
    const auto before = alert_json(*alert);
    auto after = alert_json(
        infra::alerts::acknowledge(txn, *id, auth->actor.user_id, !domain::closes_by_itself(alert->kind)));
    audit_change(ctx, txn, auth->actor.user_id, "alert.ack", "alert", *id, before, after);
    return after;
  });
  if (!acked) return *refusal;
  return json_response(200, acked->dump());
}

}  // namespace

void add_alert_routes(Router<Handler>& router) {
  router.add("GET", "/api/v1/alerts", list_alerts);
  router.add("GET", "/api/v1/alerts/{id}", get_alert);
  router.add("PUT", "/api/v1/alerts/{id}/ack", ack_alert);
}

}  // namespace ims::api
