#include <gtest/gtest.h>

#include "ims/infra/crypto.hpp"

using ims::infra::PasswordHasher;

TEST(PasswordHasher, UsesArgon2idWithOwaspParameters) {
  PasswordHasher hasher(2, 19 * 1024);
  const auto hash = hasher.hash("correct horse battery");
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u) << hash;
  EXPECT_NE(hash.find("m=19456,t=2"), std::string::npos) << hash;
}

TEST(PasswordHasher, VerifiesOnlyTheRightPassword) {
  PasswordHasher hasher(2, 19 * 1024);
  const auto hash = hasher.hash("correct horse battery");
  EXPECT_TRUE(hasher.verify(hash, "correct horse battery"));
  EXPECT_FALSE(hasher.verify(hash, "correct horse batterY"));
  EXPECT_FALSE(hasher.verify("not a hash", "correct horse battery"));
}

TEST(PasswordHasher, SaltsEveryHash) {
  PasswordHasher hasher(2, 19 * 1024);
  EXPECT_NE(hasher.hash("same password!"), hasher.hash("same password!"));
}

TEST(RandomTokens, AreUrlSafeAndDistinct) {
  const auto a = ims::infra::random_token(32);
  const auto b = ims::infra::random_token(32);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), 43u);
  EXPECT_EQ(a.find_first_of("+/="), std::string::npos);
}

TEST(Sha256, MatchesKnownVector) {
  EXPECT_EQ(ims::infra::sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
