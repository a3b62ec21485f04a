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

TEST(Text, StorableTextIsWellFormedUtf8WithoutNul) {
  EXPECT_TRUE(api::is_storable_text(""));
  EXPECT_TRUE(api::is_storable_text("plain"));
  EXPECT_TRUE(api::is_storable_text("\xe0\xa4\xa6\xe0\xa4\xb5\xe0\xa4\xbe"));  // दवा
  EXPECT_TRUE(api::is_storable_text("\xf0\x9f\x93\xa6"));                      // U+1F4E6
  for (const std::string& bad :
       {std::string("\xff"), std::string("a\0b", 3), std::string("\xc0\xaf"),  // overlong '/'
        std::string("\xed\xa0\x80"),                                           // a surrogate
        std::string("\xf4\x90\x80\x80"),                                       // past U+10FFFF
        std::string("\xe0\xa4")}) {                                            // cut short
    EXPECT_FALSE(api::is_storable_text(bad)) << bad.size();
  }
}

// A search term is cut to 100 bytes; cutting inside a character once made PostgreSQL refuse it.
TEST(Text, PrefixesEndOnACharacterBoundary) {
  std::string cjk;
  for (int i = 0; i < 34; ++i) cjk += "\xe8\x8d\xaf";  // 药, three bytes each: 102 bytes
  const auto cut = api::utf8_prefix(cjk, 100);
  EXPECT_EQ(cut.size(), 99u);
  EXPECT_TRUE(api::is_storable_text(cut));
  EXPECT_EQ(api::utf8_prefix("short", 100), "short");
}

// Behind a reverse proxy every client has the proxy's address, and a per-address throttle would
// lock everyone out at once: the proxy's X-Forwarded-For names the client, when the proxy is trusted.
TEST(ClientAddress, IsTheForwardedClientOnlyBehindATrustedProxy) {
  api::Request r;
  r.remote_address = "10.0.0.5";
  r.headers["x-forwarded-for"] = "203.0.113.7";
  EXPECT_EQ(api::client_address(r, {}), "10.0.0.5");            // nobody trusted: the header is anyone's
  EXPECT_EQ(api::client_address(r, {"10.0.0.9"}), "10.0.0.5");  // another peer
  EXPECT_EQ(api::client_address(r, {"10.0.0.5"}), "203.0.113.7");
  r.headers["x-forwarded-for"] = "198.51.100.1, 203.0.113.7, 10.0.0.6";  // a spoofed first hop, two proxies
  EXPECT_EQ(api::client_address(r, {"10.0.0.5", "10.0.0.6"}), "203.0.113.7");
  r.headers["x-forwarded-for"] = " , ";
  EXPECT_EQ(api::client_address(r, {"10.0.0.5"}), "10.0.0.5");
}
