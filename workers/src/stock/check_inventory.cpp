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

// One run of the check: each part counts what it finds, lists it for the completion event and
// announces each finding on its own.
class InventoryCheck {
 public:
  InventoryCheck(infra::StockCheckStore& store, infra::Outbox& outbox, const InventoryCheckRequest& request)
      : store_(store), outbox_(outbox), request_(request) {}

  void low_stock() {
    for (const auto& rule : store_.low_stock()) {
      ++summary_.low;
      const auto& f = rule.facts;
      low_.push_back({rule.product_id, rule.location_id});
      announce("stock.low", {{"product_id", rule.product_id},
                             {"location_id", rule.location_id},
                             {"available", f.available.to_double()},
                             {"min", f.min.to_double()},
                             {"max", f.max.to_double()},
                             {"suggested_quantity", (f.max - f.available).to_double()},
                             {"source", "inventory_check"}});
      draft_restock(rule);
    }
  }

  void expiring_lots() {
    for (const auto& lot : store_.expiring_lots(request_.expiry_warning_days)) {
      ++(lot.expired ? summary_.expired : summary_.expiring);
      expiring_.push_back({lot.product_id, lot.location_id, lot.lot_id});
      announce("lot.expiring", {{"lot_id", lot.lot_id},
                                {"lot_code", lot.lot_code},
                                {"product_id", lot.product_id},
                                {"location_id", lot.location_id},
                                {"expires_on", lot.expires_on},
                                {"on_hand", number(lot.on_hand)},
                                {"expired", lot.expired}});
    }
  }

  void drift() {
    for (const auto& row : store_.drift()) {
      ++summary_.drift;
      drifting_.push_back({row.product_id, row.location_id, id_or_null(row.lot_id)});
      const auto difference = Quantity::parse(row.on_hand).value_or(Quantity()) -
                              Quantity::parse(row.ledger_sum).value_or(Quantity());
      announce("inventory.drift", {{"product_id", row.product_id},
                                   {"location_id", row.location_id},
                                   {"lot_id", id_or_null(row.lot_id)},
                                   {"on_hand", number(row.on_hand)},
                                   {"ledger_sum", number(row.ledger_sum)},
                                   {"difference", difference.to_double()}});
    }
  }

  void overdue_requests() {
    for (const auto& r : store_.mark_overdue_requests()) {
      ++summary_.overdue;
      announce("request.overdue", {{"request_id", r.request_id},
                                   {"number", r.number},
                                   {"action", r.action},
                                   {"product_id", r.product_id},
                                   {"from_location_id", r.from_location_id},
                                   {"to_location_id", id_or_null(r.to_location_id)},
                                   {"requested_by", r.requested_by},
                                   {"expires_at", r.expires_at}});
    }
  }

  InventoryCheckSummary complete(const std::string& checked_at) {
    const auto& c = summary_;
    announce("inventory.check.completed", {{"run_id", request_.run_id},
                                           {"checked_at", checked_at},
                                           {"low", std::move(low_)},
                                           {"expiring", std::move(expiring_)},
                                           {"drift", std::move(drifting_)},
                                           {"counts",
                                            {{"low", c.low},
                                             {"drafted", c.drafted},
                                             {"expiring", c.expiring},
                                             {"expired", c.expired},
                                             {"drift", c.drift},
                                             {"overdue", c.overdue}}}});
    return summary_;
  }

 private:
  void announce(const std::string& type, json data) {
    outbox_.append({type, std::move(data), request_.correlation_id, std::nullopt});
  }

  // A draft order for a low rule, unless not low enough, already on order, nowhere to order from,
  // or a draft for the rule is open already.
  void draft_restock(const infra::LowStockRecord& rule) {
    auto plan = domain::plan_restock(rule.facts);
    if (!plan) return;
    auto draft = store_.insert_draft(rule, *plan);
    if (!draft) return;
    ++summary_.drafted;
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

  infra::StockCheckStore& store_;
  infra::Outbox& outbox_;
  const InventoryCheckRequest& request_;
  InventoryCheckSummary summary_;
  json low_ = json::array(), expiring_ = json::array(), drifting_ = json::array();
};

}  // namespace

InventoryCheckSummary check_inventory(infra::StockCheckStore& store, infra::Outbox& outbox,
                                      const InventoryCheckRequest& request) {
  const auto checked_at = store.checked_at();
  InventoryCheck check(store, outbox, request);
  check.low_stock();
  check.expiring_lots();
  check.drift();
  check.overdue_requests();
  return check.complete(checked_at);
}

}  // namespace ims::workers::stock
