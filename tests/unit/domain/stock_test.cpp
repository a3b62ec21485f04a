#include <gtest/gtest.h>

#include "ims/domain/stock.hpp"

using namespace ims::domain;

namespace {
Quantity q(const char* text) {
  return *Quantity::parse(text);
}
StockSlot slot(std::int64_t id, std::optional<std::string> expiry, const char* on_hand,
               const char* reserved = "0") {
  return StockSlot{id, id * 10, std::move(expiry), q(on_hand), q(reserved)};
}
}  // namespace

TEST(Quantity, ParsesExactDecimalsUpToThousandths) {
  EXPECT_EQ(q("12").milli(), 12000);
  EXPECT_EQ(q("-3.5").milli(), -3500);
  EXPECT_EQ(q("0.125").milli(), 125);
  EXPECT_EQ(q(".5").milli(), 500);
  for (const char* bad : {"", "-", "1.2345", "1e3", "abc", "1.2.3", "999999999999"}) {
    EXPECT_FALSE(Quantity::parse(bad).has_value()) << bad;
  }
}

TEST(Quantity, PrintsTheShortestExactDecimal) {
  EXPECT_EQ(q("3").to_string(), "3");
  EXPECT_EQ(q("-0.5").to_string(), "-0.5");
  EXPECT_EQ(q("1.125").to_string(), "1.125");
  EXPECT_EQ(q("0.010").to_string(), "0.01");
}

TEST(Quantity, FromJsonNumberOnlyWhenExact) {
  EXPECT_EQ(Quantity::from_double(2.5)->milli(), 2500);
  EXPECT_EQ(Quantity::from_double(-1)->milli(), -1000);
  EXPECT_EQ(Quantity::from_double(0.001)->milli(), 1);
  EXPECT_FALSE(Quantity::from_double(0.0001).has_value());
  EXPECT_FALSE(Quantity::from_double(1e20).has_value());
  // Found by fuzz_decimal: large quantities with decimals were refused as JSON numbers.
  EXPECT_EQ(Quantity::from_double(34176012.3)->milli(), 34176012300);
  EXPECT_EQ(Quantity::from_double(16777216.001)->milli(), 16777216001);
  EXPECT_EQ(Quantity::from_double(0.1 + 0.2)->milli(), 300);
}

TEST(Fefo, TakesEarliestExpiryFirstAndLotlessLast) {
  auto takes =
      allocate_fefo({slot(1, std::nullopt, "100"), slot(2, "2027-05-01", "10"), slot(3, "2027-01-01", "4")},
                    q("20"), "2026-11-23", true);
  ASSERT_TRUE(takes.ok());
  ASSERT_EQ(takes->size(), 3u);
  EXPECT_EQ((*takes)[0].stock_id, 3);
  EXPECT_EQ((*takes)[0].quantity, q("4"));
  EXPECT_EQ((*takes)[1].stock_id, 2);
  EXPECT_EQ((*takes)[1].quantity, q("10"));
  EXPECT_EQ((*takes)[2].stock_id, 1);
  EXPECT_EQ((*takes)[2].quantity, q("6"));
}

TEST(Fefo, NeverAllocatesExpiredLotsWhenAskedNotTo) {
  auto takes =
      allocate_fefo({slot(1, "2026-01-01", "50"), slot(2, "2027-01-01", "5")}, q("6"), "2026-11-23", true);
  ASSERT_FALSE(takes.ok());
  EXPECT_EQ(takes.error().code, ErrorCode::conflict);
  EXPECT_EQ(takes.error().message, "only 5 available, 6 needed");
}

TEST(Fefo, ReservedStockIsNotAvailable) {
  auto takes = allocate_fefo({slot(1, "2027-01-01", "10", "8")}, q("3"), "2026-11-23", true);
  ASSERT_FALSE(takes.ok());
  auto ok = allocate_fefo({slot(1, "2027-01-01", "10", "8")}, q("2"), "2026-11-23", true);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->front().quantity, q("2"));
}

TEST(Fefo, ExpiredStockCanBeCountedOffWhenAllowed) {
  auto takes = allocate_fefo({slot(1, "2026-01-01", "5")}, q("5"), "2026-11-23", false);
  ASSERT_TRUE(takes.ok());
  EXPECT_EQ(takes->front().stock_id, 1);
}
