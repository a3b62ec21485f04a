#include "stock/check_inventory.hpp"

#include "ims/domain/alerts.hpp"

namespace ims::workers::stock {

using domain::Quantity;
using nlohmann::json;

namespace {
double number(const std::string& decimal) {
  return Quantity::parse(decimal).value_or(Quantity()).to_double();
}
json id_or_null(const std::optional<std::int64_t>& id) {
  return id ? json(*id) : json(nullptr);
}
}  // namespace

InventoryCheckSummary check_inventory(infra::StockCheckStore& store, infra::Outbox& outbox,
                                      const InventoryCheckRequest& request) {
  InventoryCheckSummary summary;
  const auto checked_at = store.checked_at();
  auto announce = [&](const std::string& type, json data) {
    outbox.append({type, std::move(data), request.correlation_id, std::nullopt});
  };
  json low = json::array(), expiring = json::array(), drifting = json::array();

  for (const auto& rule : store.low_stock()) {
    ++summary.low;
    const auto& f = rule.facts;
    low.push_back({rule.product_id, rule.location_id});
    announce("stock.low", {{"product_id", rule.product_id},
                           {"location_id", rule.location_id},
                           {"available", f.available.to_double()},
                           {"min", f.min.to_double()},
                           {"max", f.max.to_double()},
                           {"suggested_quantity", (f.max - f.available).to_double()},
                           {"source", "inventory_check"}});
    auto plan = domain::plan_restock(f);
    if (!plan) continue;  // not low enough, already on order, or nowhere to order from
    auto draft = store.insert_draft(rule, *plan);
    if (!draft) continue;  // a draft for this rule is open already
    ++summary.drafted;
    announce("order.drafted", {{"order_id", draft->order_id},
                               {"number", draft->number},
                               {"kind", std::string(domain::to_string(plan->kind))},
                               {"product_id", rule.product_id},
                               {"buyer_location_id", rule.location_id},
                               {"seller_location_id", id_or_null(plan->seller_location_id)},
                               {"supplier_id", id_or_null(plan->supplier_id)},
                               {"quantity", plan->quantity.to_double()},
                               {"reorder_rule_id", rule.rule_id}});
  }

  for (const auto& lot : store.expiring_lots(request.expiry_warning_days)) {
    ++(lot.expired ? summary.expired : summary.expiring);
    expiring.push_back({lot.product_id, lot.location_id, lot.lot_id});
    announce("lot.expiring", {{"lot_id", lot.lot_id},
                              {"lot_code", lot.lot_code},
                              {"product_id", lot.product_id},
                              {"location_id", lot.location_id},
                              {"expires_on", lot.expires_on},
                              {"on_hand", number(lot.on_hand)},
                              {"expired", lot.expired}});
  }

  for (const auto& row : store.drift()) {
    ++summary.drift;
    drifting.push_back({row.product_id, row.location_id, id_or_null(row.lot_id)});
    const auto difference = Quantity::parse(row.on_hand).value_or(Quantity()) -
                            Quantity::parse(row.ledger_sum).value_or(Quantity());
    announce("inventory.drift", {{"product_id", row.product_id},
                                 {"location_id", row.location_id},
                                 {"lot_id", id_or_null(row.lot_id)},
                                 {"on_hand", number(row.on_hand)},
                                 {"ledger_sum", number(row.ledger_sum)},
                                 {"difference", difference.to_double()}});
  }

  for (const auto& r : store.mark_overdue_requests()) {
    ++summary.overdue;
    announce("request.overdue", {{"request_id", r.request_id},
                                 {"number", r.number},
                                 {"action", r.action},
                                 {"product_id", r.product_id},
                                 {"from_location_id", r.from_location_id},
                                 {"to_location_id", id_or_null(r.to_location_id)},
                                 {"requested_by", r.requested_by},
                                 {"expires_at", r.expires_at}});
  }

  announce("inventory.check.completed", {{"run_id", request.run_id},
                                         {"checked_at", checked_at},
                                         {"low", std::move(low)},
                                         {"expiring", std::move(expiring)},
                                         {"drift", std::move(drifting)},
                                         {"counts",
                                          {{"low", summary.low},
                                           {"drafted", summary.drafted},
                                           {"expiring", summary.expiring},
                                           {"expired", summary.expired},
                                           {"drift", summary.drift},
                                           {"overdue", summary.overdue}}}});
  return summary;
}

}  // namespace ims::workers::stock
