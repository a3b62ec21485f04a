// The Redis deny-list and login throttle, against the test stack's Redis.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>

#include "ims/infra/errors.hpp"
#include "ims/infra/token_revocation.hpp"

using namespace ims::infra;

namespace {
std::string redis_url() {
  const char* url = std::getenv("IMS_REDIS_URL");
  return url ? url : "redis://127.0.0.1:27379/0";
}
std::string unique(const std::string& prefix) {
  return prefix + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
}
constexpr std::int64_t now = 1'800'000'000;
}  // namespace

TEST(TokenRevocation, DeniedTokenIsRevokedOthersAreNot) {
  RedisClient redis(redis_url());
  TokenRevocation revocation(redis, 900);
  const auto jti = unique("jti-");
  revocation.deny_token(jti, now + 900, now);
  EXPECT_TRUE(revocation.is_revoked(jti, 1, now));
  EXPECT_FALSE(revocation.is_revoked(unique("other-"), 1, now));
}

TEST(TokenRevocation, DenyEntryExpiresWithTheToken) {
  RedisClient redis(redis_url());
  TokenRevocation revocation(redis, 900);
  const auto jti = unique("jti-");
  revocation.deny_token(jti, now + 120, now);
  auto ttl = redis.command({"TTL", "ims:auth:denied:" + jti});
  EXPECT_GT(ttl.integer, 100);
  EXPECT_LE(ttl.integer, 121);
}

TEST(TokenRevocation, RevokingAUserVoidsTokensIssuedUntilThen) {
  RedisClient redis(redis_url());
  TokenRevocation revocation(redis, 900);
  const std::int64_t user = 900000 + (std::chrono::steady_clock::now().time_since_epoch().count() % 100000);
  revocation.revoke_user(user, now);
  EXPECT_TRUE(revocation.is_revoked("a", user, now - 5));
  EXPECT_TRUE(revocation.is_revoked("b", user, now));
  EXPECT_FALSE(revocation.is_revoked("c", user, now + 1));
}

TEST(LoginThrottle, BlocksAfterTheLimitAndResetsOnSuccess) {
  RedisClient redis(redis_url());
  LoginThrottle throttle(redis, 3, 1000, 900);
  const auto user = unique("user-");
  const auto addr = unique("10.0.0.");
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(throttle.check(user, addr).retry_after_s, 0) << "attempt " << i;
    throttle.record_failure(user, addr);
  }
  const auto block = throttle.check(user, addr);
  EXPECT_GT(block.retry_after_s, 0);
  EXPECT_LE(block.retry_after_s, 900);
  EXPECT_STREQ(block.scope, "user_address");
  throttle.record_success(user, addr);
  EXPECT_EQ(throttle.check(user, addr).retry_after_s, 0);
}

// An attacker's wrong passwords lock out only the attacker's address, never the user elsewhere.
TEST(LoginThrottle, FailuresFromOneAddressDoNotBlockTheUserElsewhere) {
  RedisClient redis(redis_url());
  LoginThrottle throttle(redis, 3, 1000, 900);
  const auto user = unique("victim-");
  const auto attacker = unique("10.6.6."), victim = unique("10.7.7.");
  for (int i = 0; i < 10; ++i) throttle.record_failure(user, attacker);
  EXPECT_GT(throttle.check(user, attacker).retry_after_s, 0);
  EXPECT_EQ(throttle.check(user, victim).retry_after_s, 0);
}

TEST(LoginThrottle, AddressLimitCoversManyUsernames) {
  RedisClient redis(redis_url());
  LoginThrottle throttle(redis, 100, 5, 900);
  const auto addr = unique("addr-");
  for (int i = 0; i < 5; ++i) throttle.record_failure(unique("u") + std::to_string(i), addr);
  const auto block = throttle.check(unique("fresh-user-"), addr);
  EXPECT_GT(block.retry_after_s, 0);
  EXPECT_STREQ(block.scope, "address");
}

TEST(RedisClient, UnreachableServerIsDependencyUnavailable) {
  RedisClient redis("redis://127.0.0.1:1/0", 300);
  EXPECT_THROW(redis.ping(), DependencyUnavailable);
}
