#pragma once
// Order lifecycles (DESIGN §3):
//   sale, replenishment: pending → confirmed | rejected; confirmed → processing → shipped → delivered;
//                        pending | confirmed | processing → canceled
//   purchase:            pending → ordered → received; pending | ordered → canceled
#include <optional>
#include <string_view>

#include "ims/domain/result.hpp"

namespace ims::domain {

enum class OrderKind { sale, replenishment, purchase };
enum class OrderStatus { pending, confirmed, rejected, processing, shipped, delivered, canceled, ordered, received };

std::string_view to_string(OrderKind kind);
std::string_view to_string(OrderStatus status);
std::optional<OrderKind> parse_order_kind(std::string_view text);
std::optional<OrderStatus> parse_order_status(std::string_view text);

// The order's human number prefix: SO, RO or PO.
std::string_view number_prefix(OrderKind kind);

bool is_final(OrderStatus status);

// The status after the move, or a conflict naming the illegal transition. Never a silent no-op:
// moving to the status an order already has is illegal too.
Result<OrderStatus> transition(OrderKind kind, OrderStatus from, OrderStatus to);

// What the stock worker must do when an order enters `to`.
enum class StockEffect { none, reserve, deduct_reserved, release_reserved, receive_at_buyer };
StockEffect stock_effect(OrderKind kind, OrderStatus to);

}  // namespace ims::domain
