#include "ims/domain/stock.hpp"

#include <charconv>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

namespace ims::domain {

std::optional<Quantity> Quantity::parse(const std::string& text) {
  if (text.empty() || text.size() > 24) return std::nullopt;
  std::size_t i = 0;
  bool negative = false;
  if (text[0] == '-' || text[0] == '+') {
    negative = text[0] == '-';
    i = 1;
  }
  std::int64_t whole = 0, frac = 0;
  int digits = 0, frac_digits = 0;
  bool in_frac = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.' && !in_frac) {
      in_frac = true;
      continue;
    }
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    if (in_frac) {
      if (++frac_digits > 3) return std::nullopt;
      frac = frac * 10 + (c - '0');
    } else {
      if (++digits > 11) return std::nullopt;
      whole = whole * 10 + (c - '0');
    }
  }
  if (digits == 0 && frac_digits == 0) return std::nullopt;
  while (frac_digits++ < 3) frac *= 10;
  const std::int64_t milli = whole * scale + frac;
  if (milli > max_milli) return std::nullopt;
  return Quantity(negative ? -milli : milli);
}

std::optional<Quantity> Quantity::from_double(double value) {
  // As money_from_double: the number's shortest round-trip text, read by the exact decimal rules.
  if (!std::isfinite(value) || std::fabs(value) > 1e15) return std::nullopt;
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed);
  if (ec != std::errc{}) return std::nullopt;
  if (auto exact = parse(std::string(buf, end))) return exact;
  // A computed number a hair off a thousandth (0.1 + 0.2) is taken as that thousandth; the
  // tolerance grows with the magnitude, as the double's own precision does.
  const double scaled = value * scale;
  const double rounded = std::round(scaled);
  const double tolerance = std::max(1e-6, std::fabs(scaled) * 8 * std::numeric_limits<double>::epsilon());
  if (std::fabs(scaled - rounded) > tolerance || std::fabs(rounded) > static_cast<double>(max_milli))
    return std::nullopt;
  return Quantity(static_cast<std::int64_t>(rounded));
}

std::string Quantity::to_string() const {
  const std::int64_t a = milli_ < 0 ? -milli_ : milli_;
  std::string out = (milli_ < 0 ? "-" : "") + std::to_string(a / scale);
  std::int64_t frac = a % scale;
  if (frac != 0) {
    std::string f = std::to_string(frac);
    f = std::string(3 - f.size(), '0') + f;
    while (!f.empty() && f.back() == '0') f.pop_back();
    out += "." + f;
  }
  return out;
}

Result<std::vector<Take>> allocate_fefo(std::vector<StockSlot> slots, Quantity wanted,
                                        const std::string& today, bool skip_expired) {
  std::stable_sort(slots.begin(), slots.end(), [](const StockSlot& a, const StockSlot& b) {
    if (a.expires_on.has_value() != b.expires_on.has_value()) return a.expires_on.has_value();
    if (a.expires_on && b.expires_on && *a.expires_on != *b.expires_on) return *a.expires_on < *b.expires_on;
    return a.stock_id < b.stock_id;
  });
  Quantity total;
  std::vector<Take> takes;
  Quantity left = wanted;
  for (const auto& slot : slots) {
    if (skip_expired && slot.expires_on && *slot.expires_on < today) continue;
    const Quantity can = slot.available();
    if (can <= Quantity()) continue;
    total = total + can;
    if (left <= Quantity()) continue;
    const Quantity take = std::min(can, left);
    takes.push_back({slot.stock_id, slot.lot_id, take});
    left = left - take;
  }
  if (left > Quantity()) {
    return Error::of(ErrorCode::conflict,
                     "only " + total.to_string() + " available, " + wanted.to_string() + " needed");
  }
  return takes;
}

}  // namespace ims::domain
