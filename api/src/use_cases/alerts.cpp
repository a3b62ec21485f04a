#include "ims/api/use_cases/alerts.hpp"

#include <map>

#include "ims/api/use_cases/change_record.hpp"
#include "ims/domain/alerts.hpp"
#include "ims/domain/policy.hpp"
#include "ims/domain/role.hpp"

namespace ims::api {
namespace {

using domain::Error;
using domain::ErrorCode;
using nlohmann::json;

Error not_found() {
  return Error::of(ErrorCode::not_found, "no such alert");
}

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

// Alerts with their deliveries, in one more query for the whole page. A location's users see only
// the emails sent to themselves, not their colleagues' or the admins' addresses.
json with_deliveries(const std::vector<infra::AlertRecord>& alerts, const domain::Actor& actor,
                     infra::AlertBoard& board) {
  std::vector<std::int64_t> ids;
  json out = json::array();
  std::map<std::int64_t, std::size_t> index;
  for (const auto& a : alerts) {
    index[a.id] = ids.size();
    ids.push_back(a.id);
    out.push_back(alert_json(a));
  }
  const bool scoped = domain::is_location_scoped(actor.role);
  for (const auto& d : board.deliveries(ids)) {
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

}  // namespace

domain::Result<json> list_alerts(const Caller& by, infra::AlertFilter filter, infra::AlertBoard& board) {
  filter.location_id.reset();
  if (domain::is_location_scoped(by.actor.role)) filter.location_id = by.actor.location_id.value_or(-1);
  filter.accounts = by.actor.role == domain::Role::admin;
  auto rows = board.list(filter);
  const bool more = static_cast<int>(rows.size()) > filter.limit;
  if (more) rows.resize(static_cast<std::size_t>(filter.limit));
  return json{{"items", with_deliveries(rows, by.actor, board)},
              {"next_cursor", more && !rows.empty() ? json(std::to_string(rows.back().id)) : json(nullptr)}};
}

domain::Result<json> get_alert(const Caller& by, std::int64_t id, infra::AlertBoard& board) {
  auto alert = board.find(id, false);
  if (!alert || !visible(by.actor, *alert)) return not_found();
  return with_deliveries({*alert}, by.actor, board)[0];
}

domain::Result<json> acknowledge_alert(const Caller& by, std::int64_t id, infra::AlertBoard& board,
                                       infra::AuditTrail& audit) {
  auto alert = board.find(id, true);
  if (!alert || !visible(by.actor, *alert)) return not_found();
  // A transfer discrepancy is stock that went missing or appeared: the destination that reported
  // it may not also close the matter; the roles that may adjust stock acknowledge it.
  if (alert->kind == "transfer.discrepancy" &&
      !domain::allows(by.actor.role, domain::Permission::adjust_stock)) {
    return Error::of(ErrorCode::forbidden,
                     "a transfer discrepancy is acknowledged by a manufacturer or an admin");
  }
  if (alert->acked_at) return Error::of(ErrorCode::conflict, "the alert was acknowledged already");
  const auto before = alert_json(*alert);
  auto after = alert_json(board.acknowledge(id, by.actor.user_id, !domain::closes_by_itself(alert->kind)));
  record_change(by, audit, "alert.ack", "alert", id, before, after);
  return after;
}

}  // namespace ims::api
