// /requests: approval requests. CFA and stockist users ask (a transfer to their location, an
// adjustment or a write-off at it); manufacturer and admin approve or deny with a comment. A
// transfer request holds the stock at the source (placed by the stock worker) until its transfer
// is dispatched, or it is denied, canceled or expires. Approval turns the request into a transfer
// (or an adjustment) in the same transaction. Requesters see their own requests; deciders see all.
#include <nlohmann/json.hpp>

#include "ims/api/resource.hpp"
#include "ims/infra/request_store.hpp"
#include "ims/domain/stock.hpp"
#include "ims/domain/workflow.hpp"
#include "ims/infra/outbox.hpp"
#include "ims/infra/pg.hpp"

namespace ims::api {

// transfers.cpp
std::optional<nlohmann::json> create_transfer_in(Context& ctx, pqxx::work& txn, FieldReader& in, std::int64_t actor,
                                                 std::int64_t from, std::int64_t to, const nlohmann::json& lines);

namespace {

using domain::Error;
using domain::ErrorCode;
using domain::Quantity;
using domain::RequestAction;
using domain::RequestStatus;
using nlohmann::json;


const std::string request_columns =
    "r.id, r.number, r.action, r.product_id, r.quantity::text, r.from_location_id, r.to_location_id, r.reason, r.status,"
    " r.hold, r.failure_reason, r.requested_by, r.decided_by, r.decision_comment, " + utc_timestamp("r.decided_at") + ", " +
    utc_timestamp("r.expires_at") + ", r.transfer_id, r.adjustment_id, r.version, " + utc_timestamp("r.created_at") + ", " + utc_timestamp("r.updated_at");

json request_json(const pqxx::row& r) {
  return json{{"id", r[0].as<std::int64_t>()},          {"number", r[1].as<std::string>()},
              {"action", r[2].as<std::string>()},       {"product_id", r[3].as<std::int64_t>()},
              {"quantity", Quantity::parse(r[4].as<std::string>()).value_or(Quantity()).to_double()},
              {"from_location_id", r[5].as<std::int64_t>()}, {"to_location_id", id_or_null(r[6])},
              {"reason", r[7].as<std::string>()},       {"status", r[8].as<std::string>()},
              {"hold", r[9].as<std::string>()},         {"failure_reason", text_or_null(r[10])},
              {"requested_by", r[11].as<std::int64_t>()}, {"decided_by", id_or_null(r[12])},
              {"decision_comment", text_or_null(r[13])}, {"decided_at", text_or_null(r[14])},
              {"expires_at", r[15].as<std::string>()},  {"transfer_id", id_or_null(r[16])},
              {"adjustment_id", id_or_null(r[17])},     {"version", r[18].as<int>()},
              {"created_at", r[19].as<std::string>()},  {"updated_at", r[20].as<std::string>()}};
}

std::optional<json> find_request(pqxx::work& txn, std::int64_t id, bool lock) {
  auto rows = txn.exec_params("SELECT " + request_columns + " FROM inventory.requests r WHERE r.id = $1" + (lock ? " FOR UPDATE" : ""), id);
  if (rows.empty()) return std::nullopt;
  return request_json(rows[0]);
}

Response not_found() { return problem(Error::of(ErrorCode::not_found, "no such request")); }

bool deciders(const domain::Actor& a) { return domain::allows(a.role, domain::Permission::decide_request); }

// Requesters see their own; deciders see all.
bool visible(const domain::Actor& a, const json& r) { return deciders(a) || r["requested_by"].get<std::int64_t>() == a.user_id; }

void announce(Context& ctx, pqxx::work& txn, std::int64_t actor, const std::string& type, const std::optional<json>& before,
              const json& after) {
  audit_change(ctx, txn, actor, type, "request", after["id"].get<std::int64_t>(), before, after);
  infra::append_event(txn, {type,
                            {{"request_id", after["id"]},
                             {"number", after["number"]},
                             {"action", after["action"]},
                             {"status", after["status"]},
                             {"product_id", after["product_id"]},
                             {"from_location_id", after["from_location_id"]},
                             {"to_location_id", after["to_location_id"]}},
                            ctx.request.request_id,
                            actor});
}

Response create_request(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::create_request);
  if (!auth) return problem(auth.error());
  const auto& actor = auth->actor;
  json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  const auto action_text = in.required_string("action", 32);
  const auto action = domain::parse_request_action(action_text);
  if (in.has("action") && !action) in.fail("action", "must be transfer, adjustment or write_off");
  const auto product_id = in.optional_id("product_id");
  if (!product_id) in.fail("product_id", "is required, a positive integer id");
  auto from = in.optional_id("from_location_id");
  const auto reason = in.required_string("reason", 500);
  if (in.has("reason") && reason.empty()) in.fail("reason", "must not be empty");
  std::optional<Quantity> quantity;
  if (body.contains("quantity") && body["quantity"].is_number()) quantity = Quantity::from_double(body["quantity"].get<double>());
  const bool signed_ok = action == RequestAction::adjustment;
  if (!quantity || quantity->milli() == 0 || (!signed_ok && *quantity < Quantity())) {
    in.fail("quantity", signed_ok ? "must be a non-zero number with at most 3 decimals"
                                  : "must be a positive number with at most 3 decimals");
  }
  if (action && *action != RequestAction::transfer) {
    // Adjustments and write-offs are of the requester's own stock.
    if (from && from != actor.location_id) in.fail("from_location_id", "must be your own location");
    from = actor.location_id;
  } else if (action && !from) {
    in.fail("from_location_id", "is required: the location to transfer from");
  }
  // A transfer request always brings the goods to the requester's own location.
  if (const auto to_given = in.optional_id("to_location_id")) {
    if (action != RequestAction::transfer) in.fail("to_location_id", "is only for transfer requests");
    else if (to_given != actor.location_id) in.fail("to_location_id", "must be your own location (or left out)");
  }
  if (!in.ok()) return problem(in.error());
  const std::optional<std::int64_t> to =
      action == RequestAction::transfer ? actor.location_id : std::optional<std::int64_t>();
  if (to && from == to) return problem(Error::validation({{"from_location_id", "must be another location than yours"}}));

  std::optional<Response> refusal;
  auto created = ctx.resources.db.transact([&](pqxx::work& txn) -> std::optional<json> {
    if (txn.exec_params("SELECT 1 FROM catalog.products WHERE id = $1 AND is_active", *product_id).empty()) {
      in.fail("product_id", "does not exist or is not active");
    }
    if (action == RequestAction::transfer) {
      // The source must be up the requester's own chain: its upstream location or a factory, so
      // nobody can freeze a sibling's stock with holds.
      if (!infra::requests::source_is_up_the_chain(txn, *from, actor.location_id.value_or(-1))) {
        in.fail("from_location_id", "must be your upstream location or a factory");
      }
      // One requester may hold only so much at once, counted under a lock so concurrency cannot exceed it.
      const auto open = infra::requests::lock_and_count_open_holds(txn, actor.user_id);
      if (in.ok() && open >= ctx.services.config.request_max_open_holds) {
        refusal = problem(Error::of(ErrorCode::conflict, "you have " + std::to_string(open) +
                                                             " transfer requests holding stock, the most allowed; wait for a decision or cancel one"));
        return std::nullopt;
      }
    } else if (txn.exec_params("SELECT 1 FROM inventory.locations WHERE id = $1 AND is_active", *from).empty()) {
      in.fail("from_location_id", "does not exist or is not active");
    }
    if (!in.ok()) return std::nullopt;
    const auto id = txn.exec_params1(
                           "INSERT INTO inventory.requests (action, product_id, quantity, from_location_id, to_location_id, reason,"
                           " hold, requested_by, expires_at, request_id)"
                           " VALUES ($1, $2, $3::numeric, $4, $5, $6, $7, $8, now() + make_interval(hours => $9), $10) RETURNING id",
                           action_text, *product_id, quantity->to_string(), *from, to, reason,
                           action == RequestAction::transfer ? "requested" : "none", actor.user_id,
                           ctx.services.config.request_sla_hours, ctx.request.request_id)[0]
                        .as<std::int64_t>();
    auto r = *find_request(txn, id, false);
    announce(ctx, txn, actor.user_id, "request.created", std::nullopt, r);
    return r;
  });
  if (!created) return refusal ? *refusal : problem(in.error());
  // 202: a transfer request's hold is placed by the stock worker (hold: requested → held, or the
  // request fails with the reason when the stock is not there).
  return versioned(202, *created).header("Location", "/api/v1/requests/" + std::to_string((*created)["id"].get<std::int64_t>()));
}

Response list_requests(Context& ctx) {
  auto auth = authenticate(ctx);
  if (!auth) return problem(auth.error());
  if (!deciders(auth->actor) && !domain::allows(auth->actor.role, domain::Permission::create_request)) {
    return problem(Error::of(ErrorCode::forbidden, "requests are for CFA and stockist users and their deciders"));
  }
  auto page = read_page(ctx.request);
  if (!page) return problem(page.error());
  auto status = ctx.request.query_param("status");
  if (status && !domain::parse_request_status(*status)) return problem(Error::validation({{"status", "is not a request status"}}));
  std::optional<std::int64_t> mine;
  if (!deciders(auth->actor)) mine = auth->actor.user_id;
  auto rows = ctx.resources.db.transact([&](pqxx::work& txn) {
    return txn.exec_params("SELECT " + request_columns +
                               " FROM inventory.requests r WHERE ($1::bigint IS NULL OR r.id < $1) AND ($2::text IS NULL OR r.status = $2)"
                               " AND ($3::bigint IS NULL OR r.requested_by = $3) ORDER BY r.id DESC LIMIT $4",
                           page->after_id, status, mine, page->limit + 1);
  });
  return json_response(200, page_of(rows, page->limit, request_json).dump());
}

Response get_request(Context& ctx) {
  auto auth = authenticate(ctx);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  auto found = ctx.resources.db.transact([&](pqxx::work& txn) { return find_request(txn, *id, false); });
  if (!found || !visible(auth->actor, *found)) return not_found();
  return versioned(200, *found);
}

// approve | deny (deciders) and cancel (the requester): lock, 404, 403, 409, then `body`.
template <typename Body>
Response decide(Context& ctx, RequestStatus to, Body&& body) {
  auto auth = authenticate(ctx);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  json input = json::object();
  if (!ctx.request.body.empty()) {
    if (auto failure = read_json_object(ctx.request, input)) return *failure;
  }
  FieldReader comment_reader(input);
  const auto comment = comment_reader.optional_string("comment", 1000);
  if (!comment_reader.ok()) return problem(comment_reader.error());
  std::optional<Response> refusal;
  auto decided = ctx.resources.db.transact([&](pqxx::work& txn) -> std::optional<json> {
    auto r = find_request(txn, *id, true);
    if (!r || !visible(auth->actor, *r)) {
      refusal = not_found();
      return std::nullopt;
    }
    const bool cancel = to == RequestStatus::canceled;
    if (cancel ? (*r)["requested_by"].get<std::int64_t>() != auth->actor.user_id : !deciders(auth->actor)) {
      refusal = problem(Error::of(ErrorCode::forbidden, cancel ? "only the requester cancels a request"
                                                               : "only a manufacturer or admin decides requests"));
      return std::nullopt;
    }
    if (auto failed = precondition(ctx.request, (*r)["version"].get<int>(), "request")) {
      refusal = *failed;
      return std::nullopt;
    }
    const auto from = *domain::parse_request_status((*r)["status"].get<std::string>());
    if (auto legal = domain::transition(from, to); !legal) {
      refusal = problem(legal.error());
      return std::nullopt;
    }
    return body(txn, *r, auth->actor.user_id, comment, refusal);
  });
  if (!decided) return *refusal;
  return versioned(200, *decided);
}

Response approve(Context& ctx) {
  return decide(ctx, RequestStatus::approved, [&](pqxx::work& txn, const json& before, std::int64_t actor,
                                                  const std::optional<std::string>& comment,
                                                  std::optional<Response>& refusal) -> std::optional<json> {
    const auto id = before["id"].get<std::int64_t>();
    if (before["hold"] == "requested") {
      refusal = problem(Error::of(ErrorCode::conflict, "the stock for this request is still being set aside; try again in a moment"));
      return std::nullopt;
    }
    const auto action = before["action"].get<std::string>();
    const auto number = before["number"].get<std::string>();
    // Approved and carried out in this one transaction: the transfer (holding on to the request's
    // hold until it is dispatched) or the adjustment for the stock worker.
    if (action == "transfer") {
      json empty = json::object();
      FieldReader in(empty);
      auto transfer = create_transfer_in(ctx, txn, in, actor, before["from_location_id"].get<std::int64_t>(),
                                         before["to_location_id"].get<std::int64_t>(),
                                         json::array({{{"product_id", before["product_id"]}, {"quantity", before["quantity"]}}}));
      if (!transfer) {
        refusal = problem(in.error());
        return std::nullopt;
      }
      txn.exec_params("UPDATE inventory.requests SET transfer_id = $2 WHERE id = $1", id, (*transfer)["id"].get<std::int64_t>());
    } else {
      const auto q = Quantity::from_double(before["quantity"].get<double>()).value_or(Quantity());
      const auto delta = action == "write_off" ? -q : q;
      const auto adjustment = txn.exec_params1(
                                     "INSERT INTO inventory.adjustments (product_id, location_id, quantity_delta, reason, requested_by,"
                                     " request_id) VALUES ($1, $2, $3::numeric, $4, $5, $6) RETURNING id",
                                     before["product_id"].get<std::int64_t>(), before["from_location_id"].get<std::int64_t>(),
                                     delta.to_string(), number + " (" + action + "): " + before["reason"].get<std::string>(), actor,
                                     ctx.request.request_id)[0]
                                  .as<std::int64_t>();
      infra::append_event(txn, {"stock.adjustment.requested",
                                {{"adjustment_id", adjustment},
                                 {"product_id", before["product_id"]},
                                 {"location_id", before["from_location_id"]}},
                                ctx.request.request_id,
                                actor});
      txn.exec_params("UPDATE inventory.requests SET adjustment_id = $2 WHERE id = $1", id, adjustment);
    }
    txn.exec_params(
        "UPDATE inventory.requests SET status = 'executed', decided_by = $2, decision_comment = $3, decided_at = now(),"
        " updated_at = now(), version = version + 1 WHERE id = $1",
        id, actor, comment);
    auto after = *find_request(txn, id, false);
    announce(ctx, txn, actor, "request.approved", before, after);
    return after;
  });
}

// Denied or canceled: the stock worker gives the hold back.
Response close_with(Context& ctx, RequestStatus to, const char* type) {
  return decide(ctx, to, [&](pqxx::work& txn, const json& before, std::int64_t actor, const std::optional<std::string>& comment,
                             std::optional<Response>&) -> std::optional<json> {
    const auto id = before["id"].get<std::int64_t>();
    txn.exec_params(
        "UPDATE inventory.requests SET status = $2, decided_by = $3, decision_comment = $4, decided_at = now(),"
        " updated_at = now(), version = version + 1 WHERE id = $1",
        id, std::string(domain::to_string(to)), actor, comment);
    auto after = *find_request(txn, id, false);
    announce(ctx, txn, actor, type, before, after);
    return after;
  });
}

Response deny(Context& ctx) { return close_with(ctx, RequestStatus::denied, "request.denied"); }
Response cancel(Context& ctx) { return close_with(ctx, RequestStatus::canceled, "request.canceled"); }

}  // namespace

void add_request_routes(Router<Handler>& router) {
  router.add("POST", "/api/v1/requests", create_request);
  router.add("GET", "/api/v1/requests", list_requests);
  router.add("GET", "/api/v1/requests/{id}", get_request);
  router.add("PUT", "/api/v1/requests/{id}/approve", approve);
  router.add("PUT", "/api/v1/requests/{id}/deny", deny);
  router.add("PUT", "/api/v1/requests/{id}/cancel", cancel);
}

}  // namespace ims::api
