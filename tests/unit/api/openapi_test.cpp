// The OpenAPI document and the server agree: every registered route is documented and every
// documented operation exists. Also the request pipeline's protocol answers, without a network.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "ims/api/app.hpp"

using namespace ims;

namespace {

struct Fixture {
  infra::Config config;
  infra::TokenCodec tokens{std::string(40, 'k'), "ims", 900};
  infra::PasswordHasher passwords{1, 8 * 1024};
  infra::Metrics metrics{"test"};
  api::App app;
  api::Resources resources{"postgresql://nobody@127.0.0.1:1/none", "redis://127.0.0.1:1/0"};

  Fixture()
      : app(api::Services{config, tokens, passwords, metrics, infra::Log::create("test", "off"),
                          [] { return std::int64_t{1'800'000'000}; }, "{}"}) {}

  api::Response call(std::string method, std::string path, std::string body = "",
                     std::map<std::string, std::string> headers = {}) {
    api::Request r;
    r.method = std::move(method);
    r.path = std::move(path);
    r.body = std::move(body);
    r.headers = std::move(headers);
    return app.handle(r, resources);
  }
};

nlohmann::json openapi_document() {
  std::ifstream in(IMS_OPENAPI_PATH);
  std::stringstream s;
  s << in.rdbuf();
  return nlohmann::json::parse(s.str());
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

TEST(OpenApi, DocumentIsOpenApi31) {
  auto doc = openapi_document();
  EXPECT_EQ(doc["openapi"].get<std::string>().rfind("3.1", 0), 0u);
  EXPECT_TRUE(doc["info"].contains("title"));
}

TEST(OpenApi, EveryRouteIsDocumentedAndEveryDocumentedRouteExists) {
  Fixture f;
  auto doc = openapi_document();
  std::set<std::string> served, documented;
  for (const auto& route : f.app.router().routes()) served.insert(lower(route.method) + " " + route.pattern);
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      if (method == "parameters" || method == "summary" || method == "description") continue;
      documented.insert(method + " " + path);
    }
  }
  for (const auto& s : served) EXPECT_TRUE(documented.contains(s)) << "undocumented route: " << s;
  for (const auto& d : documented) EXPECT_TRUE(served.contains(d)) << "documented but not served: " << d;
}

TEST(Pipeline, UnknownRouteIs404ProblemWithRequestId) {
  Fixture f;
  auto r = f.call("GET", "/api/v1/nowhere");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.content_type, "application/problem+json");
  bool has_id = false;
  for (const auto& [k, v] : r.headers) has_id |= (k == "X-Request-Id" && !v.empty());
  EXPECT_TRUE(has_id);
}

TEST(Pipeline, WrongMethodIs405WithAllow) {
  Fixture f;
  auto r = f.call("DELETE", "/api/v1/auth/me");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(nlohmann::json::parse(r.body)["status"], 405);
  bool allow = false;
  for (const auto& [k, v] : r.headers) allow |= (k == "Allow" && v == "GET");
  EXPECT_TRUE(allow);
}

TEST(Pipeline, BodyOverOneMebibyteIs413) {
  Fixture f;
  auto r = f.call("POST", "/api/v1/auth/login", std::string(1024 * 1024 + 1, 'x'),
                  {{"content-type", "application/json"}});
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(nlohmann::json::parse(r.body)["status"], 413);
}

TEST(Pipeline, ClientRequestIdIsKeptAndInsaneOnesReplaced) {
  Fixture f;
  auto keep = f.call("GET", "/nowhere", "", {{"x-request-id", "abc-123"}});
  auto replace = f.call("GET", "/nowhere", "", {{"x-request-id", "evil\r\nheader"}});
  std::string kept, replaced;
  for (const auto& [k, v] : keep.headers)
    if (k == "X-Request-Id") kept = v;
  for (const auto& [k, v] : replace.headers)
    if (k == "X-Request-Id") replaced = v;
  EXPECT_EQ(kept, "abc-123");
  EXPECT_EQ(replaced.size(), 32u);
}

TEST(Pipeline, MissingTokenIs401BeforeAnyDatabaseWork) {
  Fixture f;
  auto r = f.call("GET", "/api/v1/users");
  EXPECT_EQ(r.status, 401);
}

TEST(Pipeline, UnreachableDatabaseIs503NotACrash) {
  Fixture f;
  auto r = f.call("POST", "/api/v1/auth/refresh", R"({"refresh_token":"x"})",
                  {{"content-type", "application/json"}});
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(nlohmann::json::parse(r.body)["detail"].get<std::string>().find("postgresql"), std::string::npos);
}
