// /requests: approval requests (use cases in api/src/use_cases/requests.cpp). A transfer request
// holds the stock at the source (placed by the stock worker) until its transfer is dispatched, or it
// is denied, canceled or expires. Decode → use case → encode.
#include "ims/api/resource.hpp"
#include "ims/api/use_cases/requests.hpp"
#include "ims/infra/outbox.hpp"
#include "ims/infra/pg.hpp"

namespace ims::api {
namespace {

using domain::Error;
using domain::ErrorCode;
using domain::Quantity;
using domain::RequestAction;
using domain::RequestStatus;
using infra::PgAuditTrail;
using infra::PgOutbox;
using infra::PgRequestStore;
using infra::PgTransferStore;
using infra::UnitOfWork;
using nlohmann::json;

Response not_found() {
  return problem(Error::of(ErrorCode::not_found, "no such request"));
}

std::optional<Quantity> read_quantity(const json& body, RequestAction action, FieldReader& in) {
  std::optional<Quantity> q;
  if (body.contains("quantity") && body["quantity"].is_number())
    q = Quantity::from_double(body["quantity"].get<double>());
  const bool signed_ok = action == RequestAction::adjustment;
  if (!q || q->milli() == 0 || (!signed_ok && *q < Quantity())) {
    in.fail("quantity", signed_ok ? "must be a non-zero number with at most 3 decimals"
                                  : "must be a positive number with at most 3 decimals");
    return std::nullopt;
  }
  return q;
}

// The body, checked against the caller: adjustments and write-offs are of the caller's own stock,
// a transfer request always brings the goods to the caller's own location.
std::optional<RequestCommand> decode(const json& body, const domain::Actor& actor, FieldReader& in) {
  const auto action = domain::parse_request_action(in.required_string("action", 32));
  if (in.has("action") && !action) in.fail("action", "must be transfer, adjustment or write_off");
  const auto product_id = in.optional_id("product_id");
  if (!product_id) in.fail("product_id", "is required, a positive integer id");
  auto from = in.optional_id("from_location_id");
  const auto reason = in.required_string("reason", 500);
  if (in.has("reason") && reason.empty()) in.fail("reason", "must not be empty");
  const auto quantity = read_quantity(body, action.value_or(RequestAction::transfer), in);
  if (action && *action != RequestAction::transfer) {
    if (from && from != actor.location_id) in.fail("from_location_id", "must be your own location");
    from = actor.location_id;
  } else if (action && !from) {
    in.fail("from_location_id", "is required: the location to transfer from");
  }
  if (const auto to_given = in.optional_id("to_location_id")) {
    if (action != RequestAction::transfer)
      in.fail("to_location_id", "is only for transfer requests");
    else if (to_given != actor.location_id)
      in.fail("to_location_id", "must be your own location (or left out)");
  }
  if (in.ok() && !from) in.fail("from_location_id", "is required: your account has no location");
  if (!in.ok()) return std::nullopt;
  const auto to = action == RequestAction::transfer ? actor.location_id : std::nullopt;
  if (to && from == to) {
    in.fail("from_location_id", "must be another location than yours");
    return std::nullopt;
  }
  return RequestCommand{*action, *product_id, *quantity, *from, to, reason};
}

Response create(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::create_request);
  if (!auth) return problem(auth.error());
  json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  const auto command = decode(body, auth->actor, in);
  if (!command) return problem(in.error());
  const RequestLimits limits{ctx.services.config.request_max_open_holds,
                             ctx.services.config.request_sla_hours};
  auto created = ctx.resources.db.unit([&](UnitOfWork& u) {
    PgRequestStore requests(u);
    PgOutbox outbox(u);
    PgAuditTrail audit(u);
    return create_request(caller(ctx, *auth), *command, limits, requests, outbox, audit);
  });
  if (!created) return problem(created.error());
  // 202: a transfer request's hold is placed by the stock worker (hold: requested → held, or the
  // request fails with the reason when the stock is not there).
  const auto id = (*created)["id"].get<std::int64_t>();
  return versioned(202, *created).header("Location", "/api/v1/requests/" + std::to_string(id));
}

Response list(Context& ctx) {
  auto auth = authenticate(ctx);
  if (!auth) return problem(auth.error());
  auto page = read_page(ctx.request);
  if (!page) return problem(page.error());
  auto status = ctx.request.query_param("status");
  if (status && !domain::parse_request_status(*status)) {
    return problem(Error::validation({{"status", "is not a request status"}}));
  }
  infra::RequestFilter filter{page->after_id, status, std::nullopt, page->limit};
  auto rows = ctx.resources.db.unit([&](UnitOfWork& u) {
    PgRequestStore requests(u);
    return list_requests(caller(ctx, *auth), filter, requests);
  });
  if (!rows) return problem(rows.error());
  return json_response(200, page_of(*rows, filter.limit, request_json).dump());
}

Response get(Context& ctx) {
  auto auth = authenticate(ctx);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  auto found = ctx.resources.db.unit([&](UnitOfWork& u) {
    PgRequestStore requests(u);
    return get_request(caller(ctx, *auth), *id, requests);
  });
  return found ? versioned(200, request_json(*found)) : problem(found.error());
}

// PUT …/approve | deny (deciders) and cancel (the requester), with an optional comment.
Response decide(Context& ctx, RequestStatus to) {
  auto auth = authenticate(ctx);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  json input = json::object();
  if (!ctx.request.body.empty()) {
    if (auto failure = read_json_object(ctx.request, input)) return *failure;
  }
  FieldReader in(input);
  const RequestDecision decision{*id, ctx.request.header("if-match"), to,
                                 in.optional_string("comment", 1000)};
  if (!in.ok()) return problem(in.error());
  auto decided = ctx.resources.db.unit([&](UnitOfWork& u) {
    PgRequestStore requests(u);
    PgTransferStore transfers(u);
    PgOutbox outbox(u);
    PgAuditTrail audit(u);
    return decide_request(caller(ctx, *auth), decision, requests, transfers, outbox, audit);
  });
  return decided ? versioned(200, request_json(*decided)) : problem(decided.error());
}

}  // namespace

void add_request_routes(Router<Handler>& router) {
  router.add("POST", "/api/v1/requests", create);
  router.add("GET", "/api/v1/requests", list);
  router.add("GET", "/api/v1/requests/{id}", get);
  router.add("PUT", "/api/v1/requests/{id}/approve",
             [](Context& ctx) { return decide(ctx, RequestStatus::approved); });
  router.add("PUT", "/api/v1/requests/{id}/deny",
             [](Context& ctx) { return decide(ctx, RequestStatus::denied); });
  router.add("PUT", "/api/v1/requests/{id}/cancel",
             [](Context& ctx) { return decide(ctx, RequestStatus::canceled); });
}

}  // namespace ims::api
