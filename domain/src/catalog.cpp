#include "ims/domain/catalog.hpp"

#include <charconv>
#include <cstdint>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

namespace ims::domain {

std::optional<std::string> check_sku(const std::string& sku) {
  if (sku.empty() || sku.size() > 64) return "must be 1 to 64 characters";
  if (!std::isupper(static_cast<unsigned char>(sku[0])) &&
      !std::isdigit(static_cast<unsigned char>(sku[0]))) {
    return "must start with an uppercase letter or a digit";
  }
  const bool ok = std::all_of(sku.begin(), sku.end(), [](unsigned char c) {
    return std::isupper(c) || std::isdigit(c) || c == '-' || c == '_' || c == '.';
  });
  if (!ok) return "may contain only uppercase letters, digits, '-', '_' and '.'";
  return std::nullopt;
}

std::optional<std::string> check_gtin(const std::string& gtin) {
  const auto n = gtin.size();
  if (n != 8 && n != 12 && n != 13 && n != 14) return "must have 8, 12, 13 or 14 digits";
  if (!std::all_of(gtin.begin(), gtin.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return "must contain digits only";
  }
  // GS1: from the right, excluding the check digit, weights 3, 1, 3, 1, …
  int sum = 0;
  for (std::size_t i = 0; i + 1 < n; ++i) {
    const int digit = gtin[n - 2 - i] - '0';
    sum += digit * (i % 2 == 0 ? 3 : 1);
  }
  const int check = (10 - sum % 10) % 10;
  if (check != gtin[n - 1] - '0') return "has a wrong check digit (expected " + std::to_string(check) + ")";
  return std::nullopt;
}

std::optional<std::int64_t> parse_money(const std::string& text) {
  if (text.empty() || text.size() > 16) return std::nullopt;
  std::int64_t whole = 0, frac = 0;
  int digits = 0, frac_digits = 0;
  bool in_frac = false;
  for (char c : text) {
    if (c == '.' && !in_frac) {
      in_frac = true;
      continue;
    }
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    if (in_frac) {
      if (++frac_digits > 2) return std::nullopt;
      frac = frac * 10 + (c - '0');
    } else {
      if (++digits > 12) return std::nullopt;
      whole = whole * 10 + (c - '0');
    }
  }
  if (digits == 0) return std::nullopt;
  if (frac_digits == 1) frac *= 10;
  return whole * 100 + frac;
}

std::optional<std::int64_t> money_from_double(double value) {
  // A JSON number means the decimal it was written as: the shortest text that reads back as the
  // same double, then the exact decimal rules of the text form (a tolerance on value * 100 refused
  // 1234569012.34, whose product carries more rounding error than any fixed epsilon).
  if (!std::isfinite(value) || value < 0 || value > 1e12) return std::nullopt;
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed);
  if (ec != std::errc{}) return std::nullopt;
  if (auto exact = parse_money(std::string(buf, end))) return exact;
  // A computed number a hair off a cent (0.1 + 0.2) is taken as that cent.
  const double cents = std::round(value * 100);
  const double tolerance =
      std::max(1e-6, std::fabs(value * 100) * 8 * std::numeric_limits<double>::epsilon());
  if (std::fabs(value * 100 - cents) > tolerance) return std::nullopt;
  return static_cast<std::int64_t>(cents);
}

std::optional<std::int64_t> line_amount_cents(std::int64_t quantity_milli, std::int64_t unit_price_cents) {
  if (quantity_milli < 0 || unit_price_cents < 0) return std::nullopt;
  // A product past int64 is far past the limit as well.
  std::int64_t product = 0;
  if (__builtin_mul_overflow(quantity_milli, unit_price_cents, &product) || product > INT64_MAX - 500)
    return std::nullopt;
  const std::int64_t amount = (product + 500) / 1000;
  if (amount > max_amount_cents) return std::nullopt;
  return amount;
}

std::string format_money(std::int64_t cents) {
  std::string frac = std::to_string(cents % 100);
  if (frac.size() < 2) frac = "0" + frac;
  return std::to_string(cents / 100) + "." + frac;
}

}  // namespace ims::domain
