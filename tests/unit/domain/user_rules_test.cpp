#include <gtest/gtest.h>

#include "ims/domain/user_rules.hpp"

using namespace ims::domain;

TEST(UserRules, UsernameAcceptsLowercaseDigitsAndSeparators) {
  EXPECT_EQ(check_username("store.manager_2-a"), std::nullopt);
  EXPECT_NE(check_username("ab"), std::nullopt);
  EXPECT_NE(check_username("Admin"), std::nullopt);
  EXPECT_NE(check_username("with space"), std::nullopt);
  EXPECT_NE(check_username(std::string(65, 'a')), std::nullopt);
}

TEST(UserRules, EmailNeedsOneAtAndADomain) {
  EXPECT_EQ(check_email("a@b.co"), std::nullopt);
  EXPECT_NE(check_email("a.b.co"), std::nullopt);
  EXPECT_NE(check_email("a@b"), std::nullopt);
  EXPECT_NE(check_email("a@example.com\x01\x1f"), std::nullopt);  // found by the HTTP fuzzer
  EXPECT_NE(check_email("a\x7f@example.com"), std::nullopt);
  EXPECT_NE(check_email("@b.co"), std::nullopt);
  EXPECT_NE(check_email("a@@b.co"), std::nullopt);
  EXPECT_NE(check_email("a b@c.co"), std::nullopt);
}

TEST(UserRules, PasswordLengthBounds) {
  EXPECT_EQ(check_password("demo-password"), std::nullopt);
  EXPECT_NE(check_password("short"), std::nullopt);
  EXPECT_NE(check_password(std::string(129, 'x')), std::nullopt);
}

TEST(UserRules, ScopedRolesRequireALocationOfTheirKind) {
  EXPECT_NE(check_role_location(Role::retailer, std::nullopt, false), std::nullopt);
  EXPECT_EQ(check_role_location(Role::retailer, LocationKind::retail, true), std::nullopt);
  EXPECT_NE(check_role_location(Role::retailer, LocationKind::cfa, true), std::nullopt);
  EXPECT_EQ(check_role_location(Role::cfa, LocationKind::cfa, true), std::nullopt);
  EXPECT_NE(check_role_location(Role::stockist, LocationKind::retail, true), std::nullopt);
}

TEST(UserRules, UnknownLocationIsRejected) {
  EXPECT_EQ(check_role_location(Role::cfa, std::nullopt, true), "does not exist");
}

TEST(UserRules, AdminMayHaveAnyLocationOrNone) {
  EXPECT_EQ(check_role_location(Role::admin, std::nullopt, false), std::nullopt);
  EXPECT_EQ(check_role_location(Role::admin, LocationKind::retail, true), std::nullopt);
  EXPECT_EQ(check_role_location(Role::manufacturer, std::nullopt, false), std::nullopt);
  EXPECT_NE(check_role_location(Role::manufacturer, LocationKind::cfa, true), std::nullopt);
}

TEST(UserRules, OnlyStoreSideRolesCanBeRequestedAtSignUp) {
  EXPECT_TRUE(is_requestable_role(Role::cfa));
  EXPECT_TRUE(is_requestable_role(Role::stockist));
  EXPECT_TRUE(is_requestable_role(Role::retailer));
  EXPECT_FALSE(is_requestable_role(Role::admin));
  EXPECT_FALSE(is_requestable_role(Role::manufacturer));
}

TEST(UserRules, APinIsFourToEightDigits) {
  EXPECT_EQ(check_pin("2580"), std::nullopt);
  EXPECT_EQ(check_pin("12345678"), std::nullopt);
  for (const char* bad : {"", "123", "123456789", "12a4", " 1234", "１２３４", "12.4"}) {
    EXPECT_NE(check_pin(bad), std::nullopt) << bad;
  }
}

TEST(UserRules, TheFifthWrongPinLocks) {
  EXPECT_FALSE(pin_locks_after(0, 5));
  EXPECT_FALSE(pin_locks_after(3, 5));
  EXPECT_TRUE(pin_locks_after(4, 5));
  EXPECT_TRUE(pin_locks_after(9, 5));
  EXPECT_TRUE(pin_locks_after(0, 1));
}

TEST(UserRules, PhonesAreStoredAsDigitsWithAnOptionalPlus) {
  EXPECT_EQ(normalize_phone("+91 98200-12345"), "+919820012345");
  EXPECT_EQ(normalize_phone("(022) 2634.5678"), "02226345678");
  EXPECT_EQ(normalize_phone("  +44 20 7946 0958"), "+442079460958");
  EXPECT_EQ(normalize_phone("123456"), "123456");
  for (const char* bad :
       {"", "12345", "+", "98200+12345", "9820x12345", "123456789012345678901", "++911234567"}) {
    EXPECT_EQ(normalize_phone(bad), std::nullopt) << bad;
  }
}
