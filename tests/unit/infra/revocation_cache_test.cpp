// What the in-process cache of the token deny-list keeps, and when it forgets: a revocation
// message for the token or its user, a revocation that came in while Redis was asked, a second of
// age, and any time the subscription is not up.
#include <gtest/gtest.h>

#include "ims/infra/revocation_cache.hpp"

using ims::infra::RevocationCache;
using namespace std::chrono_literals;

namespace {
const auto t0 = RevocationCache::Clock::now();
}

TEST(RevocationCache, KeepsAnAnswerForASecondOnlyWhileListening) {
  RevocationCache cache(1000ms);
  cache.remember(cache.ticket(), "jti-1", 7, false, t0);
  EXPECT_FALSE(cache.lookup("jti-1", t0).has_value()) << "not subscribed: nothing kept";
  cache.set_listening(true);
  cache.remember(cache.ticket(), "jti-1", 7, false, t0);
  cache.remember(cache.ticket(), "jti-2", 7, true, t0);
  EXPECT_EQ(cache.lookup("jti-1", t0 + 900ms), false);
  EXPECT_EQ(cache.lookup("jti-2", t0 + 900ms), true);
  EXPECT_FALSE(cache.lookup("jti-1", t0 + 1001ms).has_value()) << "past a second, asked again";
  cache.remember(cache.ticket(), "jti-3", 8, false, t0);
  cache.set_listening(false);  // the subscription dropped: what was kept may have missed a message
  EXPECT_FALSE(cache.lookup("jti-3", t0).has_value());
}

TEST(RevocationCache, ARevocationDropsTheTokenOrEveryTokenOfTheUser) {
  RevocationCache cache;
  cache.set_listening(true);
  const auto now = RevocationCache::Clock::now();
  cache.remember(cache.ticket(), "a", 7, false, now);
  cache.remember(cache.ticket(), "b", 7, false, now);
  cache.remember(cache.ticket(), "c", 8, false, now);
  cache.revoked("jti:a");
  EXPECT_FALSE(cache.lookup("a", now).has_value());
  EXPECT_EQ(cache.lookup("b", now), false);
  cache.revoked("user:7");
  EXPECT_FALSE(cache.lookup("b", now).has_value());
  EXPECT_EQ(cache.lookup("c", now), false) << "another user's token stays";
  cache.revoked("something else");  // not understood: everything goes
  EXPECT_FALSE(cache.lookup("c", now).has_value());
}

TEST(RevocationCache, AnAnswerFromBeforeARevocationIsNotKept) {
  RevocationCache cache;
  cache.set_listening(true);
  const auto ticket = cache.ticket();  // Redis is asked ...
  cache.revoked("user:7");             // ... and meanwhile the user is deactivated
  cache.remember(ticket, "a", 7, false, RevocationCache::Clock::now());
  EXPECT_FALSE(cache.lookup("a").has_value()) << "the answer may predate the revocation";
}
