// The Redis deny-list and login throttle, against the test stack's Redis.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "ims/infra/errors.hpp"
#include "ims/infra/revocation_cache.hpp"
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

// Two replicas, each with its own cache subscribed to the real Redis: a token checked (and its
// answer kept) on both, then logged out through one, and its user's other token voided through the
// other, is refused by both at once, well within the second an answer may be kept.
TEST(TokenRevocation, ARevocationOnOneReplicaIsSeenByTheOtherAtOnce) {
  RevocationCache cache_a, cache_b;
  cache_a.start(redis_url());
  cache_b.start(redis_url());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!(cache_a.listening() && cache_b.listening()) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_TRUE(cache_a.listening() && cache_b.listening());
  RedisClient redis_a(redis_url()), redis_b(redis_url());
  TokenRevocation a(redis_a, 900, &cache_a), b(redis_b, 900, &cache_b);
  const std::int64_t user = 800000 + (std::chrono::steady_clock::now().time_since_epoch().count() % 100000);
  const auto jti = unique("cached-"), other = unique("cached-other-");
  EXPECT_FALSE(a.is_revoked(jti, user, now));
  EXPECT_FALSE(b.is_revoked(jti, user, now));
  EXPECT_FALSE(b.is_revoked(other, user, now));
  EXPECT_EQ(cache_b.lookup(jti), false) << "the answer is kept";
  // The kept answer is used: with the deny entry written behind the caches' back, still "valid".
  redis_a.command({"SET", "ims:auth:denied:" + other, "1", "EX", "60"});
  EXPECT_FALSE(b.is_revoked(other, user, now));

  const auto revoked_at = std::chrono::steady_clock::now();
  a.deny_token(jti, now + 900, now);
  auto refused_by_b = [&] { return b.is_revoked(jti, user, now); };
  while (!refused_by_b() && std::chrono::steady_clock::now() - revoked_at < std::chrono::seconds(2))
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_TRUE(refused_by_b());
  EXPECT_LT(std::chrono::steady_clock::now() - revoked_at, std::chrono::milliseconds(300)) << "not at once";
  EXPECT_TRUE(a.is_revoked(jti, user, now));

  // A third token of the user, its answer kept on replica a; the user voided through replica b.
  const auto third = unique("cached-third-");
  EXPECT_FALSE(a.is_revoked(third, user, now));
  EXPECT_EQ(cache_a.lookup(third), false);
  const auto voided_at = std::chrono::steady_clock::now();
  b.revoke_user(user, now);
  while (!a.is_revoked(third, user, now) &&
         std::chrono::steady_clock::now() - voided_at < std::chrono::seconds(2))
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_TRUE(a.is_revoked(third, user, now));
  EXPECT_LT(std::chrono::steady_clock::now() - voided_at, std::chrono::milliseconds(300)) << "not at once";
  cache_a.stop();
  cache_b.stop();
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
