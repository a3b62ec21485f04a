#pragma once
// Stock arithmetic: exact quantities and first-expiry-first-out allocation across lots.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ims/domain/result.hpp"

namespace ims::domain {

// Quantities are exact thousandths of a unit (PostgreSQL numeric(14,3)); never floating point.
class Quantity {
 public:
  static constexpr std::int64_t scale = 1000;
  static constexpr std::int64_t max_milli = 99'999'999'999'999;  // numeric(14,3)

  constexpr Quantity() = default;
  static constexpr Quantity from_milli(std::int64_t milli) { return Quantity(milli); }
  // "12", "-3.5", "0.125"; nullopt for anything else (more than 3 decimals, out of range, junk).
  static std::optional<Quantity> parse(const std::string& text);
  // A JSON number as the client sent it; nullopt unless it is a whole number of thousandths.
  static std::optional<Quantity> from_double(double value);

  constexpr std::int64_t milli() const { return milli_; }
  std::string to_string() const;  // shortest exact decimal: "3", "-0.5", "1.125"
  double to_double() const { return static_cast<double>(milli_) / scale; }

  constexpr bool operator==(const Quantity&) const = default;
  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 misreads a defaulted <=>
  constexpr auto operator<=>(const Quantity&) const = default;
  constexpr Quantity operator+(Quantity o) const { return Quantity(milli_ + o.milli_); }
  constexpr Quantity operator-(Quantity o) const { return Quantity(milli_ - o.milli_); }
  constexpr Quantity operator-() const { return Quantity(-milli_); }

 private:
  constexpr explicit Quantity(std::int64_t milli) : milli_(milli) {}
  std::int64_t milli_ = 0;
};

// One stock row (product × location × lot) as allocation sees it.
struct StockSlot {
  std::int64_t stock_id = 0;
  std::optional<std::int64_t> lot_id;
  std::optional<std::string> expires_on;  // ISO date, "YYYY-MM-DD"; none for lot-less stock
  Quantity on_hand;
  Quantity reserved;
  Quantity available() const { return on_hand - reserved; }
};

struct Take {
  std::int64_t stock_id = 0;
  std::optional<std::int64_t> lot_id;
  Quantity quantity;
};

// Picks `wanted` from the slots' available stock, earliest expiry first, lot-less stock last.
// With skip_expired, lots expiring before `today` are never used. Error (conflict) naming how much
// is available when there is not enough; nothing is taken then.
Result<std::vector<Take>> allocate_fefo(std::vector<StockSlot> slots, Quantity wanted,
                                        const std::string& today, bool skip_expired);

}  // namespace ims::domain
