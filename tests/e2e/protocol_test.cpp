// Bad input of every kind gets a clear problem+json, changes nothing and crashes nothing.
#include <gtest/gtest.h>

#include <random>

#include "ims/infra/pg.hpp"
#include "support/http_client.hpp"

using namespace ims::test;
using nlohmann::json;

namespace {
void expect_problem(const HttpResult& r, long status) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  auto j = r.json();
  ASSERT_TRUE(j.is_object()) << r.body;
  EXPECT_EQ(j["status"], status);
  EXPECT_TRUE(j.contains("type") && j.contains("title") && j.contains("detail") && j.contains("errors"));
}
// Users with this name, or with this email: other tests create users at the same time, so a
// count of all users would move under this test's feet.
int users_named(const std::string& username, const std::string& email) {
  ims::infra::PgSession db(env_or("IMS_DATABASE_URL", ""));
  return db.transact([&](pqxx::work& txn) {
    return txn
        .exec_params("SELECT count(*) FROM auth.users WHERE username = $1 OR lower(email) = lower($2)",
                     username, email)[0][0]
        .as<int>();
  });
}
}  // namespace

TEST(Protocol, UnknownRouteIs404) {
  expect_problem(api("GET", "/api/v1/no-such-thing"), 404);
}

TEST(Protocol, WrongMethodIs405WithAllow) {
  auto r = api("PUT", "/api/v1/auth/login", "{}");
  expect_problem(r, 405);
  EXPECT_EQ(r.header("allow"), "POST");
}

TEST(Protocol, MalformedJsonIs400) {
  expect_problem(api("POST", "/api/v1/auth/login", "{\"username\": \"admin\", "), 400);
  expect_problem(api("POST", "/api/v1/auth/login", "[1,2,3]"), 400);
}

TEST(Protocol, NonJsonIs415) {
  expect_problem(api("POST", "/api/v1/auth/login", "username=admin",
                     {{"Content-Type: application/x-www-form-urlencoded"}}),
                 415);
}

TEST(Protocol, BodyOverOneMebibyteIs413) {
  const std::string big = "{\"username\":\"" + std::string(1024 * 1024, 'a') + "\"}";
  expect_problem(api("POST", "/api/v1/auth/login", big), 413);
}

TEST(Protocol, WrongTypesAre422WithFieldErrors) {
  auto r = api("POST", "/api/v1/auth/login", json{{"username", 5}, {"password", nullptr}}.dump());
  expect_problem(r, 422);
  EXPECT_EQ(r.json()["errors"].size(), 2u);
}

TEST(Protocol, RequestIdIsEchoedOrGenerated) {
  auto mine = api("GET", "/health", "", {{"X-Request-Id: trace-me-123"}});
  EXPECT_EQ(mine.header("x-request-id"), "trace-me-123");
  auto generated = api("GET", "/health");
  EXPECT_EQ(generated.header("x-request-id").size(), 32u);
}

TEST(Protocol, RejectedCreateLeavesNoPartialWrite) {
  const auto admin = token_for("admin");
  const auto name = "partial-" + unique_suffix();
  const auto email = name + "@example.com";
  auto r = api("POST", "/api/v1/users",
               json{{"username", name},
                    {"email", email},
                    {"password", "long-enough-pw"},
                    {"role", "cfa"},
                    {"location_id", 999999}}
                   .dump(),
               {{bearer(admin)}});
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(users_named(name, email), 0);
}

TEST(Protocol, HostileBodiesNeverCrashTheServer) {
  std::mt19937 rng(7);
  std::vector<std::string> bodies{
      std::string(200000, '['),                                            // unterminated nesting
      std::string(100000, '[') + std::string(100000, ']'),                 // deep but valid
      "{\"username\":\"\\ud800\",\"password\":\"\\u0000\"}",               // lone surrogate, NUL
      "{\"username\":" + std::string(5000, '9') + ",\"password\":1e999}",  // huge numbers
      std::string("\xff\xfe\x00\x01", 4),
  };
  std::string noise(4096, '\0');
  for (auto& c : noise) c = static_cast<char>(rng() & 0xff);
  bodies.push_back(noise);
  for (const auto& b : bodies) {
    auto r = api("POST", "/api/v1/auth/login", b);
    EXPECT_GE(r.status, 400) << "body of " << b.size() << " bytes";
    EXPECT_LT(r.status, 500) << r.body;
  }
  // A body past what the server reads at all is cut off, and the server lives on.
  api("POST", "/api/v1/auth/login", std::string(9 * 1024 * 1024, 'x'));
  EXPECT_EQ(api("GET", "/health").status, 200);
}

TEST(Protocol, HeadOfAGetResourceHasNoBody) {
  auto r = api("HEAD", "/health");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.body.empty());
}
