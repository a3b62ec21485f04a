// transfer.dispatch_requested: the goods leave the source (transfer_out, first expiry first out or
// the lot asked for) and the transfer goes in transit, in one transaction — or it stays pending
// with the reason. transfer.completion_requested: what was sent enters the destination in the same
// lots (transfer_in); a difference from what was received is booked as its own movement, recorded
// as a discrepancy and raised as an alert; the transfer is completed.
#include <map>
#include <set>

#include "stock/handlers.hpp"

namespace ims::workers::stock {
namespace {

using domain::Quantity;

struct Transfer {
  std::int64_t id = 0;
  std::string number;
  std::int64_t from = 0, to = 0;
  std::string status;
  std::optional<std::string> pending_step;
  std::optional<std::int64_t> created_by;
};

struct TransferLine {
  std::int64_t id = 0;
  int line_no = 0;
  std::int64_t product_id = 0;
  std::string sku;
  std::optional<std::int64_t> lot_id;
  Quantity quantity;
  std::optional<Quantity> received;
};

Transfer lock_transfer(MessageContext& ctx) {
  const auto& data = ctx.event.data;
  if (!data.contains("transfer_id") || !data["transfer_id"].is_number_integer())
    throw MalformedMessage("data.transfer_id is missing");
  const auto id = data["transfer_id"].get<std::int64_t>();
  auto rows = ctx.txn.exec_params(
      "SELECT number, from_location_id, to_location_id, status, pending_step, created_by FROM "
      "inventory.transfers"
      " WHERE id = $1 FOR UPDATE",
      id);
  if (rows.empty()) throw MalformedMessage("transfer " + std::to_string(id) + " does not exist");
  const auto& r = rows[0];
  return {id,
          r[0].as<std::string>(),
          r[1].as<std::int64_t>(),
          r[2].as<std::int64_t>(),
          r[3].as<std::string>(),
          infra::nullable<std::string>(r[4]),
          infra::nullable<std::int64_t>(r[5])};
}

std::vector<TransferLine> lines_of(pqxx::work& txn, std::int64_t transfer) {
  std::vector<TransferLine> lines;
  for (const auto& r : txn.exec_params("SELECT l.id, l.line_no, l.product_id, p.sku, l.lot_id, "
                                       "l.quantity::text, l.received_quantity::text"
                                       " FROM inventory.transfer_lines l JOIN catalog.products p ON p.id = "
                                       "l.product_id WHERE l.transfer_id = $1"
                                       " ORDER BY l.line_no",
                                       transfer)) {
    TransferLine l{r[0].as<std::int64_t>(),
                   r[1].as<int>(),
                   r[2].as<std::int64_t>(),
                   r[3].as<std::string>(),
                   infra::nullable<std::int64_t>(r[4]),
                   *Quantity::parse(r[5].as<std::string>()),
                   std::nullopt};
    if (!r[6].is_null()) l.received = Quantity::parse(r[6].as<std::string>());
    lines.push_back(std::move(l));
  }
  return lines;
}

void announce_transfer(MessageContext& ctx, const Transfer& t, const std::string& type,
                       nlohmann::json extra = nlohmann::json::object()) {
  extra["transfer_id"] = t.id;
  extra["number"] = t.number;
  extra["from_location_id"] = t.from;
  extra["to_location_id"] = t.to;
  infra::append_event(ctx.txn, {type, std::move(extra), ctx.event.correlation_id, t.created_by});
}

}  // namespace

void transfer_dispatch_requested(MessageContext& ctx) {
  const auto t = lock_transfer(ctx);
  if (t.status != "pending" || t.pending_step != "dispatch") return;  // done, or moved on
  // Stock held for the requests this transfer carries out is given back first, in this same
  // transaction, so it is exactly what the dispatch can take (and nobody else meanwhile).
  release_request_holds(ctx, t.id, true);
  const auto lines = lines_of(ctx.txn, t.id);
  const auto today_is = today(ctx.txn);
  std::vector<std::pair<const TransferLine*, std::vector<domain::Take>>> plan;
  std::map<std::int64_t, std::vector<domain::StockSlot>> slots;  // per product, shared by its lines
  std::vector<std::string> reasons;
  for (const auto& l : lines) {
    // A named lot is taken as asked (expired or not: it may be going back for destruction);
    // otherwise first expiry first out among lots that have not expired.
    auto& product_slots =
        slots.try_emplace(l.product_id, lock_slots(ctx.txn, l.product_id, t.from, std::nullopt, false))
            .first->second;
    std::vector<domain::StockSlot> candidates;
    for (const auto& s : product_slots) {
      if (!l.lot_id || s.lot_id == l.lot_id) candidates.push_back(s);
    }
    auto takes = domain::allocate_fefo(candidates, l.quantity, today_is, !l.lot_id);
    if (!takes) {
      reasons.push_back("line " + std::to_string(l.line_no) + " (" + l.sku + "): " + takes.error().message);
      continue;
    }
    for (const auto& take : *takes) {
      for (auto& s : product_slots) {
        if (s.stock_id == take.stock_id) s.on_hand = s.on_hand - take.quantity;
      }
    }
    plan.emplace_back(&l, std::move(*takes));
  }
  if (!reasons.empty()) {
    std::string reason;
    for (const auto& r : reasons) reason += (reason.empty() ? "" : "; ") + r;
    ctx.txn.exec_params(
        "UPDATE inventory.transfers SET pending_step = NULL, failure_reason = $2, updated_at = now(), "
        "version = version + 1"
        " WHERE id = $1",
        t.id, reason);
    announce_transfer(ctx, t, "transfer.dispatch_failed", {{"reason", reason}});
    ctx.log.info("transfer not dispatched", {{"transfer", t.number}, {"reason", reason}});
    return;
  }
  std::set<std::int64_t> products;
  for (auto& [line, takes] : plan) {
    for (const auto& take : takes) {
      ctx.txn.exec_params(
          "INSERT INTO inventory.transfer_picks (transfer_line_id, lot_id, quantity) VALUES ($1, $2, "
          "$3::numeric)",
          line->id, take.lot_id, take.quantity.to_string());
    }
    for (auto& take : takes) take.quantity = -take.quantity;
    book_movements(ctx, takes, line->product_id, t.from, "transfer_out", t.number, t.created_by);
    products.insert(line->product_id);
  }
  ctx.txn.exec_params(
      "UPDATE inventory.transfers SET status = 'in_transit', pending_step = NULL, failure_reason = NULL, "
      "dispatched_at = now(),"
      " updated_at = now(), version = version + 1 WHERE id = $1",
      t.id);
  for (auto product : products)
    announce_stock_change(ctx, product, t.from, t.created_by,
                          {{"event", "transfer_out"}, {"transfer", t.number}});
  announce_transfer(ctx, t, "transfer.dispatched");
  ctx.log.info("transfer dispatched", {{"transfer", t.number}});
}

void transfer_completion_requested(MessageContext& ctx) {
  const auto t = lock_transfer(ctx);
  if (t.status != "arrived" || t.pending_step != "complete") return;
  std::set<std::int64_t> products;
  for (const auto& l : lines_of(ctx.txn, t.id)) {
    // What was sent enters the destination in the lots it left the source in.
    auto picks = ctx.txn.exec_params(
        "SELECT lot_id, quantity::text FROM inventory.transfer_picks WHERE transfer_line_id = $1 ORDER BY id",
        l.id);
    Quantity shipped;
    std::vector<domain::Take> arrivals;
    for (const auto& p : picks) {
      const auto lot = infra::nullable<std::int64_t>(p[0]);
      const auto q = *Quantity::parse(p[1].as<std::string>());
      arrivals.push_back({ensure_stock_row(ctx.txn, l.product_id, t.to, lot), lot, q});
      shipped = shipped + q;
    }
    if (!arrivals.empty())
      book_movements(ctx, arrivals, l.product_id, t.to, "transfer_in", t.number, t.created_by);
    products.insert(l.product_id);
    const auto received = l.received.value_or(shipped);
    const auto difference = received - shipped;
    if (difference == Quantity() || arrivals.empty()) continue;
    // The difference is its own movement: a shortfall written off the lots that just arrived (the
    // last first), an excess added to the first.
    std::vector<domain::Take> correction;
    if (difference > Quantity()) {
      correction.push_back({arrivals.front().stock_id, arrivals.front().lot_id, difference});
    } else {
      auto left = -difference;
      for (auto it = arrivals.rbegin(); it != arrivals.rend() && left > Quantity(); ++it) {
        const auto q = std::min(left, it->quantity);
        correction.push_back({it->stock_id, it->lot_id, -q});
        left = left - q;
      }
    }
    const auto movement =
        book_movements(ctx, correction, l.product_id, t.to,
                       difference > Quantity() ? "adjustment" : "write_off", t.number, t.created_by);
    ctx.txn.exec_params(
        "INSERT INTO inventory.transfer_discrepancies (transfer_line_id, quantity, movement_id) VALUES ($1, "
        "$2::numeric, $3)",
        l.id, difference.to_string(), movement);
    const auto message = t.number + ": " + l.sku + " arrived " + received.to_string() + " of " +
                         shipped.to_string() + " (" +
                         (difference > Quantity() ? "excess " + difference.to_string()
                                                  : "short " + (-difference).to_string()) +
                         ")";
    const nlohmann::json data{{"transfer_id", t.id},
                              {"number", t.number},
                              {"product_id", l.product_id},
                              {"sku", l.sku},
                              {"shipped", shipped.to_double()},
                              {"received", received.to_double()},
                              {"discrepancy", difference.to_double()},
                              {"location_id", t.to},
                              {"from_location_id", t.from},
                              {"message", message}};
    // The alerts worker raises the alert (and its email) from this event: one writer of alerts.
    infra::append_event(ctx.txn, {"transfer.discrepancy", data, ctx.event.correlation_id, t.created_by});
    ctx.log.warn("transfer discrepancy", {{"transfer", t.number}, {"message", message}});
  }
  ctx.txn.exec_params(
      "UPDATE inventory.transfers SET status = 'completed', pending_step = NULL, failure_reason = NULL, "
      "completed_at = now(),"
      " updated_at = now(), version = version + 1 WHERE id = $1",
      t.id);
  for (auto product : products)
    announce_stock_change(ctx, product, t.to, t.created_by,
                          {{"event", "transfer_in"}, {"transfer", t.number}});
  announce_transfer(ctx, t, "transfer.completed");
  ctx.log.info("transfer completed", {{"transfer", t.number}});
}

}  // namespace ims::workers::stock
