// /transfers: goods between two locations with an in-transit state. Created by manufacturer or
// admin (or by an approved request); dispatched by the source (or manufacturer/admin), arrived and
// completed by the destination. Dispatch and completion are carried out by the stock worker
// (202); outside the two locations a transfer does not exist for the caller (404).
#include <nlohmann/json.hpp>

#include "ims/api/resource.hpp"
#include "ims/domain/stock.hpp"
#include "ims/domain/workflow.hpp"
#include "ims/infra/outbox.hpp"
#include "ims/infra/pg.hpp"

namespace ims::api {
namespace {

using domain::Error;
using domain::ErrorCode;
using domain::Quantity;
using domain::TransferStatus;
using nlohmann::json;


const std::string transfer_columns =
    "t.id, t.number, t.from_location_id, t.to_location_id, t.status, t.pending_step, t.failure_reason, t.version, " +
    utc_timestamp("t.created_at") + ", " + utc_timestamp("t.updated_at");

json q_json(const pqxx::field& f) {
  return f.is_null() ? json(nullptr) : json(Quantity::parse(f.as<std::string>()).value_or(Quantity()).to_double());
}

json transfer_json(const pqxx::row& r) {
  return json{{"id", r[0].as<std::int64_t>()},         {"number", r[1].as<std::string>()},
              {"from_location_id", r[2].as<std::int64_t>()}, {"to_location_id", r[3].as<std::int64_t>()},
              {"status", r[4].as<std::string>()},       {"pending_step", text_or_null(r[5])},
              {"failure_reason", text_or_null(r[6])},   {"version", r[7].as<int>()},
              {"created_at", r[8].as<std::string>()},   {"updated_at", r[9].as<std::string>()}};
}

std::optional<json> find_transfer(pqxx::work& txn, std::int64_t id, bool lock) {
  auto rows = txn.exec_params("SELECT " + transfer_columns + " FROM inventory.transfers t WHERE t.id = $1" + (lock ? " FOR UPDATE" : ""), id);
  if (rows.empty()) return std::nullopt;
  return transfer_json(rows[0]);
}

void add_lines(pqxx::work& txn, json& t) {
  auto rows = txn.exec_params(
      "SELECT l.id, l.line_no, l.product_id, p.sku, l.lot_id, lt.lot_code, l.quantity::text, l.received_quantity::text,"
      "       coalesce((SELECT json_agg(json_build_object('lot_id', k.lot_id, 'lot_code', kl.lot_code, 'quantity', k.quantity)"
      "                   ORDER BY k.id) FROM inventory.transfer_picks k LEFT JOIN inventory.lots kl ON kl.id = k.lot_id"
      "                 WHERE k.transfer_line_id = l.id), '[]')::text,"
      "       (SELECT sum(d.quantity) FROM inventory.transfer_discrepancies d WHERE d.transfer_line_id = l.id)::text"
      " FROM inventory.transfer_lines l JOIN catalog.products p ON p.id = l.product_id LEFT JOIN inventory.lots lt ON lt.id = l.lot_id"
      " WHERE l.transfer_id = $1 ORDER BY l.line_no",
      t["id"].get<std::int64_t>());
  t["lines"] = json::array();
  for (const auto& r : rows) {
    auto picks = json::parse(r[8].as<std::string>());
    for (auto& p : picks) p["quantity"] = p["quantity"].get<double>();
    t["lines"].push_back({{"id", r[0].as<std::int64_t>()},      {"line_no", r[1].as<int>()},
                          {"product_id", r[2].as<std::int64_t>()}, {"sku", r[3].as<std::string>()},
                          {"lot_id", id_or_null(r[4])},         {"lot_code", text_or_null(r[5])},
                          {"quantity", q_json(r[6])},           {"received_quantity", q_json(r[7])},
                          {"picks", std::move(picks)},          {"discrepancy", q_json(r[9])}});
  }
}

Response not_found() { return problem(Error::of(ErrorCode::not_found, "no such transfer")); }

bool involved(const domain::Actor& actor, const json& t) {
  return domain::can_access_location(actor, t["from_location_id"].get<std::int64_t>()) ||
         domain::can_access_location(actor, t["to_location_id"].get<std::int64_t>());
}

void announce(Context& ctx, pqxx::work& txn, std::int64_t actor, const std::string& type, const json& before, const json& after) {
  audit_change(ctx, txn, actor, type, "transfer", after["id"].get<std::int64_t>(),
               before.is_null() ? std::nullopt : std::optional(before), after);
  infra::append_event(txn, {type,
                            {{"transfer_id", after["id"]},
                             {"number", after["number"]},
                             {"from_location_id", after["from_location_id"]},
                             {"to_location_id", after["to_location_id"]},
                             {"status", after["status"]}},
                            ctx.request.request_id,
                            actor});
}

}  // namespace

// Creates a transfer (lines: product_id, quantity, optional lot_id) in the caller's transaction;
// shared with approval requests. Field errors go to `in`; returns the transfer or nothing.
std::optional<json> create_transfer_in(Context& ctx, pqxx::work& txn, FieldReader& in, std::int64_t actor, std::int64_t from,
                                       std::int64_t to, const json& lines) {
  auto locations = txn.exec_params("SELECT id FROM inventory.locations WHERE id IN ($1, $2) AND is_active", from, to);
  if (from == to) in.fail("to_location_id", "must differ from from_location_id");
  else if (locations.size() != 2) in.fail("from_location_id", "both locations must exist and be active");
  if (!lines.is_array() || lines.empty() || lines.size() > 200) in.fail("lines", "must hold 1 to 200 lines");
  if (!in.ok()) return std::nullopt;
  json rows = json::array();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto at = "lines[" + std::to_string(i) + "].";
    const auto& l = lines[i];
    std::optional<Quantity> q;
    if (l.is_object() && l.contains("quantity") && l["quantity"].is_number()) q = Quantity::from_double(l["quantity"].get<double>());
    if (!q || *q <= Quantity()) in.fail(at + "quantity", "must be a positive number with at most 3 decimals");
    if (!l.is_object() || !l.contains("product_id") || !l["product_id"].is_number_integer()) {
      in.fail(at + "product_id", "is required, a positive integer id");
      continue;
    }
    const auto product = l["product_id"].get<std::int64_t>();
    if (txn.exec_params("SELECT 1 FROM catalog.products WHERE id = $1 AND is_active", product).empty()) {
      in.fail(at + "product_id", "does not exist or is not active");
    }
    std::optional<std::int64_t> lot;
    if (l.contains("lot_id") && !l["lot_id"].is_null()) {
      lot = l["lot_id"].is_number_integer() ? std::optional(l["lot_id"].get<std::int64_t>()) : std::nullopt;
      if (!lot || txn.exec_params("SELECT 1 FROM inventory.lots WHERE id = $1 AND product_id = $2", *lot, product).empty()) {
        in.fail(at + "lot_id", "is not a lot of this product");
      }
    }
    if (q) rows.push_back({{"line_no", i + 1}, {"product_id", product}, {"lot_id", lot ? json(*lot) : json(nullptr)}, {"quantity", q->to_string()}});
  }
  if (!in.ok()) return std::nullopt;
  const auto id = txn.exec_params1(
                         "WITH t AS (INSERT INTO inventory.transfers (from_location_id, to_location_id, created_by, request_id)"
                         "   VALUES ($1, $2, $3, $4) RETURNING id),"
                         " l AS (INSERT INTO inventory.transfer_lines (transfer_id, line_no, product_id, lot_id, quantity)"
                         "   SELECT t.id, x.line_no, x.product_id, x.lot_id, x.quantity FROM t,"
                         "   jsonb_to_recordset($5::jsonb) AS x(line_no int, product_id bigint, lot_id bigint, quantity numeric))"
                         " SELECT id FROM t",
                         from, to, actor, ctx.request.request_id, rows.dump())[0]
                      .as<std::int64_t>();
  auto t = *find_transfer(txn, id, false);
  announce(ctx, txn, actor, "transfer.created", json(), t);
  add_lines(txn, t);
  return t;
}

namespace {

Response create_transfer(Context& ctx) {
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
  auto created = ctx.resources.db.transact([&](pqxx::work& txn) {
    return create_transfer_in(ctx, txn, in, auth->actor.user_id, *from, *to, body.value("lines", json()));
  });
  if (!created) return problem(in.error());
  return versioned(201, *created).header("Location", "/api/v1/transfers/" + std::to_string((*created)["id"].get<std::int64_t>()));
}

Response list_transfers(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_transfers);
  if (!auth) return problem(auth.error());
  auto page = read_page(ctx.request);
  if (!page) return problem(page.error());
  auto status = ctx.request.query_param("status");
  if (status && !domain::parse_transfer_status(*status)) return problem(Error::validation({{"status", "is not a transfer status"}}));
  std::optional<std::int64_t> scope;
  if (domain::is_location_scoped(auth->actor.role)) scope = auth->actor.location_id.value_or(-1);
  auto rows = ctx.resources.db.transact([&](pqxx::work& txn) {
    return txn.exec_params("SELECT " + transfer_columns +
                               " FROM inventory.transfers t WHERE ($1::bigint IS NULL OR t.id < $1) AND ($2::text IS NULL OR t.status = $2)"
                               " AND ($3::bigint IS NULL OR t.from_location_id = $3 OR t.to_location_id = $3)"
                               " ORDER BY t.id DESC LIMIT $4",
                           page->after_id, status, scope, page->limit + 1);
  });
  return json_response(200, page_of(rows, page->limit, transfer_json).dump());
}

Response get_transfer(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_transfers);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  auto found = ctx.resources.db.transact([&](pqxx::work& txn) -> std::optional<json> {
    auto t = find_transfer(txn, *id, false);
    if (!t || !involved(auth->actor, *t)) return std::nullopt;
    add_lines(txn, *t);
    return t;
  });
  return found ? versioned(200, *found) : not_found();
}

enum class Side { source, destination, managers };

// PUT …/dispatch | arrive | complete | cancel: lock, scope (404), who (403), legal move (409).
template <typename Body>
Response move(Context& ctx, TransferStatus to, Side side, Body&& body) {
  auto auth = authorize(ctx, domain::Permission::read_transfers);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  json input = json::object();
  if (!ctx.request.body.empty()) {
    if (auto failure = read_json_object(ctx.request, input)) return *failure;
  }
  std::optional<Response> refusal;
  bool accepted = false;
  auto moved = ctx.resources.db.transact([&](pqxx::work& txn) -> std::optional<json> {
    auto t = find_transfer(txn, *id, true);
    if (!t || !involved(auth->actor, *t)) {
      refusal = not_found();
      return std::nullopt;
    }
    const bool manager = domain::allows(auth->actor.role, domain::Permission::manage_transfers);
    const bool at_source = domain::can_access_location(auth->actor, (*t)["from_location_id"].get<std::int64_t>());
    const bool at_destination = domain::can_access_location(auth->actor, (*t)["to_location_id"].get<std::int64_t>());
    const bool may = manager || (side == Side::source && at_source) || (side == Side::destination && at_destination);
    if (!may) {
      refusal = problem(Error::of(ErrorCode::forbidden, side == Side::source        ? "the source location dispatches a transfer"
                                                        : side == Side::destination ? "the destination location receives a transfer"
                                                                                    : "only manufacturer or admin may do this"));
      return std::nullopt;
    }
    if (auto failed = precondition(ctx.request, (*t)["version"].get<int>(), "transfer")) {
      refusal = *failed;
      return std::nullopt;
    }
    if (!(*t)["pending_step"].is_null()) {
      refusal = problem(Error::of(ErrorCode::conflict, "the stock worker is still carrying out this transfer's " +
                                                           (*t)["pending_step"].get<std::string>()));
      return std::nullopt;
    }
    const auto from = *domain::parse_transfer_status((*t)["status"].get<std::string>());
    if (auto legal = domain::transition(from, to); !legal) {
      refusal = problem(legal.error());
      return std::nullopt;
    }
    return body(txn, *t, input, auth->actor.user_id, refusal, accepted);
  });
  if (!moved) return *refusal;
  return versioned(accepted ? 202 : 200, *moved);
}

json reload(pqxx::work& txn, std::int64_t id) {
  auto t = *find_transfer(txn, id, false);
  add_lines(txn, t);
  return t;
}

Response dispatch(Context& ctx) {
  return move(ctx, TransferStatus::in_transit, Side::source,
              [&](pqxx::work& txn, const json& before, const json&, std::int64_t actor, std::optional<Response>&, bool& accepted) {
                const auto id = before["id"].get<std::int64_t>();
                txn.exec_params("UPDATE inventory.transfers SET pending_step = 'dispatch', failure_reason = NULL, updated_at = now(),"
                                " version = version + 1 WHERE id = $1",
                                id);
                auto after = reload(txn, id);
                announce(ctx, txn, actor, "transfer.dispatch_requested", before, after);
                accepted = true;
                return std::optional(after);
              });
}

Response arrive(Context& ctx) {
  return move(ctx, TransferStatus::arrived, Side::destination,
              [&](pqxx::work& txn, const json& before, const json&, std::int64_t actor, std::optional<Response>&, bool&) {
                const auto id = before["id"].get<std::int64_t>();
                txn.exec_params("UPDATE inventory.transfers SET status = 'arrived', arrived_at = now(), updated_at = now(),"
                                " version = version + 1 WHERE id = $1",
                                id);
                auto after = reload(txn, id);
                announce(ctx, txn, actor, "transfer.arrived", before, after);
                return std::optional(after);
              });
}

Response cancel(Context& ctx) {
  return move(ctx, TransferStatus::canceled, Side::managers,
              [&](pqxx::work& txn, const json& before, const json&, std::int64_t actor, std::optional<Response>&, bool&) {
                const auto id = before["id"].get<std::int64_t>();
                txn.exec_params("UPDATE inventory.transfers SET status = 'canceled', updated_at = now(), version = version + 1 WHERE id = $1",
                                id);
                auto after = reload(txn, id);
                announce(ctx, txn, actor, "transfer.canceled", before, after);
                return std::optional(after);
              });
}

// Body: {lines:[{product_id, lot_id?, received_quantity}]}; every line of the transfer once.
Response complete(Context& ctx) {
  return move(ctx, TransferStatus::completed, Side::destination,
              [&](pqxx::work& txn, const json& before, const json& input, std::int64_t actor, std::optional<Response>& refusal,
                  bool& accepted) -> std::optional<json> {
                const auto id = before["id"].get<std::int64_t>();
                auto lines = txn.exec_params("SELECT id, product_id, lot_id, quantity::text FROM inventory.transfer_lines WHERE transfer_id = $1 ORDER BY line_no", id);
                FieldReader in(input);
                const auto& given = input.contains("lines") ? input["lines"] : json();
                if (!given.is_array() || given.size() != lines.size()) {
                  in.fail("lines", "must give received_quantity for each of the transfer's " + std::to_string(lines.size()) + " lines");
                }
                std::vector<std::pair<std::int64_t, std::string>> received;  // line id → quantity
                for (std::size_t i = 0; in.ok() && i < lines.size(); ++i) {
                  const auto& g = given[i];
                  const auto at = "lines[" + std::to_string(i) + "].";
                  std::optional<Quantity> q;
                  if (g.is_object() && g.contains("received_quantity") && g["received_quantity"].is_number()) {
                    q = Quantity::from_double(g["received_quantity"].get<double>());
                  }
                  const auto shipped = Quantity::parse(lines[i][3].as<std::string>()).value_or(Quantity());
                  if (!q || *q < Quantity()) {
                    in.fail(at + "received_quantity", "must be zero or more, with at most 3 decimals");
                  } else if (*q > shipped) {
                    // Receiving more than was shipped would create stock without the permission to
                    // adjust (docs/decisions.md): the surplus is reported as an adjustment request.
                    in.fail(at + "received_quantity", "may not exceed the " + shipped.to_string() +
                                                          " shipped; ask for an adjustment of the surplus (POST /requests)");
                    q.reset();
                  }
                  const bool product_given = g.is_object() && g.contains("product_id") && g["product_id"].is_number_integer();
                  if (!product_given || g["product_id"].get<std::int64_t>() != lines[i][1].as<std::int64_t>()) {
                    in.fail(at + "product_id", "must be the product of line " + std::to_string(i + 1));
                  }
                  if (q) received.emplace_back(lines[i][0].as<std::int64_t>(), q->to_string());
                }
                if (!in.ok()) {
                  refusal = problem(in.error());
                  return std::nullopt;
                }
                for (const auto& [line, quantity] : received) {
                  txn.exec_params("UPDATE inventory.transfer_lines SET received_quantity = $2::numeric WHERE id = $1", line, quantity);
                }
                txn.exec_params("UPDATE inventory.transfers SET pending_step = 'complete', failure_reason = NULL, updated_at = now(),"
                                " version = version + 1 WHERE id = $1",
                                id);
                auto after = reload(txn, id);
                announce(ctx, txn, actor, "transfer.completion_requested", before, after);
                accepted = true;
                return after;
              });
}

}  // namespace

void add_transfer_routes(Router<Handler>& router) {
  router.add("POST", "/api/v1/transfers", create_transfer);
  router.add("GET", "/api/v1/transfers", list_transfers);
  router.add("GET", "/api/v1/transfers/{id}", get_transfer);
  router.add("PUT", "/api/v1/transfers/{id}/dispatch", dispatch);
  router.add("PUT", "/api/v1/transfers/{id}/arrive", arrive);
  router.add("PUT", "/api/v1/transfers/{id}/complete", complete);
  router.add("PUT", "/api/v1/transfers/{id}/cancel", cancel);
}

}  // namespace ims::api
