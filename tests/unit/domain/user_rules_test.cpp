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
