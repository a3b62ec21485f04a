// Authentication as a client sees it: logins per role, throttling, refresh rotation, logout, and
// every kind of bad token.
#include <gtest/gtest.h>

#include <ctime>

#include "ims/infra/crypto.hpp"
#include "ims/infra/jwt.hpp"
#include "support/http_client.hpp"

using namespace ims::test;
using nlohmann::json;

namespace {

std::string admin_token() {
  return token_for("admin");
}

// A fresh user, so lockouts in one test cannot touch another.
std::string create_user(const std::string& role = "admin", std::optional<int> location = std::nullopt) {
  const auto name = "auth-" + unique_suffix();
  json body{
      {"username", name}, {"email", name + "@example.com"}, {"password", "initial-password"}, {"role", role}};
  if (location) body["location_id"] = *location;
  auto r = api("POST", "/api/v1/users", body.dump(), {{bearer(admin_token())}});
  EXPECT_EQ(r.status, 201) << r.body;
  return name;
}

HttpResult me(const std::string& token) {
  return api("GET", "/api/v1/auth/me", "", {{bearer(token)}});
}

std::string secret() {
  return env_or("IMS_JWT_SECRET", "");
}

}  // namespace

struct RoleCase {
  const char* username;
  const char* role;
  const char* location_code;  // empty: none
};

class DemoLogin : public ::testing::TestWithParam<RoleCase> {};

TEST_P(DemoLogin, LogsInAndMeShowsRoleAndLocation) {
  const auto& c = GetParam();
  auto session = login(c.username);
  EXPECT_EQ(session["token_type"], "Bearer");
  EXPECT_EQ(session["expires_in"], 900);
  EXPECT_EQ(session["user"]["role"], c.role);
  auto r = me(session["access_token"]);
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = r.json();
  EXPECT_EQ(j["username"], c.username);
  EXPECT_EQ(j["role"], c.role);
  if (std::string(c.location_code).empty()) {
    EXPECT_TRUE(j["location"].is_null());
  } else {
    EXPECT_EQ(j["location"]["code"], c.location_code);
    EXPECT_EQ(j["location_id"], j["location"]["id"]);
  }
  EXPECT_FALSE(j.contains("password_hash"));
}

INSTANTIATE_TEST_SUITE_P(EveryRole, DemoLogin,
                         ::testing::Values(RoleCase{"admin", "admin", ""},
                                           RoleCase{"manufacturer", "manufacturer", "FACTORY-01"},
                                           RoleCase{"cfa", "cfa", "CFA-WEST"},
                                           RoleCase{"stockist", "stockist", "STK-MUMBAI"},
                                           RoleCase{"retailer", "retailer", "RET-ANDHERI"}),
                         [](const auto& p) { return std::string(p.param.username); });

TEST(Login, UnknownUserAndWrongPasswordGetTheSameAnswer) {
  const auto name = create_user();
  auto wrong =
      api("POST", "/api/v1/auth/login", json{{"username", name}, {"password", "not-the-password"}}.dump());
  auto unknown =
      api("POST", "/api/v1/auth/login",
          json{{"username", "nobody-" + unique_suffix()}, {"password", "whatever-password"}}.dump());
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(wrong.json()["detail"], unknown.json()["detail"]);
  EXPECT_EQ(wrong.header("content-type"), "application/problem+json");
}

TEST(Login, EleventhWrongPasswordInARowIs429WithRetryAfter) {
  const auto name = create_user();
  HttpOptions from_elsewhere;  // its ten failures must not count against the shared test address
  from_elsewhere.source_address = "127.0.0.4";
  const auto attempt = [&](const std::string& password) {
    return api("POST", "/api/v1/auth/login", json{{"username", name}, {"password", password}}.dump(),
               from_elsewhere);
  };
  for (int i = 1; i <= 10; ++i)
    ASSERT_EQ(attempt("wrong-password-" + std::to_string(i)).status, 401) << "attempt " << i;
  auto blocked = attempt("wrong-password-11");
  EXPECT_EQ(blocked.status, 429);
  EXPECT_GT(std::stoi(blocked.header("retry-after")), 0);
  EXPECT_EQ(blocked.json()["status"], 429);
  // That address stays locked out of that user even with the right password until the window passes.
  EXPECT_EQ(attempt("initial-password").status, 429);
}

// Issue 9 #9: ten wrong passwords once locked the user out everywhere for 15 minutes, so anyone
// could keep `admin` out forever. Only the (user, address) pair is locked; the lockouts are counted.
TEST(Login, WrongPasswordsFromOneAddressDoNotLockTheUserOutElsewhere) {
  const auto name = create_user();
  HttpOptions attacker, owner;
  attacker.source_address = "127.0.0.5";
  owner.source_address = "127.0.0.6";
  const auto attempt = [&](const std::string& password, const HttpOptions& from) {
    return api("POST", "/api/v1/auth/login", json{{"username", name}, {"password", password}}.dump(), from);
  };
  for (int i = 1; i <= 11; ++i) attempt("wrong-password-" + std::to_string(i), attacker);
  ASSERT_EQ(attempt("initial-password", attacker).status, 429);
  EXPECT_EQ(attempt("initial-password", owner).status, 200);
  const auto metrics = api("GET", "/metrics").body;
  EXPECT_NE(metrics.find("ims_login_throttled_total{scope=\"user_address\"}"), std::string::npos);
}

TEST(Login, FailuresFromOneAddressAreLimitedAcrossUsernames) {
  const int limit = std::stoi(env_or("IMS_LOGIN_MAX_FAILURES_PER_ADDRESS", "100"));
  HttpOptions from_elsewhere;
  from_elsewhere.source_address = "127.0.0.2";
  for (int i = 0; i < limit; ++i) {
    auto r = api("POST", "/api/v1/auth/login",
                 json{{"username", "ghost-" + unique_suffix()}, {"password", "guessing-password"}}.dump(),
                 from_elsewhere);
    ASSERT_EQ(r.status, 401) << "attempt " << i << ": " << r.body;
  }
  auto blocked = api("POST", "/api/v1/auth/login",
                     json{{"username", "admin"}, {"password", "demo-password"}}.dump(), from_elsewhere);
  EXPECT_EQ(blocked.status, 429);
  EXPECT_FALSE(blocked.header("retry-after").empty());
  // Other addresses are not affected.
  EXPECT_EQ(
      api("POST", "/api/v1/auth/login", json{{"username", "admin"}, {"password", "demo-password"}}.dump())
          .status,
      200);
}

TEST(Refresh, RotatesAndReuseOfASpentTokenRevokesTheFamily) {
  auto first = login("stockist");
  auto rotated = api("POST", "/api/v1/auth/refresh", json{{"refresh_token", first["refresh_token"]}}.dump());
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  const auto second = rotated.json();
  EXPECT_NE(second["refresh_token"], first["refresh_token"]);
  EXPECT_EQ(me(second["access_token"]).status, 200);

  auto reuse = api("POST", "/api/v1/auth/refresh", json{{"refresh_token", first["refresh_token"]}}.dump());
  EXPECT_EQ(reuse.status, 401);
  // The thief's reuse also kills the legitimate holder's newer token.
  auto after = api("POST", "/api/v1/auth/refresh", json{{"refresh_token", second["refresh_token"]}}.dump());
  EXPECT_EQ(after.status, 401);
}

TEST(Refresh, UnknownTokenIs401) {
  EXPECT_EQ(api("POST", "/api/v1/auth/refresh", json{{"refresh_token", "made-up"}}.dump()).status, 401);
}

TEST(Logout, AccessTokenStopsWorkingAtOnceAndRefreshIsRevoked) {
  auto session = login("cfa");
  const std::string token = session["access_token"];
  ASSERT_EQ(me(token).status, 200);
  auto out = api("POST", "/api/v1/auth/logout", json{{"refresh_token", session["refresh_token"]}}.dump(),
                 {{bearer(token)}});
  EXPECT_EQ(out.status, 204);
  EXPECT_EQ(me(token).status, 401);
  EXPECT_EQ(
      api("POST", "/api/v1/auth/refresh", json{{"refresh_token", session["refresh_token"]}}.dump()).status,
      401);
}

TEST(BadTokens, ExpiredTokenIs401) {
  ims::infra::TokenCodec codec(secret(), "ims", 900);
  ims::infra::AccessClaims claims{1, ims::domain::Role::admin, std::nullopt, {}, 0, 0};
  const auto token = codec.issue(claims, std::time(nullptr) - 3600);
  auto r = me(token);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
}

TEST(BadTokens, TokenSignedWithAnotherKeyIs401) {
  ims::infra::TokenCodec codec(std::string(40, 'z'), "ims", 900);
  ims::infra::AccessClaims claims{1, ims::domain::Role::admin, std::nullopt, {}, 0, 0};
  EXPECT_EQ(me(codec.issue(claims, std::time(nullptr))).status, 401);
}

TEST(BadTokens, TamperedTokenIs401) {
  const std::string token = token_for("retailer");
  // Swap the payload for one claiming admin, keeping the retailer's signature.
  const auto first_dot = token.find('.');
  const auto second_dot = token.find('.', first_dot + 1);
  const auto forged_payload = ims::infra::base64url_encode(json{
      {"sub", "1"},
      {"role", "admin"},
      {"iss", "ims"},
      {"typ", "access"},
      {"jti", "x"},
      {"iat", std::time(nullptr)},
      {"exp", std::time(nullptr) + 600}}.dump());
  const auto forged = token.substr(0, first_dot + 1) + forged_payload + token.substr(second_dot);
  EXPECT_EQ(me(forged).status, 401);
  EXPECT_EQ(api("GET", "/api/v1/users", "", {{bearer(forged)}}).status, 401);
}

TEST(BadTokens, AlgNoneIs401) {
  const auto header = ims::infra::base64url_encode(R"({"alg":"none","typ":"JWT"})");
  const auto payload = ims::infra::base64url_encode(json{
      {"sub", "1"},
      {"role", "admin"},
      {"iss", "ims"},
      {"typ", "access"},
      {"jti", "x"},
      {"iat", std::time(nullptr)},
      {"exp", std::time(nullptr) + 600}}.dump());
  EXPECT_EQ(me(header + "." + payload + ".").status, 401);
  EXPECT_EQ(api("GET", "/api/v1/users", "", {{bearer(header + "." + payload + ".")}}).status, 401);
}

TEST(BadTokens, MissingOrMalformedHeaderIs401) {
  EXPECT_EQ(api("GET", "/api/v1/auth/me").status, 401);
  EXPECT_EQ(api("GET", "/api/v1/auth/me", "", {{"Authorization: Basic YWRtaW46eA=="}}).status, 401);
  EXPECT_EQ(api("GET", "/api/v1/auth/me", "", {{"Authorization: Bearer "}}).status, 401);
}
