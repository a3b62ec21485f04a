#include "ims/domain/order.hpp"

#include <array>
#include <utility>

namespace ims::domain {
namespace {

using S = OrderStatus;

constexpr std::array<std::pair<S, S>, 11> fulfilment_moves{{
    {S::draft, S::pending},  // a person confirms what the inventory check proposed
    {S::draft, S::canceled},
    {S::pending, S::confirmed},
    {S::pending, S::rejected},
    {S::confirmed, S::processing},
    {S::processing, S::shipped},
    {S::shipped, S::delivered},
    {S::pending, S::canceled},
    {S::confirmed, S::canceled},
    {S::processing, S::canceled},
    {S::confirmed, S::shipped},  // small shops skip "processing"
}};

constexpr std::array<std::pair<S, S>, 6> purchase_moves{{
    {S::draft, S::pending},
    {S::draft, S::canceled},
    {S::pending, S::ordered},
    {S::ordered, S::received},
    {S::pending, S::canceled},
    {S::ordered, S::canceled},
}};

template <std::size_t N>
bool allowed(const std::array<std::pair<S, S>, N>& moves, S from, S to) {
  for (const auto& [a, b] : moves) {
    if (a == from && b == to) return true;
  }
  return false;
}

}  // namespace

std::string_view to_string(OrderKind kind) {
  switch (kind) {
    case OrderKind::sale:
      return "sale";
    case OrderKind::replenishment:
      return "replenishment";
    case OrderKind::purchase:
      return "purchase";
  }
  return "unknown";
}

std::string_view to_string(OrderStatus s) {
  switch (s) {
    case S::draft:
      return "draft";
    case S::pending:
      return "pending";
    case S::confirmed:
      return "confirmed";
    case S::rejected:
      return "rejected";
    case S::processing:
      return "processing";
    case S::shipped:
      return "shipped";
    case S::delivered:
      return "delivered";
    case S::canceled:
      return "canceled";
    case S::ordered:
      return "ordered";
    case S::received:
      return "received";
  }
  return "unknown";
}

std::optional<OrderKind> parse_order_kind(std::string_view text) {
  for (auto k : {OrderKind::sale, OrderKind::replenishment, OrderKind::purchase}) {
    if (to_string(k) == text) return k;
  }
  return std::nullopt;
}

std::optional<OrderStatus> parse_order_status(std::string_view text) {
  for (auto s : {S::draft, S::pending, S::confirmed, S::rejected, S::processing, S::shipped, S::delivered,
                 S::canceled, S::ordered, S::received}) {
    if (to_string(s) == text) return s;
  }
  return std::nullopt;
}

std::string_view number_prefix(OrderKind kind) {
  switch (kind) {
    case OrderKind::sale:
      return "SO";
    case OrderKind::replenishment:
      return "RO";
    case OrderKind::purchase:
      return "PO";
  }
  return "XO";
}

bool is_final(OrderStatus s) {
  return s == S::rejected || s == S::delivered || s == S::canceled || s == S::received;
}

Result<OrderStatus> transition(OrderKind kind, OrderStatus from, OrderStatus to) {
  const bool ok = kind == OrderKind::purchase                   ? allowed(purchase_moves, from, to)
                  : kind == OrderKind::sale && from == S::draft ? false  // nothing drafts a sale
                                                                : allowed(fulfilment_moves, from, to);
  if (!ok) {
    return Error::of(ErrorCode::conflict, std::string("a ") + std::string(to_string(kind)) +
                                              " order cannot go from " + std::string(to_string(from)) +
                                              " to " + std::string(to_string(to)));
  }
  return to;
}

StockEffect stock_effect(OrderKind kind, OrderStatus to) {
  if (kind == OrderKind::purchase)
    return to == S::received ? StockEffect::receive_at_buyer : StockEffect::none;
  switch (to) {
    case S::confirmed:
      return StockEffect::reserve;
    case S::shipped:
      return StockEffect::deduct_reserved;
    case S::canceled:
      return StockEffect::release_reserved;
    case S::delivered:
      return kind == OrderKind::replenishment ? StockEffect::receive_at_buyer : StockEffect::none;
    default:
      return StockEffect::none;
  }
}

namespace {

Permission permission_for(OrderKind kind) {
  switch (kind) {
    case OrderKind::sale:
      return Permission::create_sale_order;
    case OrderKind::replenishment:
      return Permission::create_replenishment_order;
    case OrderKind::purchase:
      return Permission::create_purchase_order;
  }
  return Permission::create_purchase_order;
}

// A named location that exists and is active, or a field error.
bool usable(const char* field, const std::optional<std::int64_t>& id, const std::optional<OrderLocation>& loc,
            std::vector<FieldError>& errors) {
  if (!id) {
    errors.push_back({field, "is required"});
    return false;
  }
  if (!loc) {
    errors.push_back({field, "does not exist"});
    return false;
  }
  if (!loc->is_active) {
    errors.push_back({field, "is not active"});
    return false;
  }
  return true;
}

void must_be_absent(const char* field, bool present, std::string_view kind, std::vector<FieldError>& errors) {
  if (present) errors.push_back({field, "is not part of a " + std::string(kind) + " order"});
}

}  // namespace

std::optional<std::int64_t> default_buyer(const Actor& actor, OrderKind kind) {
  if (kind == OrderKind::sale || !is_location_scoped(actor.role)) return std::nullopt;
  return actor.location_id;
}

Result<ResolvedParties> check_parties(const Actor& actor, const OrderParties& p) {
  const auto kind_name = to_string(p.kind);
  if (!allows(actor.role, permission_for(p.kind))) {
    return Error::of(ErrorCode::forbidden, "a " + std::string(to_string(actor.role)) + " may not place " +
                                               std::string(kind_name) + " orders");
  }
  std::vector<FieldError> errors;
  ResolvedParties out;
  switch (p.kind) {
    case OrderKind::sale: {
      must_be_absent("buyer_location_id", p.buyer_id.has_value(), kind_name, errors);
      must_be_absent("supplier_id", p.supplier_id.has_value(), kind_name, errors);
      if (usable("seller_location_id", p.seller_id, p.seller, errors) &&
          p.seller->kind != LocationKind::retail && p.seller->kind != LocationKind::stockist) {
        errors.push_back({"seller_location_id", "must be a retail or stockist location"});
      }
      if (!errors.empty()) return Error::validation(std::move(errors));
      if (!can_access_location(actor, *p.seller_id)) {
        return Error::of(ErrorCode::forbidden, "you may only sell from your own location");
      }
      out.seller_id = p.seller_id;
      return out;
    }
    case OrderKind::replenishment: {
      must_be_absent("supplier_id", p.supplier_id.has_value(), kind_name, errors);
      if (usable("buyer_location_id", p.buyer_id, p.buyer, errors)) {
        if (!p.buyer->upstream_id) {
          errors.push_back({"buyer_location_id", "a factory has no upstream location to replenish from"});
        } else if (p.seller_id && *p.seller_id != *p.buyer->upstream_id) {
          errors.push_back({"seller_location_id", "must be the buyer's upstream location"});
        } else if (p.seller_id) {
          usable("seller_location_id", p.seller_id, p.seller, errors);
        }
      }
      if (!errors.empty()) return Error::validation(std::move(errors));
      if (!can_access_location(actor, *p.buyer_id)) {
        return Error::of(ErrorCode::forbidden, "you may only order for your own location");
      }
      out.buyer_id = p.buyer_id;
      out.seller_id = p.buyer->upstream_id;
      return out;
    }
    case OrderKind::purchase: {
      must_be_absent("seller_location_id", p.seller_id.has_value(), kind_name, errors);
      usable("buyer_location_id", p.buyer_id, p.buyer, errors);
      if (!p.supplier_id)
        errors.push_back({"supplier_id", "is required"});
      else if (!p.supplier_exists)
        errors.push_back({"supplier_id", "does not exist"});
      else if (!p.supplier_active)
        errors.push_back({"supplier_id", "is not active"});
      if (!errors.empty()) return Error::validation(std::move(errors));
      if (!can_access_location(actor, *p.buyer_id)) {
        return Error::of(ErrorCode::forbidden, "you may only order for your own location");
      }
      out.buyer_id = p.buyer_id;
      out.supplier_id = p.supplier_id;
      return out;
    }
  }
  return Error::of(ErrorCode::validation, "unknown order kind");
}

bool can_see_order(const Actor& actor, std::optional<std::int64_t> seller_id,
                   std::optional<std::int64_t> buyer_id) {
  if (!is_location_scoped(actor.role)) return true;
  if (!actor.location_id) return false;
  return seller_id == actor.location_id || buyer_id == actor.location_id;
}

bool can_decide_draft(const Actor& actor, std::optional<std::int64_t> buyer_id) {
  if (!is_location_scoped(actor.role)) return true;
  return actor.location_id && buyer_id == actor.location_id;
}

bool can_move_order(const Actor& actor, OrderKind kind, OrderStatus to, std::optional<std::int64_t> seller_id,
                    std::optional<std::int64_t> buyer_id) {
  if (!is_location_scoped(actor.role)) return true;
  if (!actor.location_id) return false;
  const bool is_seller = seller_id == actor.location_id;
  const bool is_buyer = buyer_id == actor.location_id;
  switch (to) {
    case OrderStatus::processing:
    case OrderStatus::shipped:
      return is_seller;
    case OrderStatus::delivered:
      return kind == OrderKind::sale ? is_seller : is_buyer;
    case OrderStatus::ordered:
    case OrderStatus::received:
      return is_buyer;
    case OrderStatus::canceled:
      return is_seller || is_buyer;
    case OrderStatus::pending:
      return is_buyer;  // only from draft: the buyer takes up the proposal
    default:
      return false;  // confirmed and rejected are the stock worker's decisions
  }
}

}  // namespace ims::domain
