#include "ims/api/use_cases/requests.hpp"

#include "ims/api/use_cases/change_record.hpp"
#include "ims/api/use_cases/moves.hpp"
#include "ims/api/use_cases/transfers.hpp"
#include "ims/domain/policy.hpp"

namespace ims::api {
namespace {

using domain::Error;
using domain::ErrorCode;
using domain::FieldError;
using domain::Quantity;
using domain::RequestAction;
using domain::RequestStatus;
using nlohmann::json;

Error not_found() {
  return Error::of(ErrorCode::not_found, "no such request");
}

bool decides(const domain::Actor& a) {
  return domain::allows(a.role, domain::Permission::decide_request);
}

// Requesters see their own; deciders see all.
bool visible(const domain::Actor& a, const infra::RequestRecord& r) {
  return decides(a) || r.requested_by == a.user_id;
}

void announce(const Caller& by, const std::string& type, const std::optional<infra::RequestRecord>& before,
              const infra::RequestRecord& after, infra::Outbox& outbox, infra::AuditTrail& audit) {
  record_change(by, audit, type, "request", after.id,
                before ? std::optional(request_json(*before)) : std::nullopt, request_json(after));
  outbox.append({type,
                 {{"request_id", after.id},
                  {"number", after.number},
                  {"action", after.action},
                  {"status", after.status},
                  {"product_id", after.product_id},
                  {"from_location_id", after.from_location_id},
                  {"to_location_id", or_null(after.to_location_id)}},
                 by.request_id,
                 by.actor.user_id});
}

// Approved and carried out at once: the transfer (holding on to the request's hold until it is
// dispatched), or the adjustment for the stock worker.
std::optional<Error> carry_out(const Caller& by, const infra::RequestRecord& r, infra::RequestStore& requests,
                               infra::TransferStore& transfers, infra::Outbox& outbox,
                               infra::AuditTrail& audit) {
  const auto quantity = Quantity::parse(r.quantity).value_or(Quantity());
  if (r.action == "transfer") {
    TransferLineCommand line{r.product_id, quantity, std::nullopt, false};
    const CreateTransfer command{r.from_location_id, r.to_location_id.value_or(-1),
                                 std::vector<TransferLineCommand>{line}};
    auto transfer = create_transfer(by, command, transfers, outbox, audit);
    if (!transfer) return transfer.error();
    requests.link_transfer(r.id, (*transfer)["id"].get<std::int64_t>());
    return std::nullopt;
  }
  const auto delta = r.action == "write_off" ? -quantity : quantity;
  const auto adjustment = requests.insert_adjustment({r.product_id, r.from_location_id, delta.to_string(),
                                                      r.number + " (" + r.action + "): " + r.reason,
                                                      by.actor.user_id, by.request_id});
  outbox.append(
      {"stock.adjustment.requested",
       {{"adjustment_id", adjustment}, {"product_id", r.product_id}, {"location_id", r.from_location_id}},
       by.request_id,
       by.actor.user_id});
  requests.link_adjustment(r.id, adjustment);
  return std::nullopt;
}

}  // namespace

json request_json(const infra::RequestRecord& r) {
  return json{{"id", r.id},
              {"number", r.number},
              {"action", r.action},
              {"product_id", r.product_id},
              {"quantity", quantity_json(r.quantity)},
              {"from_location_id", r.from_location_id},
              {"to_location_id", or_null(r.to_location_id)},
              {"reason", r.reason},
              {"status", r.status},
              {"hold", r.hold},
              {"failure_reason", or_null(r.failure_reason)},
              {"requested_by", r.requested_by},
              {"decided_by", or_null(r.decided_by)},
              {"decision_comment", or_null(r.decision_comment)},
              {"decided_at", or_null(r.decided_at)},
              {"expires_at", r.expires_at},
              {"transfer_id", or_null(r.transfer_id)},
              {"adjustment_id", or_null(r.adjustment_id)},
              {"version", r.version},
              {"created_at", r.created_at},
              {"updated_at", r.updated_at}};
}

domain::Result<json> create_request(const Caller& by, const RequestCommand& c, const RequestLimits& limits,
                                    infra::RequestStore& requests, infra::Outbox& outbox,
                                    infra::AuditTrail& audit) {
  std::vector<FieldError> errors;
  if (!requests.product_active(c.product_id))
    errors.push_back({"product_id", "does not exist or is not active"});
  const bool transfer = c.action == RequestAction::transfer;
  if (transfer) {
    // The source must be up the requester's own chain: its upstream location or a factory, so
    // nobody can freeze a sibling's stock with holds.
    if (!requests.source_is_up_the_chain(c.from_location_id, by.actor.location_id.value_or(-1))) {
      errors.push_back({"from_location_id", "must be your upstream location or a factory"});
    }
    // One requester may hold only so much at once, counted under a lock so concurrency cannot exceed it.
    const auto open = requests.lock_and_count_open_holds(by.actor.user_id);
    if (errors.empty() && open >= limits.max_open_holds) {
      return Error::of(ErrorCode::conflict,
                       "you have " + std::to_string(open) +
                           " transfer requests holding stock, the most allowed; wait for a "
                           "decision or cancel one");
    }
  } else if (!requests.location_active(c.from_location_id)) {
    errors.push_back({"from_location_id", "does not exist or is not active"});
  }
  if (!errors.empty()) return Error::validation(std::move(errors));
  const auto id =
      requests.insert({std::string(domain::to_string(c.action)), c.product_id, c.quantity.to_string(),
                       c.from_location_id, c.to_location_id, c.reason, transfer ? "requested" : "none",
                       by.actor.user_id, limits.sla_hours, by.request_id});
  const auto created = *requests.find(id, false);
  announce(by, "request.created", std::nullopt, created, outbox, audit);
  return request_json(created);
}

domain::Result<std::vector<infra::RequestRecord>> list_requests(const Caller& by, infra::RequestFilter filter,
                                                                infra::RequestStore& requests) {
  if (!decides(by.actor) && !domain::allows(by.actor.role, domain::Permission::create_request)) {
    return Error::of(ErrorCode::forbidden, "requests are for CFA and stockist users and their deciders");
  }
  filter.requested_by.reset();
  if (!decides(by.actor)) filter.requested_by = by.actor.user_id;
  return requests.page(filter);
}

domain::Result<infra::RequestRecord> get_request(const Caller& by, std::int64_t id,
                                                 infra::RequestStore& requests) {
  auto r = requests.find(id, false);
  if (!r || !visible(by.actor, *r)) return not_found();
  return *r;
}

domain::Result<infra::RequestRecord> decide_request(const Caller& by, const RequestDecision& d,
                                                    infra::RequestStore& requests,
                                                    infra::TransferStore& transfers, infra::Outbox& outbox,
                                                    infra::AuditTrail& audit) {
  auto before = requests.find(d.id, true);
  if (!before || !visible(by.actor, *before)) return not_found();
  const bool cancel = d.to == RequestStatus::canceled;
  if (cancel ? before->requested_by != by.actor.user_id : !decides(by.actor)) {
    return Error::of(ErrorCode::forbidden, cancel ? "only the requester cancels a request"
                                                  : "only a manufacturer or admin decides requests");
  }
  const auto from = *domain::parse_request_status(before->status);
  if (auto refused = refuse_move(d.if_match, before->version, "request", from, d.to)) return *refused;
  std::string status(domain::to_string(d.to));
  if (d.to == RequestStatus::approved) {
    if (before->hold == "requested") {
      return Error::of(ErrorCode::conflict,
                       "the stock for this request is still being set aside; try again in a moment");
    }
    if (auto failed = carry_out(by, *before, requests, transfers, outbox, audit)) return *failed;
    status = "executed";
  }
  requests.decide(d.id, status, by.actor.user_id, d.comment);
  const auto after = *requests.find(d.id, false);
  announce(by, "request." + std::string(domain::to_string(d.to)), before, after, outbox, audit);
  return after;
}

}  // namespace ims::api
