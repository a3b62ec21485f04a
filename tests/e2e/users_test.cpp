// User administration as an admin (and a non-admin) would use it.
#include <gtest/gtest.h>

#include <cstdlib>

#include "ims/infra/pg.hpp"
#include "support/http_client.hpp"

using namespace ims::test;
using nlohmann::json;

namespace {

int location_id(const std::string& code) {
  ims::infra::PgSession db(env_or("IMS_DATABASE_URL", ""));
  return db.transact([&](pqxx::work& txn) {
    return txn.exec_params1("SELECT id FROM inventory.locations WHERE code = $1", code)[0].as<int>();
  });
}

json new_user(const std::string& role = "retailer") {
  const auto name = "user-" + unique_suffix();
  json body{
      {"username", name}, {"email", name + "@example.com"}, {"password", "a-long-password"}, {"role", role}};
  if (role == "retailer") body["location_id"] = location_id("RET-ANDHERI");
  return body;
}

json create(const std::string& admin, const json& body) {
  auto r = api("POST", "/api/v1/users", body.dump(), as(admin));
  EXPECT_EQ(r.status, 201) << r.body;
  return r.json();
}

}  // namespace

TEST(Users, RetailerGets403ProblemJson) {
  auto r = api("GET", "/api/v1/users", "", as(token_for("retailer")));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  EXPECT_EQ(r.json()["status"], 403);
}

TEST(Users, EveryNonAdminRoleIsRefused) {
  for (const char* role : {"manufacturer", "cfa", "stockist", "retailer"}) {
    const auto token = token_for(role);
    EXPECT_EQ(api("GET", "/api/v1/users", "", as(token)).status, 403) << role;
    EXPECT_EQ(api("POST", "/api/v1/users", new_user().dump(), as(token)).status, 403) << role;
  }
}

TEST(Users, AdminCreatesReadsUpdatesAndDeletesAUser) {
  const auto admin = token_for("admin");
  const auto body = new_user();
  auto created = api("POST", "/api/v1/users", body.dump(), as(admin));
  ASSERT_EQ(created.status, 201) << created.body;
  const auto id = created.json()["id"].get<int>();
  EXPECT_EQ(created.header("location"), "/api/v1/users/" + std::to_string(id));
  EXPECT_EQ(created.json()["role"], "retailer");
  EXPECT_FALSE(created.json().contains("password"));
  EXPECT_FALSE(created.json().contains("password_hash"));

  auto fetched = api("GET", "/api/v1/users/" + std::to_string(id), "", as(admin));
  ASSERT_EQ(fetched.status, 200);
  EXPECT_EQ(fetched.json()["username"], body["username"]);
  EXPECT_EQ(fetched.header("etag"), "\"1\"");

  auto patched = api("PATCH", "/api/v1/users/" + std::to_string(id),
                     json{{"email", "changed@example.com"}}.dump(), as(admin, {"If-Match: \"1\""}));
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.json()["email"], "changed@example.com");
  EXPECT_EQ(patched.json()["version"], 2);

  EXPECT_EQ(api("DELETE", "/api/v1/users/" + std::to_string(id), "", as(admin)).status, 204);
  EXPECT_EQ(api("GET", "/api/v1/users/" + std::to_string(id), "", as(admin)).status, 404);
}

TEST(Users, StaleIfMatchIs412AndChangesNothing) {
  const auto admin = token_for("admin");
  const auto id = create(admin, new_user())["id"].get<int>();
  const auto path = "/api/v1/users/" + std::to_string(id);
  auto r = api("PATCH", path, json{{"email", "late@example.com"}}.dump(), as(admin, {"If-Match: \"7\""}));
  EXPECT_EQ(r.status, 412);
  EXPECT_NE(api("GET", path, "", as(admin)).json()["email"], "late@example.com");
}

TEST(Users, DuplicateUsernameIs409) {
  const auto admin = token_for("admin");
  const auto body = new_user();
  create(admin, body);
  auto again = api("POST", "/api/v1/users", body.dump(), as(admin));
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.json()["errors"][0]["field"], "username");
}

TEST(Users, ValidationNamesEveryBadField) {
  auto r =
      api("POST", "/api/v1/users",
          json{{"username", "Bad Name"}, {"email", "nope"}, {"password", "short"}, {"role", "king"}}.dump(),
          as(token_for("admin")));
  ASSERT_EQ(r.status, 422);
  const auto problem = r.json();
  std::set<std::string> fields;
  for (const auto& e : problem["errors"]) fields.insert(e["field"]);
  EXPECT_EQ(fields, (std::set<std::string>{"username", "email", "password", "role"}));
}

TEST(Users, ScopedRoleNeedsALocationOfItsKind) {
  const auto admin = token_for("admin");
  auto body = new_user();
  body["location_id"] = location_id("CFA-WEST");
  auto wrong_kind = api("POST", "/api/v1/users", body.dump(), as(admin));
  EXPECT_EQ(wrong_kind.status, 422);
  EXPECT_EQ(wrong_kind.json()["errors"][0]["field"], "location_id");
  body.erase("location_id");
  EXPECT_EQ(api("POST", "/api/v1/users", body.dump(), as(admin)).status, 422);
  body["location_id"] = 999999;
  EXPECT_EQ(api("POST", "/api/v1/users", body.dump(), as(admin)).status, 422);
}

TEST(Users, DeactivationEndsEverySessionAtOnce) {
  const auto admin = token_for("admin");
  const auto body = new_user();
  const auto id = std::to_string(create(admin, body)["id"].get<int>());
  auto session = login(body["username"], "a-long-password");
  const std::string token = session["access_token"];
  ASSERT_EQ(api("GET", "/api/v1/auth/me", "", as(token)).status, 200);

  auto off = api("PATCH", "/api/v1/users/" + id + "/status", json{{"is_active", false}}.dump(), as(admin));
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(off.json()["is_active"], false);
  EXPECT_EQ(api("GET", "/api/v1/auth/me", "", as(token)).status, 401);
  EXPECT_EQ(
      api("POST", "/api/v1/auth/refresh", json{{"refresh_token", session["refresh_token"]}}.dump()).status,
      401);
  EXPECT_EQ(api("POST", "/api/v1/auth/login",
                json{{"username", body["username"]}, {"password", "a-long-password"}}.dump())
                .status,
            401);

  ASSERT_EQ(
      api("PATCH", "/api/v1/users/" + id + "/status", json{{"is_active", true}}.dump(), as(admin)).status,
      200);
  EXPECT_EQ(api("POST", "/api/v1/auth/login",
                json{{"username", body["username"]}, {"password", "a-long-password"}}.dump())
                .status,
            200);
}

TEST(Users, PasswordChangeEndsSessionsAndTheNewPasswordWorks) {
  const auto admin = token_for("admin");
  const auto body = new_user();
  const auto id = std::to_string(create(admin, body)["id"].get<int>());
  const auto old_token = token_for(body["username"], "a-long-password");
  EXPECT_EQ(api("PUT", "/api/v1/users/" + id + "/password",
                json{{"password", "another-long-password"}}.dump(), as(admin))
                .status,
            204);
  EXPECT_EQ(api("GET", "/api/v1/auth/me", "", as(old_token)).status, 401);
  EXPECT_EQ(api("POST", "/api/v1/auth/login",
                json{{"username", body["username"]}, {"password", "a-long-password"}}.dump())
                .status,
            401);
  EXPECT_EQ(api("POST", "/api/v1/auth/login",
                json{{"username", body["username"]}, {"password", "another-long-password"}}.dump())
                .status,
            200);
}

TEST(Users, RoleChangeEndsSessionsBecauseTokensCarryTheRole) {
  const auto admin = token_for("admin");
  const auto body = new_user();
  const auto id = std::to_string(create(admin, body)["id"].get<int>());
  const auto token = token_for(body["username"], "a-long-password");
  auto r = api("PATCH", "/api/v1/users/" + id,
               json{{"role", "stockist"}, {"location_id", location_id("STK-MUMBAI")}}.dump(), as(admin));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(api("GET", "/api/v1/auth/me", "", as(token)).status, 401);
  auto fresh = login(body["username"], "a-long-password");
  EXPECT_EQ(fresh["user"]["role"], "stockist");
}

TEST(Users, AdminCannotDeactivateOrDeleteThemself) {
  const auto session = login("admin");
  const auto id = std::to_string(session["user"]["id"].get<int>());
  const auto token = session["access_token"].get<std::string>();
  EXPECT_EQ(
      api("PATCH", "/api/v1/users/" + id + "/status", json{{"is_active", false}}.dump(), as(token)).status,
      409);
  EXPECT_EQ(api("DELETE", "/api/v1/users/" + id, "", as(token)).status, 409);
}

TEST(Users, ListIsPaginatedWithACursorAndFiltered) {
  const auto admin = token_for("admin");
  std::set<int> seen;
  std::string cursor;
  int pages = 0;
  do {
    auto r = api("GET", "/api/v1/users?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor), "", as(admin));
    ASSERT_EQ(r.status, 200) << r.body;
    auto page = r.json();
    EXPECT_LE(page["items"].size(), 2u);
    for (const auto& u : page["items"])
      EXPECT_TRUE(seen.insert(u["id"].get<int>()).second) << "no user twice";
    cursor = page["next_cursor"].is_null() ? "" : page["next_cursor"].get<std::string>();
    ++pages;
  } while (!cursor.empty() && pages < 500);
  EXPECT_GE(seen.size(), 5u);
  EXPECT_GE(pages, 3);

  auto retailers = api("GET", "/api/v1/users?role=retailer&q=retail", "", as(admin)).json();
  ASSERT_FALSE(retailers["items"].empty());
  for (const auto& u : retailers["items"]) EXPECT_EQ(u["role"], "retailer");
  EXPECT_EQ(api("GET", "/api/v1/users?limit=501", "", as(admin)).status, 422);
  EXPECT_EQ(api("GET", "/api/v1/users?cursor=abc", "", as(admin)).status, 422);
  EXPECT_EQ(api("GET", "/api/v1/users?role=king", "", as(admin)).status, 422);
}

TEST(Users, EveryWriteIsAuditedWithItsRequestId) {
  const auto admin = token_for("admin");
  const auto request_id = "audit-" + unique_suffix();
  const auto body = new_user();
  auto r = api("POST", "/api/v1/users", body.dump(), as(admin, {"X-Request-Id: " + request_id}));
  ASSERT_EQ(r.status, 201);
  ims::infra::PgSession db(env_or("IMS_DATABASE_URL", ""));
  auto rows = db.transact([&](pqxx::work& txn) {
    return txn.exec_params("SELECT action, after->>'username', actor_id FROM audit.log WHERE request_id = $1",
                           request_id);
  });
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0].as<std::string>(), "user.create");
  EXPECT_EQ(rows[0][1].as<std::string>(), body["username"].get<std::string>());
  EXPECT_FALSE(rows[0][2].is_null());
}

TEST(Users, UnknownOrMalformedIdIs404) {
  const auto admin = token_for("admin");
  EXPECT_EQ(api("GET", "/api/v1/users/999999999", "", as(admin)).status, 404);
  EXPECT_EQ(api("GET", "/api/v1/users/abc", "", as(admin)).status, 404);
  EXPECT_EQ(api("GET", "/api/v1/users/-1", "", as(admin)).status, 404);
}
