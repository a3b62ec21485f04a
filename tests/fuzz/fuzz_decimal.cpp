// Exact decimals of the domain: quantities (thousandths), money (cents), BOM amounts per unit
// (ten-thousandths), and the arithmetic built on them (FEFO allocation, material needs, cost per
// unit, a line's amount).
//
// Input: the first line is decimal text, parsed every way the API and the workers parse it; the
// bytes after the newline drive the arithmetic (FuzzedDataProvider).
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "fuzz_check.hpp"
#include "ims/domain/catalog.hpp"
#include "ims/domain/stock.hpp"
#include "ims/domain/workflow.hpp"

using ims::domain::Quantity;

namespace {

using Wide = __int128;
constexpr std::int64_t max_milli = Quantity::max_milli;

bool all_digits(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return c >= '0' && c <= '9'; });
}

std::int64_t digits_value(const std::string& s) {
  return s.empty() ? 0 : std::stoll(s);
}

// Independent readings of the documented grammars, to compare acceptance and value.
std::optional<std::int64_t> reference_quantity(const std::string& t) {
  if (t.empty() || t.size() > 24) return std::nullopt;
  std::size_t i = 0;
  bool negative = false;
  if (t[0] == '-' || t[0] == '+') negative = t[0] == '-', i = 1;
  const auto dot = t.find('.', i);
  const std::string whole = t.substr(i, dot == std::string::npos ? std::string::npos : dot - i);
  const std::string frac = dot == std::string::npos ? "" : t.substr(dot + 1);
  if ((whole.empty() && frac.empty()) || !all_digits(whole) || !all_digits(frac)) return std::nullopt;
  if (whole.size() > 11 || frac.size() > 3) return std::nullopt;
  const std::int64_t milli =
      digits_value(whole) * 1000 + digits_value(frac + std::string(3 - frac.size(), '0'));
  return negative ? -milli : milli;
}

std::optional<std::int64_t> reference_money(const std::string& t) {
  if (t.empty() || t.size() > 16) return std::nullopt;
  const auto dot = t.find('.');
  const std::string whole = t.substr(0, dot);
  const std::string frac = dot == std::string::npos ? "" : t.substr(dot + 1);
  if (whole.empty() || !all_digits(whole) || !all_digits(frac)) return std::nullopt;
  if (whole.size() > 12 || frac.size() > 2) return std::nullopt;
  return digits_value(whole) * 100 + digits_value(frac + std::string(2 - frac.size(), '0'));
}

std::optional<std::int64_t> reference_per_unit(const std::string& t) {
  const auto dot = t.find('.');
  const std::string whole = t.substr(0, dot);
  const std::string frac = dot == std::string::npos ? "" : t.substr(dot + 1);
  if ((whole.empty() && frac.empty()) || !all_digits(whole) || !all_digits(frac)) return std::nullopt;
  if (whole.size() > 10 || frac.size() > 4) return std::nullopt;
  return digits_value(whole) * 10'000 + digits_value(frac + std::string(4 - frac.size(), '0'));
}

// A JSON number without exponent as a client writes it: -?digits(.digits)?, at most `decimals`.
bool json_decimal(const std::string& t, std::size_t decimals, bool allow_sign) {
  std::size_t i = allow_sign && !t.empty() && t[0] == '-' ? 1 : 0;
  const auto dot = t.find('.', i);
  const std::string whole = t.substr(i, dot == std::string::npos ? std::string::npos : dot - i);
  const std::string frac = dot == std::string::npos ? "" : t.substr(dot + 1);
  if (whole.empty() || !all_digits(whole) || !all_digits(frac)) return false;
  if (dot != std::string::npos && frac.empty()) return false;
  return frac.size() <= decimals;
}

std::string show(std::optional<std::int64_t> v) {
  return v ? std::to_string(*v) : "nullopt";
}

void check_quantity_text(const std::string& text) {
  const auto parsed = Quantity::parse(text);
  const auto expected = reference_quantity(text);
  FUZZ_CHECK(parsed.has_value() == expected.has_value() && (!parsed || parsed->milli() == *expected),
             "Quantity::parse(\"" + text +
                 "\") = " + show(parsed ? std::optional(parsed->milli()) : std::nullopt) + ", expected " +
                 show(expected));
  if (!parsed) return;
  FUZZ_CHECK(parsed->milli() >= -max_milli && parsed->milli() <= max_milli, text);
  const auto printed = parsed->to_string();
  const auto again = Quantity::parse(printed);
  FUZZ_CHECK(again && *again == *parsed, "to_string of " + text + " gave " + printed);
  FUZZ_CHECK(again->to_string() == printed, printed);
  FUZZ_CHECK(printed.find('.') == std::string::npos || printed.back() != '0', "not the shortest: " + printed);
  // The same amount sent as a JSON number must be read as the same quantity.
  if (json_decimal(text, 3, true)) {
    const double value = std::strtod(text.c_str(), nullptr);
    const auto from_number = Quantity::from_double(value);
    FUZZ_CHECK(from_number && *from_number == *parsed,
               "Quantity::from_double(" + text +
                   ") = " + show(from_number ? std::optional(from_number->milli()) : std::nullopt) +
                   ", the text gives " + std::to_string(parsed->milli()) + " thousandths");
  }
}

void check_money_text(const std::string& text) {
  const auto cents = ims::domain::parse_money(text);
  const auto expected = reference_money(text);
  FUZZ_CHECK(cents == expected,
             "parse_money(\"" + text + "\") = " + show(cents) + ", expected " + show(expected));
  if (!cents) return;
  FUZZ_CHECK(*cents >= 0, text);
  const auto printed = ims::domain::format_money(*cents);
  FUZZ_CHECK(ims::domain::parse_money(printed) == cents,
             "format_money(" + std::to_string(*cents) + ") = " + printed);
  FUZZ_CHECK(printed.size() >= 4 && printed[printed.size() - 3] == '.', printed);
  if (json_decimal(text, 2, false) && *cents <= ims::domain::max_price_cents) {
    const auto from_number = ims::domain::money_from_double(std::strtod(text.c_str(), nullptr));
    FUZZ_CHECK(from_number == cents, "money_from_double(" + text + ") = " + show(from_number) +
                                         ", the text gives " + show(cents) + " cents");
  }
}

void check_per_unit_text(const std::string& text) {
  const auto e4 = ims::domain::parse_per_unit(text);
  const auto expected = reference_per_unit(text);
  FUZZ_CHECK(e4 == expected,
             "parse_per_unit(\"" + text + "\") = " + show(e4) + ", expected " + show(expected));
}

Quantity quantity_in(FuzzedDataProvider& in, std::int64_t low, std::int64_t high) {
  return Quantity::from_milli(in.ConsumeIntegralInRange<std::int64_t>(low, high));
}

void check_quantity_arithmetic(FuzzedDataProvider& in) {
  const auto a = quantity_in(in, -max_milli, max_milli), b = quantity_in(in, -max_milli, max_milli);
  FUZZ_CHECK((a + b) - b == a && -(-a) == a && (a - b) == -(b - a), a.to_string() + " " + b.to_string());
  FUZZ_CHECK((a < b) == (a.milli() < b.milli()), a.to_string() + " " + b.to_string());
  const auto back = Quantity::parse(a.to_string());
  FUZZ_CHECK(back && *back == a, a.to_string());
  const double d = in.ConsumeFloatingPoint<double>();
  if (const auto q = Quantity::from_double(d)) {
    FUZZ_CHECK(q->milli() >= -max_milli && q->milli() <= max_milli, std::to_string(d));
  }
}

// FEFO: everything wanted is taken from usable stock, earliest expiry first and lot-less stock
// last, or nothing at all. The expected takes are computed independently and compared.
void check_fefo(FuzzedDataProvider& in) {
  static const char* dates[] = {"2026-01-01", "2026-01-02", "2026-03-15", "2027-12-31"};
  std::vector<ims::domain::StockSlot> slots;
  const int n = in.ConsumeIntegralInRange(0, 8);
  for (int i = 0; i < n; ++i) {
    ims::domain::StockSlot s;
    s.stock_id = i + 1;
    if (in.ConsumeBool()) {
      s.lot_id = s.stock_id * 10;
      s.expires_on = dates[in.ConsumeIntegralInRange(0, 3)];
    }
    s.on_hand = quantity_in(in, 0, 5'000'000);
    s.reserved = quantity_in(in, 0, 6'000'000);
    slots.push_back(s);
  }
  // Shuffle the order the rows arrive in: the result must not depend on it.
  for (std::size_t i = slots.size(); i > 1; --i)
    std::swap(slots[i - 1], slots[in.ConsumeIntegralInRange<std::size_t>(0, i - 1)]);
  const auto wanted = quantity_in(in, -1000, 20'000'000);
  const std::string today = dates[in.ConsumeIntegralInRange(0, 3)];
  const bool skip_expired = in.ConsumeBool();

  auto order = slots;
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    const std::string ka = a.expires_on.value_or("~"),
                      kb = b.expires_on.value_or("~");  // '~' sorts after digits
    return ka != kb ? ka < kb : a.stock_id < b.stock_id;
  });
  Quantity usable_total, left = wanted;
  std::vector<std::pair<std::int64_t, Quantity>> expected;
  for (const auto& s : order) {
    if ((skip_expired && s.expires_on && *s.expires_on < today) || s.available() <= Quantity()) continue;
    usable_total = usable_total + s.available();
    if (left <= Quantity()) continue;
    const auto take = std::min(left, s.available());
    expected.emplace_back(s.stock_id, take);
    left = left - take;
  }

  auto result = ims::domain::allocate_fefo(slots, wanted, today, skip_expired);
  if (left > Quantity()) {
    FUZZ_CHECK(!result, "allocated " + wanted.to_string() + " from " + usable_total.to_string() + " usable");
    FUZZ_CHECK(result.error().code == ims::domain::ErrorCode::conflict, "a shortage is a conflict");
    return;
  }
  FUZZ_CHECK(result.ok(), "refused " + wanted.to_string() + " with " + usable_total.to_string() + " usable");
  FUZZ_CHECK(result->size() == expected.size(),
             "takes: " + std::to_string(result->size()) + ", expected " + std::to_string(expected.size()));
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto& t = (*result)[i];
    FUZZ_CHECK(t.stock_id == expected[i].first && t.quantity == expected[i].second,
               "take " + std::to_string(i) + ": " + std::to_string(t.stock_id) + " x " +
                   t.quantity.to_string() + ", expected " + std::to_string(expected[i].first) + " x " +
                   expected[i].second.to_string());
    const auto slot =
        std::find_if(slots.begin(), slots.end(), [&](const auto& s) { return s.stock_id == t.stock_id; });
    FUZZ_CHECK(t.lot_id == slot->lot_id, "take names another lot");
  }
}

void check_production(FuzzedDataProvider& in) {
  std::vector<ims::domain::BomLine> bom;
  std::vector<std::pair<std::int64_t, Quantity>> available;
  const int n = in.ConsumeIntegralInRange(0, 6);
  for (int i = 0; i < n; ++i) {
    bom.push_back({i + 1, in.ConsumeIntegralInRange<std::int64_t>(0, 99'999'999'999'999),
                   in.ConsumeIntegralInRange<std::int64_t>(0, ims::domain::max_price_cents)});
    if (in.ConsumeBool()) available.emplace_back(i + 1, quantity_in(in, 0, max_milli));
  }
  const auto quantity = quantity_in(in, 0, max_milli);
  const auto needs = ims::domain::material_needs(bom, quantity, available);
  FUZZ_CHECK(needs.size() == bom.size(), "one need per BOM line");
  for (std::size_t i = 0; i < needs.size(); ++i) {
    const Wide exact = (static_cast<Wide>(bom[i].per_unit_e4) * quantity.milli() + 9'999) / 10'000;
    if (exact <= max_milli) {  // beyond that no column could hold it anyway
      FUZZ_CHECK(needs[i].needed.milli() == static_cast<std::int64_t>(exact),
                 "need not rounded up to the thousandth");
      FUZZ_CHECK(needs[i].shortage() >= Quantity() && needs[i].shortage() <= needs[i].needed,
                 "shortage out of range");
    }
  }
  Wide total = 0;
  for (const auto& l : bom) total += static_cast<Wide>(l.cost_cents) * l.per_unit_e4;
  const Wide exact_cost = (total + 5'000) / 10'000;
  if (exact_cost <= std::numeric_limits<std::int64_t>::max()) {
    FUZZ_CHECK(ims::domain::cost_per_unit_cents(bom) == static_cast<std::int64_t>(exact_cost),
               "cost per unit");
  }
}

void check_money_arithmetic(FuzzedDataProvider& in) {
  const auto cents = in.ConsumeIntegralInRange<std::int64_t>(0, ims::domain::max_price_cents);
  FUZZ_CHECK(ims::domain::parse_money(ims::domain::format_money(cents)) == cents, std::to_string(cents));
  const auto milli = in.ConsumeIntegral<std::int64_t>();
  const auto price = in.ConsumeIntegral<std::int64_t>();
  const auto amount = ims::domain::line_amount_cents(milli, price);
  std::optional<std::int64_t> expected;
  if (milli >= 0 && price >= 0) {
    const Wide exact = (static_cast<Wide>(milli) * price + 500) / 1000;
    if (exact <= ims::domain::max_amount_cents) expected = static_cast<std::int64_t>(exact);
  }
  FUZZ_CHECK(amount == expected, "line_amount_cents(" + std::to_string(milli) + ", " + std::to_string(price) +
                                     ") = " + show(amount) + ", expected " + show(expected));
  const double d = in.ConsumeFloatingPoint<double>();
  if (const auto c = ims::domain::money_from_double(d))
    FUZZ_CHECK(*c >= 0 && *c <= 100'000'000'000'000, std::to_string(d));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto input = ims::fuzz::text_of(data, size);
  const auto newline = input.find('\n');
  const auto text = input.substr(0, newline);
  check_quantity_text(text);
  check_money_text(text);
  check_per_unit_text(text);

  const auto rest = newline == std::string::npos ? std::string() : input.substr(newline + 1);
  FuzzedDataProvider in(reinterpret_cast<const std::uint8_t*>(rest.data()), rest.size());
  check_quantity_arithmetic(in);
  check_fefo(in);
  check_production(in);
  check_money_arithmetic(in);
  return 0;
}
