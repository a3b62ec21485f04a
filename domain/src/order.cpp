#include "ims/domain/order.hpp"

#include <array>
#include <utility>

namespace ims::domain {
namespace {

using S = OrderStatus;

constexpr std::array<std::pair<S, S>, 9> fulfilment_moves{{
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

constexpr std::array<std::pair<S, S>, 4> purchase_moves{{
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
    case OrderKind::sale: return "sale";
    case OrderKind::replenishment: return "replenishment";
    case OrderKind::purchase: return "purchase";
  }
  return "unknown";
}

std::string_view to_string(OrderStatus s) {
  switch (s) {
    case S::pending: return "pending";
    case S::confirmed: return "confirmed";
    case S::rejected: return "rejected";
    case S::processing: return "processing";
    case S::shipped: return "shipped";
    case S::delivered: return "delivered";
    case S::canceled: return "canceled";
    case S::ordered: return "ordered";
    case S::received: return "received";
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
  for (auto s : {S::pending, S::confirmed, S::rejected, S::processing, S::shipped, S::delivered, S::canceled, S::ordered,
                 S::received}) {
    if (to_string(s) == text) return s;
  }
  return std::nullopt;
}

std::string_view number_prefix(OrderKind kind) {
  switch (kind) {
    case OrderKind::sale: return "SO";
    case OrderKind::replenishment: return "RO";
    case OrderKind::purchase: return "PO";
  }
  return "XO";
}

bool is_final(OrderStatus s) {
  return s == S::rejected || s == S::delivered || s == S::canceled || s == S::received;
}

Result<OrderStatus> transition(OrderKind kind, OrderStatus from, OrderStatus to) {
  const bool ok = kind == OrderKind::purchase ? allowed(purchase_moves, from, to) : allowed(fulfilment_moves, from, to);
  if (!ok) {
    return Error::of(ErrorCode::conflict, std::string("a ") + std::string(to_string(kind)) + " order cannot go from " +
                                              std::string(to_string(from)) + " to " + std::string(to_string(to)));
  }
  return to;
}

StockEffect stock_effect(OrderKind kind, OrderStatus to) {
  if (kind == OrderKind::purchase) return to == S::received ? StockEffect::receive_at_buyer : StockEffect::none;
  switch (to) {
    case S::confirmed: return StockEffect::reserve;
    case S::shipped: return StockEffect::deduct_reserved;
    case S::canceled: return StockEffect::release_reserved;
    case S::delivered: return kind == OrderKind::replenishment ? StockEffect::receive_at_buyer : StockEffect::none;
    default: return StockEffect::none;
  }
}

}  // namespace ims::domain
