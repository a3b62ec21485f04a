#include "ims/api/use_cases/stock.hpp"

#include "ims/api/use_cases/change_record.hpp"
#include "ims/domain/policy.hpp"
#include "ims/domain/role.hpp"
#include "ims/infra/crypto.hpp"

namespace ims::api {
namespace {

using domain::Error;
using domain::ErrorCode;
using domain::FieldError;
using nlohmann::json;

// The location a scoped user is limited to; nullopt for roles that see every location.
std::optional<std::int64_t> scope_of(const domain::Actor& actor) {
  if (!domain::is_location_scoped(actor.role)) return std::nullopt;
  return actor.location_id.value_or(-1);
}

json stock_row_json(const infra::StockRowRecord& r) {
  return json{{"product_id", r.product_id},
              {"sku", r.sku},
              {"product_name", r.product_name},
              {"location_id", r.location_id},
              {"location_code", r.location_code},
              {"lot_id", or_null(r.lot_id)},
              {"lot_code", or_null(r.lot_code)},
              {"expires_on", or_null(r.expires_on)},
              {"on_hand", quantity_json(r.on_hand)},
              {"reserved", quantity_json(r.reserved)},
              {"available", quantity_json(r.available)}};
}

json movement_json(const infra::MovementRecord& m) {
  return json{{"id", m.id},
              {"product_id", m.product_id},
              {"location_id", m.location_id},
              {"lot_id", or_null(m.lot_id)},
              {"lot_code", or_null(m.lot_code)},
              {"quantity", quantity_json(m.quantity)},
              {"reason", m.reason},
              {"reference", or_null(m.reference)},
              {"actor_id", or_null(m.actor_id)},
              {"message_id", or_null(m.message_id)},
              {"at", m.at}};
}

json lot_json(const infra::LotRecord& l) {
  return json{{"id", l.id},
              {"product_id", l.product_id},
              {"sku", l.sku},
              {"lot_code", l.lot_code},
              {"manufactured_on", or_null(l.manufactured_on)},
              {"expires_on", or_null(l.expires_on)},
              {"on_hand", quantity_json(l.on_hand)}};
}

std::string cache_key(const infra::StockFilter& f, std::int64_t version) {
  return "ims:stock:" + std::to_string(*f.location_id) + ":" + std::to_string(version) + ":" +
         infra::sha256_hex(std::to_string(f.product_id.value_or(0)) + "|" + f.kind.value_or("") + "|" +
                           (f.below_reorder ? "1" : "0") + "|" + std::to_string(f.after_id.value_or(0)) +
                           "|" + std::to_string(f.limit));
}

}  // namespace

json adjustment_json(const infra::AdjustmentRecord& a) {
  return json{{"id", a.id},
              {"product_id", a.product_id},
              {"location_id", a.location_id},
              {"lot_code", or_null(a.lot_code)},
              {"expires_on", or_null(a.expires_on)},
              {"quantity_delta", quantity_json(a.quantity_delta)},
              {"reason", a.reason},
              {"status", a.status},
              {"rejection_reason", or_null(a.rejection_reason)},
              {"movement_id", or_null(a.movement_id)},
              {"created_at", a.created_at},
              {"decided_at", or_null(a.decided_at)}};
}

domain::Result<infra::AdjustmentRecord> request_adjustment(const Caller& by, const AdjustmentCommand& c,
                                                           infra::StockStore& stock, infra::Outbox& outbox,
                                                           infra::AuditTrail& audit) {
  std::vector<FieldError> errors;
  const auto active = stock.product_active(c.product_id);
  if (!active) {
    errors.push_back({"product_id", "does not exist"});
  } else if (!*active) {
    errors.push_back({"product_id", "is not active"});
  }
  if (!stock.location_exists(c.location_id)) errors.push_back({"location_id", "does not exist"});
  if (!errors.empty()) return Error::validation(std::move(errors));
  auto adjustment =
      stock.insert_adjustment({c.product_id, c.location_id, c.lot_code, c.expires_on,
                               c.quantity_delta.to_string(), c.reason, by.actor.user_id, by.request_id});
  outbox.append(
      {"stock.adjustment.requested",
       {{"adjustment_id", adjustment.id}, {"product_id", c.product_id}, {"location_id", c.location_id}},
       by.request_id,
       by.actor.user_id});
  record_change(by, audit, "stock.adjustment.request", "adjustment", adjustment.id, std::nullopt,
                adjustment_json(adjustment));
  return adjustment;
}

domain::Result<infra::AdjustmentRecord> get_adjustment(const Caller& by, std::int64_t id,
                                                       infra::StockStore& stock) {
  auto found = stock.find_adjustment(id);
  // Outside the caller's scope it does not exist for them.
  if (!found || !domain::can_access_location(by.actor, found->location_id)) {
    return Error::of(ErrorCode::not_found, "no such adjustment");
  }
  return *found;
}

domain::Result<StockListing> list_stock(const Caller& by, infra::StockFilter filter, infra::StockStore& stock,
                                        StockCache& cache) {
  if (auto scope = scope_of(by.actor)) filter.location_id = scope;  // scoped users see their own rows only
  std::string key;
  if (filter.location_id) {
    key = cache_key(filter, stock.stock_version(*filter.location_id));
    if (auto cached = cache.get(key)) return StockListing{*cached, "hit"};
  }
  auto body = page_of(stock.stock(filter), filter.limit, stock_row_json).dump();
  if (key.empty()) return StockListing{std::move(body), "bypass"};
  cache.put(key, body);
  return StockListing{std::move(body), "miss"};
}

domain::Result<json> list_movements(const Caller& by, infra::MovementFilter filter,
                                    std::optional<std::int64_t> product_path_id, infra::StockStore& stock) {
  if (product_path_id) {
    if (!stock.product_active(*product_path_id).has_value())
      return Error::of(ErrorCode::not_found, "no such product");
    filter.product_id = product_path_id;
  }
  if (auto scope = scope_of(by.actor)) filter.location_id = scope;
  return page_of(stock.movements(filter), filter.limit, movement_json);
}

domain::Result<json> list_lots(const Caller& by, infra::LotFilter filter, infra::StockStore& stock) {
  filter.location_id = scope_of(by.actor);
  return page_of(stock.lots(filter), filter.limit, lot_json);
}

}  // namespace ims::api
