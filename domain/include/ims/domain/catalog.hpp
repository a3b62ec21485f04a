#pragma once
// Catalog rules: SKUs, GTINs (with their check digit) and exact money.
#include <cstdint>
#include <optional>
#include <string>

namespace ims::domain {

std::optional<std::string> check_sku(const std::string& sku);
// GTIN-8, -12, -13 or -14 with a valid GS1 mod-10 check digit.
std::optional<std::string> check_gtin(const std::string& gtin);

// Money in cents (numeric(14,2)); "45", "45.5", "45.50"; never negative here.
std::optional<std::int64_t> parse_money(const std::string& text);
std::optional<std::int64_t> money_from_double(double value);
std::string format_money(std::int64_t cents);  // "45.50"

// A price fits numeric(14,2); a line's amount or an order's total stays far below numeric(18,2),
// so no sum of them can overflow a column.
constexpr std::int64_t max_price_cents = 99'999'999'999'999;   // 999,999,999,999.99
constexpr std::int64_t max_amount_cents = 99'999'999'999'999;  // 999,999,999,999.99 per line and per order
// quantity (thousandths) × unit price, rounded half up to the cent; nullopt beyond max_amount_cents.
std::optional<std::int64_t> line_amount_cents(std::int64_t quantity_milli, std::int64_t unit_price_cents);

}  // namespace ims::domain
