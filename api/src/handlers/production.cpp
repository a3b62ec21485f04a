// /production/batches: plan, start, complete, fail QC, cancel (manufacturer and admin). Use cases
// in api/src/use_cases/production.cpp; a completion is booked by the stock worker (202).
// Decode → use case → encode.
#include "ims/api/resource.hpp"
#include "ims/api/use_cases/production.hpp"
#include "ims/infra/outbox.hpp"
#include "ims/infra/pg.hpp"

namespace ims::api {
namespace {

using domain::BatchStatus;
using domain::Error;
using domain::ErrorCode;
using domain::Quantity;
using infra::PgAuditTrail;
using infra::PgBatchStore;
using infra::PgOutbox;
using infra::UnitOfWork;
using nlohmann::json;

Response not_found() {
  return problem(Error::of(ErrorCode::not_found, "no such production batch"));
}

Response encoded(int status, const domain::Result<infra::BatchRecord>& batch) {
  return batch ? versioned(status, batch_json(*batch)) : problem(batch.error());
}

std::optional<Quantity> positive_quantity(FieldReader& in, const json& body, const char* name) {
  std::optional<Quantity> q;
  if (body.contains(name) && body[name].is_number()) q = Quantity::from_double(body[name].get<double>());
  if (body.contains(name) && body[name].is_string()) q = Quantity::parse(body[name].get<std::string>());
  if (!q || *q <= Quantity()) {
    in.fail(name, "is required, a positive number with at most 3 decimals");
    return std::nullopt;
  }
  return q;
}

Response plan(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_production);
  if (!auth) return problem(auth.error());
  json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  const auto product_id = in.optional_id("product_id");
  const auto location_id = in.optional_id("location_id");
  if (!product_id) in.fail("product_id", "is required, a positive integer id");
  if (!location_id) in.fail("location_id", "is required, a positive integer id");
  const auto planned = positive_quantity(in, body, "planned_quantity");
  if (!in.ok()) return problem(in.error());
  auto created = ctx.resources.db.unit([&](UnitOfWork& u) {
    PgBatchStore batches(u);
    PgOutbox outbox(u);
    PgAuditTrail audit(u);
    return plan_batch(caller(ctx, *auth), {*product_id, *location_id, *planned}, batches, outbox, audit);
  });
  if (!created) return problem(created.error());
  return encoded(201, created)
      .header("Location", "/api/v1/production/batches/" + std::to_string(created->id));
}

Response list(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_production);
  if (!auth) return problem(auth.error());
  auto page = read_page(ctx.request);
  if (!page) return problem(page.error());
  auto status = ctx.request.query_param("status");
  if (status && !domain::parse_batch_status(*status)) {
    return problem(
        Error::validation({{"status", "must be planned, in_progress, completed, qc_failed or canceled"}}));
  }
  const infra::BatchFilter filter{page->after_id, status, page->limit};
  auto rows = ctx.resources.db.unit([&](UnitOfWork& u) {
    PgBatchStore batches(u);
    return list_batches(filter, batches);
  });
  return json_response(200, page_of(*rows, filter.limit, batch_json).dump());
}

Response get(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_production);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  return encoded(200, ctx.resources.db.unit([&](UnitOfWork& u) {
    PgBatchStore batches(u);
    return get_batch(*id, batches);
  }));
}

// The body of complete ({quantity_produced, lot_code, expires_on?}) and qc-fail ({reason}).
void decode_body(const json& input, BatchMove& m) {
  FieldReader in(input);
  if (m.to == BatchStatus::completed) {
    m.quantity_produced = positive_quantity(in, input, "quantity_produced");
    m.lot_code = in.required_string("lot_code", 64);
    m.expires_on = in.optional_string("expires_on", 10);
    if (in.has("lot_code") && m.lot_code.empty()) in.fail("lot_code", "must not be empty");
    if (m.expires_on && !is_calendar_date(*m.expires_on)) in.fail("expires_on", "must be a date, YYYY-MM-DD");
  } else if (m.to == BatchStatus::qc_failed) {
    m.qc_reason = in.required_string("reason", 500);
    if (in.has("reason") && m.qc_reason.empty()) in.fail("reason", "must not be empty");
  }
  m.body_errors = in.errors();
}

// PUT …/{id}/start | cancel | complete | qc-fail (use case move_batch).
Response batch_move(Context& ctx, BatchStatus to) {
  auto auth = authorize(ctx, domain::Permission::manage_production);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  json input = json::object();
  if (!ctx.request.body.empty()) {
    if (auto failure = read_json_object(ctx.request, input)) return *failure;
  }
  BatchMove command;
  command.id = *id;
  command.if_match = ctx.request.header("if-match");
  command.to = to;
  decode_body(input, command);
  auto moved = ctx.resources.db.unit([&](UnitOfWork& u) {
    PgBatchStore batches(u);
    PgOutbox outbox(u);
    PgAuditTrail audit(u);
    return move_batch(caller(ctx, *auth), command, batches, outbox, audit);
  });
  if (!moved) return problem(moved.error());
  return versioned(moved->accepted ? 202 : 200, batch_json(moved->batch));
}

}  // namespace

void add_production_routes(Router<Handler>& router) {
  router.add("POST", "/api/v1/production/batches", plan);
  router.add("GET", "/api/v1/production/batches", list);
  router.add("GET", "/api/v1/production/batches/{id}", get);
  router.add("PUT", "/api/v1/production/batches/{id}/start",
             [](Context& ctx) { return batch_move(ctx, BatchStatus::in_progress); });
  router.add("PUT", "/api/v1/production/batches/{id}/complete",
             [](Context& ctx) { return batch_move(ctx, BatchStatus::completed); });
  router.add("PUT", "/api/v1/production/batches/{id}/qc-fail",
             [](Context& ctx) { return batch_move(ctx, BatchStatus::qc_failed); });
  router.add("PUT", "/api/v1/production/batches/{id}/cancel",
             [](Context& ctx) { return batch_move(ctx, BatchStatus::canceled); });
}

}  // namespace ims::api
