// /transfers: goods between two locations with an in-transit state. Created by manufacturer or
// admin (or by an approved request); dispatched by the source (or manufacturer/admin), arrived and
// completed by the destination. Dispatch and completion are carried out by the stock worker
// (202); outside the two locations a transfer does not exist for the caller (404).
// Decode → use case (api/src/use_cases/transfers.cpp) → encode.
#include "ims/api/resource.hpp"
#include "ims/api/use_cases/transfers.hpp"
#include "ims/infra/outbox.hpp"
#include "ims/infra/pg.hpp"

namespace ims::api {
namespace {

std::vector<TransferLineCommand> decode_transfer_lines(const nlohmann::json& lines) {
  std::vector<TransferLineCommand> out;
  for (const auto& l : lines) {
    TransferLineCommand line;
    if (!l.is_object()) {
      out.push_back(line);
      continue;
    }
    if (l.contains("quantity") && l["quantity"].is_number()) {
      line.quantity = domain::Quantity::from_double(l["quantity"].get<double>());
    }
    if (l.contains("product_id") && l["product_id"].is_number_integer())
      line.product_id = l["product_id"].get<std::int64_t>();
    if (l.contains("lot_id") && !l["lot_id"].is_null()) {
      if (l["lot_id"].is_number_integer()) {
        line.lot_id = l["lot_id"].get<std::int64_t>();
      } else {
        line.lot_malformed = true;
      }
    }
    out.push_back(line);
  }
  return out;
}

using domain::TransferStatus;
using infra::PgAuditTrail;
using infra::PgOutbox;
using infra::PgTransferStore;
using infra::UnitOfWork;
using nlohmann::json;

Response not_found() {
  return problem(domain::Error::of(domain::ErrorCode::not_found, "no such transfer"));
}

Response create(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_transfers);
  if (!auth) return problem(auth.error());
  json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  const auto from = in.optional_id("from_location_id");
  const auto to = in.optional_id("to_location_id");
  if (!from) in.fail("from_location_id", "is required, a positive integer id");
  if (!to) in.fail("to_location_id", "is required, a positive integer id");
  if (!in.ok()) return problem(in.error());
  CreateTransfer command{*from, *to, std::nullopt};
  if (body.contains("lines") && body["lines"].is_array())
    command.lines = decode_transfer_lines(body["lines"]);
  auto created = ctx.resources.db.unit([&](UnitOfWork& u) {
    PgTransferStore transfers(u);
    PgOutbox outbox(u);
    PgAuditTrail audit(u);
    return create_transfer(caller(ctx, *auth), command, transfers, outbox, audit);
  });
  if (!created) return problem(created.error());
  const auto id = (*created)["id"].get<std::int64_t>();
  return versioned(201, *created).header("Location", "/api/v1/transfers/" + std::to_string(id));
}

Response list(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_transfers);
  if (!auth) return problem(auth.error());
  auto page = read_page(ctx.request);
  if (!page) return problem(page.error());
  auto status = ctx.request.query_param("status");
  if (status && !domain::parse_transfer_status(*status)) {
    return problem(domain::Error::validation({{"status", "is not a transfer status"}}));
  }
  infra::TransferFilter filter{page->after_id, status, std::nullopt, page->limit};
  auto rows = ctx.resources.db.unit([&](UnitOfWork& u) {
    PgTransferStore transfers(u);
    return list_transfers(caller(ctx, *auth), filter, transfers);
  });
  return json_response(200, page_of(*rows, filter.limit, transfer_json).dump());
}

Response get(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_transfers);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  auto found = ctx.resources.db.unit([&](UnitOfWork& u) {
    PgTransferStore transfers(u);
    return get_transfer(caller(ctx, *auth), *id, transfers);
  });
  return found ? versioned(200, *found) : problem(found.error());
}

// Body of complete: {lines:[{product_id, received_quantity}]}, every line of the transfer once.
std::optional<std::vector<ReceivedLineCommand>> decode_received(const json& input) {
  if (!input.contains("lines") || !input["lines"].is_array()) return std::nullopt;
  std::vector<ReceivedLineCommand> out;
  for (const auto& g : input["lines"]) {
    ReceivedLineCommand line;
    if (g.is_object() && g.contains("product_id") && g["product_id"].is_number_integer()) {
      line.product_id = g["product_id"].get<std::int64_t>();
    }
    if (g.is_object() && g.contains("received_quantity") && g["received_quantity"].is_number()) {
      line.received_quantity = domain::Quantity::from_double(g["received_quantity"].get<double>());
    }
    out.push_back(line);
  }
  return out;
}

// PUT …/dispatch | arrive | complete | cancel (use case move_transfer).
Response transfer_move(Context& ctx, TransferStatus to) {
  auto auth = authorize(ctx, domain::Permission::read_transfers);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  json input = json::object();
  if (!ctx.request.body.empty()) {
    if (auto failure = read_json_object(ctx.request, input)) return *failure;
  }
  TransferMove command{*id, ctx.request.header("if-match"), to, std::nullopt};
  if (to == TransferStatus::completed) command.received = decode_received(input);
  auto moved = ctx.resources.db.unit([&](UnitOfWork& u) {
    PgTransferStore transfers(u);
    PgOutbox outbox(u);
    PgAuditTrail audit(u);
    return move_transfer(caller(ctx, *auth), command, transfers, outbox, audit);
  });
  if (!moved) return problem(moved.error());
  return versioned(moved->accepted ? 202 : 200, moved->transfer);
}

}  // namespace

void add_transfer_routes(Router<Handler>& router) {
  router.add("POST", "/api/v1/transfers", create);
  router.add("GET", "/api/v1/transfers", list);
  router.add("GET", "/api/v1/transfers/{id}", get);
  router.add("PUT", "/api/v1/transfers/{id}/dispatch",
             [](Context& ctx) { return transfer_move(ctx, TransferStatus::in_transit); });
  router.add("PUT", "/api/v1/transfers/{id}/arrive",
             [](Context& ctx) { return transfer_move(ctx, TransferStatus::arrived); });
  router.add("PUT", "/api/v1/transfers/{id}/complete",
             [](Context& ctx) { return transfer_move(ctx, TransferStatus::completed); });
  router.add("PUT", "/api/v1/transfers/{id}/cancel",
             [](Context& ctx) { return transfer_move(ctx, TransferStatus::canceled); });
}

}  // namespace ims::api
