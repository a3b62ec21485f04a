// Operations endpoints: health, readiness, metrics, the OpenAPI document, the docs page, the
// sign-in page and request ids in the logs.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "support/http_client.hpp"

using namespace ims::test;

TEST(System, HealthAndReadyAreUpWithEveryDependency) {
  EXPECT_EQ(api("GET", "/health").json()["status"], "ok");
  auto ready = api("GET", "/ready");
  ASSERT_EQ(ready.status, 200) << ready.body;
  auto checks = ready.json()["checks"];
  EXPECT_EQ(checks["postgresql"], "up");
  EXPECT_EQ(checks["rabbitmq"], "up");
  EXPECT_EQ(checks["redis"], "up");
}

TEST(System, MetricsCountRequestsByRouteAndStatusWithDurations) {
  api("GET", "/api/v1/auth/me");  // 401
  auto m = api("GET", "/metrics");
  ASSERT_EQ(m.status, 200);
  EXPECT_NE(m.header("content-type").find("text/plain"), std::string::npos);
  EXPECT_NE(m.body.find(R"(ims_http_requests_total{method="GET",route="/api/v1/auth/me",status="401"})"),
            std::string::npos)
      << m.body.substr(0, 2000);
  EXPECT_NE(m.body.find(R"(ims_http_request_duration_seconds_bucket{method="GET",route="/api/v1/auth/me")"),
            std::string::npos);
  EXPECT_NE(m.body.find("ims_http_rejected_saturated_total"), std::string::npos);
}

TEST(System, ServesTheOpenApiDocument) {
  auto r = api("GET", "/api/openapi.json");
  ASSERT_EQ(r.status, 200);
  auto doc = r.json();
  EXPECT_EQ(doc["openapi"], "3.1.0");
  EXPECT_TRUE(doc["paths"].contains("/api/v1/auth/login"));
}

TEST(System, ApiDocsPageLoadsSwaggerUiServedLocally) {
  auto page = api("GET", "/api/docs");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.header("content-type").find("text/html"), std::string::npos);
  // The page's own script is a file (no inline script under the page's Content-Security-Policy).
  EXPECT_NE(page.body.find("/assets/api-docs.js"), std::string::npos);
  auto init = api("GET", "/assets/api-docs.js");
  ASSERT_EQ(init.status, 200);
  EXPECT_NE(init.body.find("/api/openapi.json"), std::string::npos);
  EXPECT_NE(init.body.find("persistAuthorization: false"), std::string::npos);
  auto bundle = api("GET", "/api/docs/swagger-ui-bundle.js");
  ASSERT_EQ(bundle.status, 200) << "run scripts/lib/web-assets";
  EXPECT_NE(bundle.header("content-type").find("javascript"), std::string::npos);
  EXPECT_GT(bundle.body.size(), 100000u);
  EXPECT_EQ(api("GET", "/api/docs/swagger-ui.css").status, 200);
}

TEST(System, StaticFilesCannotEscapeTheirFolder) {
  EXPECT_EQ(api("GET", "/api/docs/..%2F..%2F..%2Fetc%2Fpasswd").status, 404);
  EXPECT_EQ(api("GET", "/assets/..%2Findex.html").status, 404);
  EXPECT_EQ(api("GET", "/assets/.hidden").status, 404);
}

TEST(System, SignInPageIsServedAtTheRoot) {
  auto page = api("GET", "/");
  ASSERT_EQ(page.status, 200);
  // The dashboards' shell: it names its hashed script, which is served (web/build.mjs).
  EXPECT_NE(page.body.find("id=\"app\""), std::string::npos);
  const auto at = page.body.find("/assets/main-");
  ASSERT_NE(at, std::string::npos) << page.body;
  const auto script = page.body.substr(at, page.body.find('"', at) - at);
  EXPECT_EQ(api("GET", script).status, 200) << script;
}

TEST(System, EveryLogLineOfARequestCarriesItsRequestId) {
  const auto id = "log-trace-" + unique_suffix();
  api("GET", "/api/v1/auth/me", "", {{"X-Request-Id: " + id}});
  const auto path = env_or("IMS_DATA_DIR", "") + "/logs/ims-api.log";
  bool found = false;
  for (int i = 0; i < 50 && !found; ++i) {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
      if (line.find(id) == std::string::npos) continue;
      auto j = nlohmann::json::parse(line, nullptr, false);
      ASSERT_TRUE(j.is_object()) << "log lines are JSON: " << line;
      EXPECT_EQ(j["request_id"], id);
      EXPECT_EQ(j["status"], "401");
      found = true;
    }
    if (!found) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(found) << "no line with " << id << " in " << path;
}
