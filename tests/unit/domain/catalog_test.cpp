#include <gtest/gtest.h>

#include "ims/domain/catalog.hpp"

using namespace ims::domain;

TEST(Gtin, AcceptsValidCheckDigitsOfEveryLength) {
  for (const char* ok : {"8901000000019", "4006381333931", "96385074", "036000291452", "10012345678902"}) {
    EXPECT_EQ(check_gtin(ok), std::nullopt) << ok;
  }
}

TEST(Gtin, RejectsWrongCheckDigitLengthOrCharacters) {
  EXPECT_EQ(check_gtin("8901000000018"), "has a wrong check digit (expected 9)");
  EXPECT_NE(check_gtin("12345"), std::nullopt);
  EXPECT_NE(check_gtin("89010000000a9"), std::nullopt);
}

TEST(Sku, UppercaseDigitsAndSeparators) {
  EXPECT_EQ(check_sku("FG-SOAP-100"), std::nullopt);
  EXPECT_NE(check_sku("fg-soap"), std::nullopt);
  EXPECT_NE(check_sku("-X"), std::nullopt);
  EXPECT_NE(check_sku(""), std::nullopt);
}

TEST(Money, ExactCentsBothWays) {
  EXPECT_EQ(parse_money("45"), 4500);
  EXPECT_EQ(parse_money("45.5"), 4550);
  EXPECT_EQ(parse_money("0.07"), 7);
  EXPECT_EQ(parse_money("1.005"), std::nullopt);
  EXPECT_EQ(parse_money("-1"), std::nullopt);
  EXPECT_EQ(money_from_double(19.99), 1999);
  EXPECT_EQ(money_from_double(0.1 + 0.2), 30);
  EXPECT_EQ(money_from_double(1.001), std::nullopt);
  // Found by fuzz_decimal: a fixed tolerance on value × 100 refused large amounts with cents.
  EXPECT_EQ(money_from_double(1234569012.34), 123456901234);
  EXPECT_EQ(money_from_double(73999999999.99), 7399999999999);
  EXPECT_EQ(money_from_double(9999999991.2), 999999999120);
  EXPECT_EQ(format_money(4550), "45.50");
  EXPECT_EQ(format_money(7), "0.07");
}
