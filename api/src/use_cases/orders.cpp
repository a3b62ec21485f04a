#include "ims/api/use_cases/orders.hpp"

#include <algorithm>
#include <map>

#include "ims/api/use_cases/change_record.hpp"
#include "ims/domain/catalog.hpp"
#include "ims/domain/policy.hpp"

namespace ims::api {
namespace {

using domain::Error;
using domain::ErrorCode;
using domain::FieldError;
using domain::OrderKind;
using domain::OrderStatus;
using domain::Quantity;
using nlohmann::json;

Error not_found() {
  return Error::of(ErrorCode::not_found, "no such order");
}

std::optional<std::int64_t> scope_of(const domain::Actor& actor) {
  if (domain::is_location_scoped(actor.role)) return actor.location_id.value_or(-1);
  return std::nullopt;
}

// The order's products, locations and supplier into its parties; a replenishment names only its
// buyer, and its seller is the buyer's upstream location.
infra::OrderNames look_up(PlaceOrder& cmd, const std::optional<std::int64_t>& default_buyer,
                          infra::OrderStore& orders) {
  auto& p = cmd.parties;
  if (!p.buyer_id && default_buyer) p.buyer_id = default_buyer;
  std::vector<std::int64_t> product_ids, location_ids;
  for (const auto& l : cmd.lines) product_ids.push_back(l.product_id);
  for (const auto& id : {p.seller_id, p.buyer_id}) {
    if (id) location_ids.push_back(*id);
  }
  auto names = orders.look_up(product_ids, location_ids, p.supplier_id);
  if (p.seller_id && names.locations.count(*p.seller_id)) p.seller = names.locations.at(*p.seller_id);
  if (p.buyer_id && names.locations.count(*p.buyer_id)) p.buyer = names.locations.at(*p.buyer_id);
  if (names.supplier_active) {
    p.supplier_exists = true;
    p.supplier_active = *names.supplier_active;
  }
  if (cmd.kind == OrderKind::replenishment && !p.seller_id && p.buyer && p.buyer->upstream_id) {
    if (auto up = orders.location(*p.buyer->upstream_id)) {
      p.seller_id = p.buyer->upstream_id;
      p.seller = *up;
    }
  }
  return names;
}

// The lines as the insert takes them, priced from the catalog unless a price was given.
json priced_lines(const PlaceOrder& cmd, const infra::OrderNames& names, std::vector<FieldError>& errors) {
  json lines = json::array();
  std::int64_t total_cents = 0;
  for (std::size_t i = 0; i < cmd.lines.size(); ++i) {
    const auto& l = cmd.lines[i];
    const auto at = "lines[" + std::to_string(i) + "].product_id";
    auto p = names.products.find(l.product_id);
    if (p == names.products.end())
      errors.push_back({at, "does not exist"});
    else if (!p->second.is_active)
      errors.push_back({at, "is not active"});
    else if (cmd.kind != OrderKind::purchase && !p->second.finished)
      errors.push_back({at, "is a raw material; only finished goods are sold"});
    if (!errors.empty()) continue;
    const auto price = l.unit_price_cents.value_or(cmd.kind == OrderKind::purchase ? p->second.cost_cents
                                                                                   : p->second.price_cents);
    const auto amount = domain::line_amount_cents(l.quantity.milli(), price);
    if (!amount || (total_cents += *amount) > domain::max_amount_cents) {
      errors.push_back(
          {"lines[" + std::to_string(i) + "].quantity",
           amount ? "brings the order's total above " + domain::format_money(domain::max_amount_cents)
                  : "times the unit price is more than " + domain::format_money(domain::max_amount_cents)});
      continue;
    }
    lines.push_back({{"line_no", i + 1},
                     {"product_id", l.product_id},
                     {"quantity", l.quantity.to_string()},
                     {"unit_price", domain::format_money(price)},
                     {"lot_code", or_null(l.lot_code)},
                     {"expires_on", or_null(l.expires_on)}});
  }
  return lines;
}

// The customer of a sale at `seller`: the one named by id, or the inline one found or created.
std::optional<std::int64_t> resolve_customer(PlaceOrder& cmd, std::optional<std::int64_t> seller,
                                             std::int64_t actor_id, infra::CustomerStore& customers,
                                             std::vector<FieldError>& errors) {
  auto& ref = cmd.customer_ref;
  if (!seller || (!ref.id && !ref.inline_fields)) return std::nullopt;
  if (ref.id) {
    auto c = customers.find(*ref.id);
    if (!c || c->location_id != *seller || !c->is_active) {
      errors.push_back({"customer_id", "is not an active customer of the selling location"});
      return std::nullopt;
    }
    cmd.customer = c->name;
    return c->id;
  }
  const auto& f = *ref.inline_fields;
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (auto found = customers.match(*seller, f.phone, f.email)) {
      cmd.customer = found->name;
      return found->id;
    }
    if (auto id = customers.insert(*seller, f, actor_id)) {
      cmd.customer = f.name;
      return id;
    }
    // a concurrent sale created the customer with this phone a moment ago: match it
  }
  errors.push_back({"customer.phone", "could not be matched; try again"});
  return std::nullopt;
}

json placed_order_json(const Caller& by, const PlaceOrder& cmd, const domain::ResolvedParties& parties,
                       std::optional<std::int64_t> customer_id, const infra::PlacedOrder& placed) {
  json order{{"id", placed.id},
             {"number", placed.number},
             {"kind", cmd.kind_text},
             {"status", "pending"},
             {"seller_location_id", or_null(parties.seller_id)},
             {"buyer_location_id", or_null(parties.buyer_id)},
             {"supplier_id", or_null(parties.supplier_id)},
             {"customer", or_null(cmd.customer)},
             {"customer_id", or_null(customer_id)},
             {"total", placed.total},
             {"rejection_reason", nullptr},
             {"created_by", by.actor.user_id},
             {"version", 1},
             {"created_at", placed.created_at},
             {"updated_at", placed.created_at},
             {"lines", json::parse(placed.lines_json)}};
  for (auto& line : order["lines"]) line["quantity"] = line["quantity"].get<double>();
  return order;
}

json with_details(const infra::OrderRecord& record, infra::OrderStore& orders) {
  auto order = order_json(record);
  order["lines"] = json::array();
  for (const auto& l : orders.lines(record.id)) {
    auto allocations = json::parse(l.allocations_json);
    for (auto& a : allocations) a["quantity"] = a["quantity"].get<double>();
    order["lines"].push_back({{"id", l.id},
                              {"line_no", l.line_no},
                              {"product_id", l.product_id},
                              {"sku", l.sku},
                              {"quantity", quantity_json(l.quantity)},
                              {"unit_price", l.unit_price},
                              {"amount", l.amount},
                              {"lot_code", or_null(l.lot_code)},
                              {"expires_on", or_null(l.expires_on)},
                              {"rejection_reason", or_null(l.rejection_reason)},
                              {"allocations", std::move(allocations)}});
  }
  order["history"] = json::array();
  for (const auto& h : orders.history(record.id)) {
    order["history"].push_back({{"from", or_null(h.from)},
                                {"to", h.to},
                                {"actor_id", or_null(h.actor_id)},
                                {"note", or_null(h.note)},
                                {"request_id", or_null(h.request_id)},
                                {"at", h.at}});
  }
  return order;
}

bool visible(const domain::Actor& actor, const infra::OrderRecord& order) {
  return domain::can_see_order(actor, order.seller_location_id, order.buyer_location_id);
}

}  // namespace

json order_json(const infra::OrderRecord& o) {
  return json{{"id", o.id},
              {"number", o.number},
              {"kind", o.kind},
              {"status", o.status},
              {"seller_location_id", or_null(o.seller_location_id)},
              {"buyer_location_id", or_null(o.buyer_location_id)},
              {"supplier_id", or_null(o.supplier_id)},
              {"customer", or_null(o.customer)},
              {"total", o.total},
              {"rejection_reason", or_null(o.rejection_reason)},
              {"created_by", or_null(o.created_by)},
              {"version", o.version},
              {"created_at", o.created_at},
              {"updated_at", o.updated_at},
              {"line_count", o.line_count},
              {"customer_id", or_null(o.customer_id)}};
}

domain::Result<json> place_order(const Caller& by, PlaceOrder cmd, infra::OrderStore& orders,
                                 infra::CustomerStore& customers) {
  const auto& actor = by.actor;
  const bool sets_price = std::any_of(cmd.lines.begin(), cmd.lines.end(),
                                      [](const auto& l) { return l.unit_price_cents.has_value(); });
  if (sets_price && !domain::allows(actor.role, domain::Permission::override_order_price)) {
    return Error::of(
        ErrorCode::forbidden,
        "only a manufacturer or admin may set unit_price; leave it out to use the catalog price");
  }
  const auto names = look_up(cmd, domain::default_buyer(actor, cmd.kind), orders);
  auto parties = domain::check_parties(actor, cmd.parties);
  if (!parties) return parties.error();
  std::vector<FieldError> errors;
  const auto lines = priced_lines(cmd, names, errors);
  std::optional<std::int64_t> customer_id;
  if (errors.empty())
    customer_id = resolve_customer(cmd, parties->seller_id, actor.user_id, customers, errors);
  if (!errors.empty()) return Error::validation(std::move(errors));
  const auto event = infra::prepare_event({"order.created",
                                           {{"kind", cmd.kind_text},
                                            {"seller_location_id", or_null(parties->seller_id)},
                                            {"buyer_location_id", or_null(parties->buyer_id)},
                                            {"supplier_id", or_null(parties->supplier_id)}},
                                           by.request_id,
                                           actor.user_id});
  const auto placed =
      orders.insert({lines.dump(), cmd.kind_text, parties->seller_id, parties->buyer_id, parties->supplier_id,
                     customer_id ? std::nullopt : cmd.customer, actor.user_id, by.request_id, event.id,
                     event.envelope.dump(), customer_id});
  return placed_order_json(by, cmd, *parties, customer_id, placed);
}

domain::Result<json> get_order(const Caller& by, std::int64_t id, infra::OrderStore& orders) {
  auto order = orders.find(id, false);
  if (!order || !visible(by.actor, *order))
    return not_found();  // outside the caller's scope it does not exist
  return with_details(*order, orders);
}

domain::Result<std::vector<infra::OrderRecord>> list_orders(const Caller& by, infra::OrderFilter filter,
                                                            infra::OrderStore& orders) {
  filter.scope = scope_of(by.actor);
  return orders.page(filter);
}

domain::Result<std::vector<infra::OrderRecord>> list_customer_orders(const Caller& by,
                                                                     std::int64_t customer_id,
                                                                     const infra::OrderFilter& page,
                                                                     infra::OrderStore& orders,
                                                                     infra::CustomerStore& customers) {
  auto customer = customers.find(customer_id);
  if (!customer || !domain::can_access_location(by.actor, customer->location_id)) {
    return Error::of(ErrorCode::not_found, "no such customer");
  }
  infra::OrderFilter filter{page.after_id, std::nullopt, std::nullopt, scope_of(by.actor),
                            std::nullopt,  std::nullopt, customer_id,  page.limit};
  return orders.page(filter);
}

namespace {

// Who may make the move, before anything is written.
std::optional<Error> refuse_move(const Caller& by, const infra::OrderRecord& order,
                                 const OrderStatusChange& change, OrderKind kind, OrderStatus from) {
  if (auto stale = domain::stale_version(change.if_match, order.version, "order")) return stale;
  if (auto legal = domain::transition(kind, from, change.to); !legal) return legal.error();
  if (change.to == OrderStatus::confirmed || change.to == OrderStatus::rejected) {
    return Error::of(ErrorCode::conflict,
                     "the stock worker confirms or rejects an order once it has tried to reserve the stock");
  }
  if (!domain::can_move_order(by.actor, kind, change.to, order.seller_location_id, order.buyer_location_id) ||
      (from == OrderStatus::draft && !domain::can_decide_draft(by.actor, order.buyer_location_id))) {
    return Error::of(ErrorCode::forbidden,
                     "your location may not move this order to " + std::string(domain::to_string(change.to)));
  }
  return std::nullopt;
}

// order.created when a draft is placed (the stock worker then tries to reserve), and always
// order.status_changed, saying whether the stock worker has work to do.
void announce_move(const Caller& by, const infra::OrderRecord& order, OrderStatus from, const std::string& to,
                   bool stock_work, infra::Outbox& outbox) {
  if (from == OrderStatus::draft && to == "pending") {
    outbox.append({"order.created",
                   {{"order_id", order.id},
                    {"number", order.number},
                    {"kind", order.kind},
                    {"seller_location_id", or_null(order.seller_location_id)},
                    {"buyer_location_id", or_null(order.buyer_location_id)},
                    {"supplier_id", or_null(order.supplier_id)},
                    {"from_draft", true}},
                   by.request_id,
                   by.actor.user_id});
  }
  outbox.append({"order.status_changed",
                 {{"order_id", order.id},
                  {"number", order.number},
                  {"kind", order.kind},
                  {"from", domain::to_string(from)},
                  {"to", to},
                  {"seller_location_id", or_null(order.seller_location_id)},
                  {"buyer_location_id", or_null(order.buyer_location_id)},
                  {"stock_effect", stock_work}},
                 by.request_id,
                 by.actor.user_id});
}

}  // namespace

domain::Result<MovedOrder> change_order_status(const Caller& by, const OrderStatusChange& change,
                                               infra::OrderStore& orders, infra::Outbox& outbox,
                                               infra::AuditTrail& audit) {
  auto order = orders.find(change.id, true);
  if (!order || !visible(by.actor, *order)) return not_found();
  const auto kind = *domain::parse_order_kind(order->kind);
  const auto from = *domain::parse_order_status(order->status);
  if (auto refusal = refuse_move(by, *order, change, kind, from)) return *refusal;
  const std::string to(domain::to_string(change.to));
  orders.move(
      {change.id, std::string(domain::to_string(from)), to, by.actor.user_id, change.note, by.request_id});
  // A draft holds no stock: confirming it places the order as if it had just been created (the
  // stock worker then tries to reserve), canceling it has nothing to give back.
  const bool stock_work = from == OrderStatus::draft
                              ? change.to == OrderStatus::pending
                              : domain::stock_effect(kind, change.to) != domain::StockEffect::none;
  announce_move(by, *order, from, to, stock_work, outbox);
  auto after = orders.find(change.id, false);
  record_change(by, audit, "order.status", "order", change.id, order_json(*order), order_json(*after));
  return MovedOrder{with_details(*after, orders), stock_work};
}

domain::Result<json> order_stats(const Caller& by, const infra::OrderPeriod& period, const std::string& unit,
                                 infra::OrderStore& orders) {
  json out{{"period", unit}, {"items", json::array()}, {"totals", json::object()}};
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> by_kind;  // kind → (orders, cents)
  for (const auto& r : orders.stats(period, unit, scope_of(by.actor))) {
    const auto cents = domain::parse_money(r.amount).value_or(0);
    out["items"].push_back({{"period_start", r.period_start},
                            {"kind", r.kind},
                            {"status", r.status},
                            {"orders", r.orders},
                            {"amount", domain::format_money(cents)}});
    auto& k = by_kind[r.kind];
    k.first += r.orders;
    k.second += cents;
  }
  for (const auto& [kind, t] : by_kind) {
    out["totals"][kind] = {{"orders", t.first}, {"amount", domain::format_money(t.second)}};
  }
  return out;
}

domain::Result<json> daily_sales(const Caller& by, const infra::OrderPeriod& period,
                                 std::optional<std::int64_t> location, infra::OrderStore& orders) {
  if (domain::is_location_scoped(by.actor.role)) {
    if (location && !domain::can_access_location(by.actor, *location)) {
      return Error::of(ErrorCode::forbidden, "you may see the sales of your own location only");
    }
    location = by.actor.location_id.value_or(-1);
  }
  json out{{"items", json::array()}};
  for (const auto& r : orders.daily_sales(period, location)) {
    out["items"].push_back({{"day", r.day},
                            {"location_id", r.location_id},
                            {"orders", r.orders},
                            {"units", quantity_json(r.units)},
                            {"revenue", r.revenue}});
  }
  return out;
}

}  // namespace ims::api
