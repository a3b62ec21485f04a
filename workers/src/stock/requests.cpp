// Holds of approval requests: request.created places the hold of a transfer request at the source
// (first expiry first out, unexpired lots), or fails the request with the reason; request.denied,
// .canceled and .expired give it back. The hold of an approved request stays until its transfer is
// dispatched (release_request_holds, in the dispatch's own transaction) or canceled.
#include "stock/handlers.hpp"

namespace ims::workers::stock {
namespace {

using domain::Quantity;

struct Request {
  std::int64_t id = 0;
  std::string number;
  std::string action, status, hold;
  std::int64_t product_id = 0;
  std::int64_t from = 0;
  Quantity quantity;
  std::int64_t requested_by = 0;
};

Request lock_request(MessageContext& ctx) {
  const auto& data = ctx.event.data;
  if (!data.contains("request_id") || !data["request_id"].is_number_integer())
    throw MalformedMessage("data.request_id is missing");
  const auto id = data["request_id"].get<std::int64_t>();
  auto rows = ctx.txn.exec_params(
      "SELECT number, action, status, hold, product_id, from_location_id, quantity::text, requested_by FROM "
      "inventory.requests"
      " WHERE id = $1 FOR UPDATE",
      id);
  if (rows.empty()) throw MalformedMessage("request " + std::to_string(id) + " does not exist");
  const auto& r = rows[0];
  return {id,
          r[0].as<std::string>(),
          r[1].as<std::string>(),
          r[2].as<std::string>(),
          r[3].as<std::string>(),
          r[4].as<std::int64_t>(),
          r[5].as<std::int64_t>(),
          *Quantity::parse(r[6].as<std::string>()),
          r[7].as<std::int64_t>()};
}

void announce_request(MessageContext& ctx, const Request& r, const std::string& type,
                      nlohmann::json extra = nlohmann::json::object()) {
  extra["request_id"] = r.id;
  extra["number"] = r.number;
  extra["product_id"] = r.product_id;
  extra["from_location_id"] = r.from;
  infra::append_event(ctx.txn, {type, std::move(extra), ctx.event.correlation_id, r.requested_by});
}

// Gives a request's held stock back; returns whether anything was held.
bool release(MessageContext& ctx, std::int64_t request, const std::string& hold_becomes,
             std::optional<std::int64_t> actor) {
  auto released = ctx.txn.exec_params(
      "WITH r AS (UPDATE inventory.reservations SET state = 'released', updated_at = now()"
      "   WHERE request_id = $1 AND state = 'reserved' RETURNING stock_id, location_id, product_id, "
      "quantity),"
      " s AS (UPDATE inventory.stock s SET reserved = s.reserved - x.quantity, updated_at = now()"
      "   FROM (SELECT stock_id, sum(quantity) AS quantity FROM r GROUP BY stock_id) x WHERE s.id = "
      "x.stock_id),"
      " v AS (INSERT INTO inventory.stock_versions (location_id) SELECT DISTINCT location_id FROM r"
      "   ON CONFLICT (location_id) DO UPDATE SET version = inventory.stock_versions.version + 1)"
      " SELECT DISTINCT product_id, location_id FROM r",
      request);
  ctx.txn.exec_params(
      "UPDATE inventory.requests SET hold = $2, updated_at = now() WHERE id = $1 AND hold IN ('held', "
      "'requested')",
      request, hold_becomes);
  for (const auto& row : released) {
    announce_stock_change(
        ctx, row[0].as<std::int64_t>(), row[1].as<std::int64_t>(), actor,
        {{"event", hold_becomes == "used" ? "hold_used" : "hold_released"}, {"request_id", request}});
  }
  return !released.empty();
}

}  // namespace

void request_created(MessageContext& ctx) {
  const auto r = lock_request(ctx);
  if (r.hold != "requested") return;  // nothing to hold, or held already
  if (r.status != "pending") {        // decided before the hold was placed: there is nothing to give back
    ctx.txn.exec_params("UPDATE inventory.requests SET hold = 'released', updated_at = now() WHERE id = $1",
                        r.id);
    return;
  }
  auto slots = lock_slots(ctx.txn, r.product_id, r.from, std::nullopt, false);
  auto takes = domain::allocate_fefo(std::move(slots), r.quantity, today(ctx.txn), true);
  if (!takes) {
    // No figures: the requester may not be allowed to read the source's stock.
    const std::string reason = "not enough usable stock at the source to hold";
    ctx.txn.exec_params(
        "UPDATE inventory.requests SET status = 'failed', hold = 'none', failure_reason = $2, updated_at = "
        "now(),"
        " version = version + 1 WHERE id = $1",
        r.id, reason);
    announce_request(ctx, r, "request.failed", {{"reason", reason}});
    ctx.log.info("request failed", {{"request", r.number}, {"reason", reason}});
    return;
  }
  for (const auto& t : *takes) {
    ctx.txn.exec_params(
        "WITH h AS (INSERT INTO inventory.reservations (request_id, stock_id, product_id, location_id, "
        "lot_id, quantity)"
        "   VALUES ($1, $2, $3, $4, $5, $6::numeric) RETURNING 1),"
        " s AS (UPDATE inventory.stock SET reserved = reserved + $6::numeric, updated_at = now() WHERE id = "
        "$2),"
        " v AS (INSERT INTO inventory.stock_versions (location_id) VALUES ($4)"
        "   ON CONFLICT (location_id) DO UPDATE SET version = inventory.stock_versions.version + 1)"
        " SELECT count(*) FROM h",
        r.id, t.stock_id, r.product_id, r.from, t.lot_id, t.quantity.to_string());
  }
  ctx.txn.exec_params("UPDATE inventory.requests SET hold = 'held', updated_at = now() WHERE id = $1", r.id);
  announce_stock_change(ctx, r.product_id, r.from, r.requested_by,
                        {{"event", "hold_placed"}, {"request_id", r.id}});
  announce_request(ctx, r, "request.held", {{"quantity", r.quantity.to_double()}});
  ctx.log.info("request hold placed", {{"request", r.number}});
}

void request_closed(MessageContext& ctx) {
  const auto r = lock_request(ctx);
  if (r.hold == "held" && release(ctx, r.id, "released", r.requested_by)) {
    ctx.log.info("request hold released", {{"request", r.number}, {"status", r.status}});
  }
}

void release_request_holds(MessageContext& ctx, std::int64_t transfer_id, bool used) {
  for (const auto& row : ctx.txn.exec_params("SELECT id FROM inventory.requests WHERE transfer_id = $1 AND "
                                             "hold = 'held' ORDER BY id FOR UPDATE",
                                             transfer_id)) {
    release(ctx, row[0].as<std::int64_t>(), used ? "used" : "released", std::nullopt);
  }
}

void transfer_canceled(MessageContext& ctx) {
  const auto& data = ctx.event.data;
  if (!data.contains("transfer_id") || !data["transfer_id"].is_number_integer())
    throw MalformedMessage("data.transfer_id is missing");
  release_request_holds(ctx, data["transfer_id"].get<std::int64_t>(), false);
}

}  // namespace ims::workers::stock
