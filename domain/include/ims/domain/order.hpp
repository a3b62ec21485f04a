#pragma once
// Order lifecycles (DESIGN §3):
//   sale, replenishment: pending → confirmed | rejected; confirmed → processing → shipped → delivered;
//                        pending | confirmed | processing → canceled
//   purchase:            pending → ordered → received; pending | ordered → canceled
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "ims/domain/policy.hpp"
#include "ims/domain/result.hpp"

namespace ims::domain {

enum class OrderKind { sale, replenishment, purchase };
enum class OrderStatus {
  draft,
  pending,
  confirmed,
  rejected,
  processing,
  shipped,
  delivered,
  canceled,
  ordered,
  received
};

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

// --- who may place which order between which parties (DESIGN §3, §5) ---

struct OrderLocation {
  std::int64_t id = 0;
  LocationKind kind = LocationKind::retail;
  std::optional<std::int64_t> upstream_id;
  bool is_active = true;
};

// The parties as the client named them (ids) and as they were found (locations; nullopt when the
// id names no location). Ids the client left out are absent.
struct OrderParties {
  OrderKind kind = OrderKind::sale;
  std::optional<std::int64_t> seller_id;
  std::optional<OrderLocation> seller;
  std::optional<std::int64_t> buyer_id;
  std::optional<OrderLocation> buyer;
  std::optional<std::int64_t> supplier_id;
  bool supplier_active = false;  // meaningful when supplier_id is set and exists
  bool supplier_exists = false;
};

// The resolved parties: sale → seller; replenishment → buyer and seller (the buyer's upstream);
// purchase → buyer and supplier.
struct ResolvedParties {
  std::optional<std::int64_t> seller_id;
  std::optional<std::int64_t> buyer_id;
  std::optional<std::int64_t> supplier_id;
};

// The buyer a replenishment or purchase defaults to when the client names none: the actor's own
// location. Callers look that location up and fill `buyer` before check_parties.
std::optional<std::int64_t> default_buyer(const Actor& actor, OrderKind kind);

// forbidden (role may not place this kind, or a scoped user names a location not their own),
// validation (parties missing, of the wrong kind, inactive, or not a legal pair), or the parties.
Result<ResolvedParties> check_parties(const Actor& actor, const OrderParties& parties);

// Who sees an order: its buyer and seller locations, and unscoped roles.
bool can_see_order(const Actor& actor, std::optional<std::int64_t> seller_id,
                   std::optional<std::int64_t> buyer_id);

// Who may move an order to `to`: the seller confirms its shipping (processing, shipped); the buyer
// confirms arrival (delivered, received) and places a purchase (ordered); either side may cancel.
// Unscoped roles may do all of it.
// A draft is the buyer's proposal: the buyer location's users (or a manufacturer or admin) confirm
// or cancel it, not the seller it would order from.
bool can_decide_draft(const Actor& actor, std::optional<std::int64_t> buyer_id);
bool can_move_order(const Actor& actor, OrderKind kind, OrderStatus to, std::optional<std::int64_t> seller_id,
                    std::optional<std::int64_t> buyer_id);

}  // namespace ims::domain
