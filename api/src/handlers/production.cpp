// /production/batches: plan, start, complete, fail QC, cancel (manufacturer and admin).
// Completing checks the bill of materials against the stock at the batch's location first: if a
// material is short the answer is 409 naming it and by how much, and nothing is recorded. Otherwise
// the completion is recorded (202) and the stock worker consumes the materials and books the
// output lot in one transaction — or, if the stock moved meanwhile, records why it could not.
#include <nlohmann/json.hpp>

#include "ims/api/resource.hpp"
#include "ims/domain/catalog.hpp"
#include "ims/domain/stock.hpp"
#include "ims/domain/workflow.hpp"
#include "ims/infra/outbox.hpp"
#include "ims/infra/pg.hpp"

namespace ims::api {
namespace {

using domain::BatchStatus;
using domain::Error;
using domain::ErrorCode;
using domain::Quantity;
using nlohmann::json;


const std::string batch_columns =
    "b.id, b.number, b.product_id, b.location_id, b.planned_quantity::text, b.produced_quantity::text, b.status,"
    " b.completion, b.failure_reason, b.lot_code, b.expires_on::text, b.lot_id, b.cost_per_unit::text, b.qc_reason,"
    " b.version, " + utc_timestamp("b.created_at") + ", " + utc_timestamp("b.updated_at") + ", " + utc_timestamp("b.completed_at");

json quantity_or_null(const pqxx::field& f) {
  return f.is_null() ? json(nullptr) : json(Quantity::parse(f.as<std::string>()).value_or(Quantity()).to_double());
}

json batch_json(const pqxx::row& r) {
  return json{{"id", r[0].as<std::int64_t>()},        {"number", r[1].as<std::string>()},
              {"product_id", r[2].as<std::int64_t>()}, {"location_id", r[3].as<std::int64_t>()},
              {"planned_quantity", quantity_or_null(r[4])}, {"produced_quantity", quantity_or_null(r[5])},
              {"status", r[6].as<std::string>()},      {"completion", text_or_null(r[7])},
              {"failure_reason", text_or_null(r[8])},  {"lot_code", text_or_null(r[9])},
              {"expires_on", text_or_null(r[10])},     {"lot_id", id_or_null(r[11])},
              {"cost_per_unit", text_or_null(r[12])},  {"qc_reason", text_or_null(r[13])},
              {"version", r[14].as<int>()},            {"created_at", r[15].as<std::string>()},
              {"updated_at", r[16].as<std::string>()}, {"completed_at", text_or_null(r[17])}};
}

std::optional<json> find_batch(pqxx::work& txn, std::int64_t id, bool lock) {
  auto rows = txn.exec_params("SELECT " + batch_columns + " FROM production.batches b WHERE b.id = $1" + (lock ? " FOR UPDATE" : ""), id);
  if (rows.empty()) return std::nullopt;
  return batch_json(rows[0]);
}

Response not_found() { return problem(Error::of(ErrorCode::not_found, "no such production batch")); }


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

void audit_and_announce(Context& ctx, pqxx::work& txn, std::int64_t actor, const std::string& type, const json& before,
                        const json& after, json data) {
  audit_change(ctx, txn, actor, type, "production_batch", after["id"].get<std::int64_t>(), before.is_null() ? std::nullopt : std::optional(before), after);
  data["batch_id"] = after["id"];
  data["number"] = after["number"];
  data["product_id"] = after["product_id"];
  data["location_id"] = after["location_id"];
  data["status"] = after["status"];
  infra::append_event(txn, {type, std::move(data), ctx.request.request_id, actor});
}

Response plan_batch(Context& ctx) {
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
  auto created = ctx.resources.db.transact([&](pqxx::work& txn) -> std::optional<json> {
    auto product = txn.exec_params("SELECT kind, is_active FROM catalog.products WHERE id = $1", *product_id);
    if (product.empty()) in.fail("product_id", "does not exist");
    else if (product[0][0].as<std::string>() != "finished_good") in.fail("product_id", "is a raw material; batches make finished goods");
    else if (!product[0][1].as<bool>()) in.fail("product_id", "is not active");
    auto location = txn.exec_params("SELECT kind FROM inventory.locations WHERE id = $1", *location_id);
    if (location.empty()) in.fail("location_id", "does not exist");
    else if (location[0][0].as<std::string>() != "factory") in.fail("location_id", "must be a factory");
    if (!in.ok()) return std::nullopt;
    const auto id = txn.exec_params1(
                           "INSERT INTO production.batches (product_id, location_id, planned_quantity, created_by, request_id)"
                           " VALUES ($1, $2, $3::numeric, $4, $5) RETURNING id",
                           *product_id, *location_id, planned->to_string(), auth->actor.user_id, ctx.request.request_id)[0]
                        .as<std::int64_t>();
    auto batch = *find_batch(txn, id, false);
    audit_and_announce(ctx, txn, auth->actor.user_id, "production.planned", json(), batch, json::object());
    return batch;
  });
  if (!created) return problem(in.error());
  return versioned(201, *created).header("Location", "/api/v1/production/batches/" + std::to_string((*created)["id"].get<std::int64_t>()));
}

Response list_batches(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_production);
  if (!auth) return problem(auth.error());
  auto page = read_page(ctx.request);
  if (!page) return problem(page.error());
  auto status = ctx.request.query_param("status");
  if (status && !domain::parse_batch_status(*status)) {
    return problem(Error::validation({{"status", "must be planned, in_progress, completed, qc_failed or canceled"}}));
  }
  auto rows = ctx.resources.db.transact([&](pqxx::work& txn) {
    return txn.exec_params("SELECT " + batch_columns +
                               " FROM production.batches b WHERE ($1::bigint IS NULL OR b.id < $1) AND ($2::text IS NULL OR b.status = $2)"
                               " ORDER BY b.id DESC LIMIT $3",
                           page->after_id, status, page->limit + 1);
  });
  return json_response(200, page_of(rows, page->limit, batch_json).dump());
}

Response get_batch(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_production);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  auto found = ctx.resources.db.transact([&](pqxx::work& txn) { return find_batch(txn, *id, false); });
  return found ? versioned(200, *found) : not_found();
}

// The materials the batch would consume at its location, against what is there to use (on hand,
// not reserved, in lots that have not expired).
struct MaterialCheck {
  std::vector<domain::MaterialNeed> needs;
  std::vector<std::pair<std::int64_t, std::string>> names;
  bool has_bom = false;
};

MaterialCheck check_materials(pqxx::work& txn, std::int64_t product, std::int64_t location, Quantity quantity) {
  MaterialCheck out;
  auto rows = txn.exec_params(
      "SELECT b.material_id, b.quantity_per_unit::text, (m.cost * 100)::bigint, m.sku,"
      "       coalesce((SELECT sum(s.on_hand - s.reserved) FROM inventory.stock s LEFT JOIN inventory.lots l ON l.id = s.lot_id"
      "                 WHERE s.product_id = b.material_id AND s.location_id = $2"
      "                   AND (l.expires_on IS NULL OR l.expires_on >= current_date)), 0)::text"
      " FROM catalog.bom_lines b JOIN catalog.products m ON m.id = b.material_id WHERE b.product_id = $1 ORDER BY b.material_id",
      product, location);
  std::vector<domain::BomLine> bom;
  std::vector<std::pair<std::int64_t, Quantity>> available;
  for (const auto& r : rows) {
    const auto material = r[0].as<std::int64_t>();
    bom.push_back({material, domain::parse_per_unit(r[1].as<std::string>()).value_or(0), r[2].as<std::int64_t>()});
    out.names.emplace_back(material, r[3].as<std::string>());
    available.emplace_back(material, Quantity::parse(r[4].as<std::string>()).value_or(Quantity()));
  }
  out.has_bom = !bom.empty();
  out.needs = domain::material_needs(bom, quantity, available);
  return out;
}

// PUT …/{id}/start | cancel | complete | qc-fail share this: lock, 404, If-Match, legal move.
template <typename Body>
Response move(Context& ctx, BatchStatus to, Body&& body) {
  auto auth = authorize(ctx, domain::Permission::manage_production);
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
    auto batch = find_batch(txn, *id, true);
    if (!batch) {
      refusal = not_found();
      return std::nullopt;
    }
    if (auto failed = precondition(ctx.request, (*batch)["version"].get<int>(), "production batch")) {
      refusal = *failed;
      return std::nullopt;
    }
    const auto from = *domain::parse_batch_status((*batch)["status"].get<std::string>());
    if (auto legal = domain::transition(from, to); !legal) {
      refusal = problem(legal.error());
      return std::nullopt;
    }
    return body(txn, *batch, input, auth->actor.user_id, refusal, accepted);
  });
  if (!moved) return *refusal;
  return versioned(accepted ? 202 : 200, *moved);
}

Response start_batch(Context& ctx) {
  return move(ctx, BatchStatus::in_progress, [&](pqxx::work& txn, const json& before, const json&, std::int64_t actor,
                                                 std::optional<Response>&, bool&) -> std::optional<json> {
    txn.exec_params("UPDATE production.batches SET status = 'in_progress', started_at = now(), updated_at = now(),"
                    " version = version + 1 WHERE id = $1",
                    before["id"].get<std::int64_t>());
    auto after = *find_batch(txn, before["id"].get<std::int64_t>(), false);
    audit_and_announce(ctx, txn, actor, "production.started", before, after, json::object());
    return after;
  });
}

Response cancel_batch(Context& ctx) {
  return move(ctx, BatchStatus::canceled, [&](pqxx::work& txn, const json& before, const json&, std::int64_t actor,
                                              std::optional<Response>&, bool&) -> std::optional<json> {
    txn.exec_params("UPDATE production.batches SET status = 'canceled', updated_at = now(), version = version + 1 WHERE id = $1",
                    before["id"].get<std::int64_t>());
    auto after = *find_batch(txn, before["id"].get<std::int64_t>(), false);
    audit_and_announce(ctx, txn, actor, "production.canceled", before, after, json::object());
    return after;
  });
}

Response complete_batch(Context& ctx) {
  return move(ctx, BatchStatus::completed, [&](pqxx::work& txn, const json& before, const json& input, std::int64_t actor,
                                               std::optional<Response>& refusal, bool& accepted) -> std::optional<json> {
    FieldReader in(input);
    const auto produced = positive_quantity(in, input, "quantity_produced");
    const auto lot_code = in.required_string("lot_code", 64);
    const auto expires_on = in.optional_string("expires_on", 10);
    if (in.has("lot_code") && lot_code.empty()) in.fail("lot_code", "must not be empty");
    if (expires_on && !is_calendar_date(*expires_on)) in.fail("expires_on", "must be a date, YYYY-MM-DD");
    if (in.ok() && before["completion"] == "requested") {
      refusal = problem(Error::of(ErrorCode::conflict, "this batch's completion is already being booked"));
      return std::nullopt;
    }
    const auto batch_id = before["id"].get<std::int64_t>();
    const auto product = before["product_id"].get<std::int64_t>();
    if (in.ok() && !txn.exec_params("SELECT 1 FROM inventory.lots WHERE product_id = $1 AND lot_code = $2", product, lot_code).empty()) {
      in.fail("lot_code", "is taken");  // by another lot of this product
    }
    if (!in.ok()) {
      refusal = refusal_for(in);
      return std::nullopt;
    }
    auto check = check_materials(txn, product, before["location_id"].get<std::int64_t>(), *produced);
    if (!check.has_bom) {
      refusal = problem(Error::validation({{"product_id", "has no bill of materials; set one with PUT /products/{id}/bom"}},
                                          "nothing to produce from"));
      return std::nullopt;
    }
    if (auto short_ones = domain::shortages(check.needs); !short_ones.empty()) {
      std::vector<domain::FieldError> fields;
      for (const auto& n : short_ones) {
        fields.push_back({"materials." + std::to_string(n.material_id),
                          "short by " + n.shortage().to_string() + " (needs " + n.needed.to_string() + ", has " +
                              n.available.to_string() + ")"});
      }
      refusal = problem(Error{ErrorCode::conflict, "materials are short: " + domain::describe_shortages(short_ones, check.names),
                              std::move(fields), 0});
      return std::nullopt;
    }
    txn.exec_params(
        "UPDATE production.batches SET completion = 'requested', failure_reason = NULL, produced_quantity = $2::numeric,"
        " lot_code = $3, expires_on = $4::date, updated_at = now(), version = version + 1 WHERE id = $1",
        batch_id, produced->to_string(), lot_code, expires_on);
    auto after = *find_batch(txn, batch_id, false);
    audit_and_announce(ctx, txn, actor, "production.completion_requested", before, after, json::object());
    accepted = true;  // the stock worker books it
    return after;
  });
}

Response qc_fail_batch(Context& ctx) {
  return move(ctx, BatchStatus::qc_failed, [&](pqxx::work& txn, const json& before, const json& input, std::int64_t actor,
                                               std::optional<Response>& refusal, bool& accepted) -> std::optional<json> {
    FieldReader in(input);
    const auto reason = in.required_string("reason", 500);
    if (in.has("reason") && reason.empty()) in.fail("reason", "must not be empty");
    if (!in.ok()) {
      refusal = problem(in.error());
      return std::nullopt;
    }
    const auto batch_id = before["id"].get<std::int64_t>();
    txn.exec_params("UPDATE production.batches SET status = 'qc_failed', qc_reason = $2, completion = NULL, updated_at = now(),"
                    " version = version + 1 WHERE id = $1",
                    batch_id, reason);
    auto after = *find_batch(txn, batch_id, false);
    // A lot already booked is written off by the stock worker.
    const bool write_off = before["status"] == "completed";
    audit_and_announce(ctx, txn, actor, "production.qc_failed", before, after, {{"write_off", write_off}, {"reason", reason}});
    accepted = write_off;
    return after;
  });
}

}  // namespace

void add_production_routes(Router<Handler>& router) {
  router.add("POST", "/api/v1/production/batches", plan_batch);
  router.add("GET", "/api/v1/production/batches", list_batches);
  router.add("GET", "/api/v1/production/batches/{id}", get_batch);
  router.add("PUT", "/api/v1/production/batches/{id}/start", start_batch);
  router.add("PUT", "/api/v1/production/batches/{id}/complete", complete_batch);
  router.add("PUT", "/api/v1/production/batches/{id}/qc-fail", qc_fail_batch);
  router.add("PUT", "/api/v1/production/batches/{id}/cancel", cancel_batch);
}

}  // namespace ims::api
