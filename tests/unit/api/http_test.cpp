#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ims/api/http.hpp"

using namespace ims;

TEST(Problem, HasTheRfc9457ShapeAndFieldErrors) {
  auto r = api::problem(domain::Error::validation({{"email", "must be an email address"}}));
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.content_type, "application/problem+json");
  auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["status"], 422);
  EXPECT_EQ(j["type"], "urn:ims:problem:validation");
  EXPECT_EQ(j["title"], "Unprocessable Content");
  EXPECT_EQ(j["errors"][0]["field"], "email");
  EXPECT_EQ(j["errors"][0]["message"], "must be an email address");
}

TEST(Problem, RateLimitCarriesRetryAfter) {
  auto e = domain::Error::of(domain::ErrorCode::rate_limited, "slow down");
  e.retry_after_seconds = 120;
  auto r = api::problem(e);
  EXPECT_EQ(r.status, 429);
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0], (std::pair<std::string, std::string>{"Retry-After", "120"}));
}

TEST(Problem, EveryErrorCodeHasItsStatus) {
  using domain::ErrorCode;
  EXPECT_EQ(api::status_for(ErrorCode::bad_request), 400);
  EXPECT_EQ(api::status_for(ErrorCode::unauthenticated), 401);
  EXPECT_EQ(api::status_for(ErrorCode::forbidden), 403);
  EXPECT_EQ(api::status_for(ErrorCode::not_found), 404);
  EXPECT_EQ(api::status_for(ErrorCode::conflict), 409);
  EXPECT_EQ(api::status_for(ErrorCode::precondition_failed), 412);
  EXPECT_EQ(api::status_for(ErrorCode::validation), 422);
  EXPECT_EQ(api::status_for(ErrorCode::rate_limited), 429);
  EXPECT_EQ(api::status_for(ErrorCode::unavailable), 503);
}

TEST(Query, DecodesPairsAndPercentEscapes) {
  auto q = api::parse_query("limit=10&q=neem%20soap&flag&x=a+b");
  EXPECT_EQ(q["limit"], "10");
  EXPECT_EQ(q["q"], "neem soap");
  EXPECT_EQ(q["flag"], "");
  EXPECT_EQ(q["x"], "a b");
}
