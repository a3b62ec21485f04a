// Access tokens: what is accepted and every way a token is refused.
#include <gtest/gtest.h>
#include <jwt.h>

#include <cstdlib>
#include <memory>

#include "ims/infra/crypto.hpp"
#include "ims/infra/jwt.hpp"

using namespace ims;
using infra::AccessClaims;
using infra::TokenCodec;

namespace {
const std::string secret(40, 's');
constexpr std::int64_t now = 1'800'000'000;

std::string issue(const TokenCodec& codec, std::int64_t at = now) {
  AccessClaims c{42, domain::Role::stockist, 7, {}, 0, 0};
  return codec.issue(c, at);
}

std::string part(const std::string& token, int index) {
  std::size_t start = 0;
  for (int i = 0; i < index; ++i) start = token.find('.', start) + 1;
  return token.substr(start, token.find('.', start) - start);
}
}  // namespace

TEST(AccessToken, RoundTripCarriesIdentityRoleAndLocation) {
  TokenCodec codec(secret, "ims", 900);
  auto claims = codec.verify(issue(codec), now + 10);
  ASSERT_TRUE(claims.ok()) << claims.error().message;
  EXPECT_EQ(claims->user_id, 42);
  EXPECT_EQ(claims->role, domain::Role::stockist);
  EXPECT_EQ(claims->location_id, 7);
  EXPECT_EQ(claims->expires_at, now + 900);
  EXPECT_FALSE(claims->jti.empty());
}

TEST(AccessToken, ExpiredTokenIsRejected) {
  TokenCodec codec(secret, "ims", 900);
  auto claims = codec.verify(issue(codec), now + 900);
  ASSERT_FALSE(claims.ok());
  EXPECT_EQ(claims.error().code, domain::ErrorCode::unauthenticated);
}

TEST(AccessToken, TokenSignedWithAnotherKeyIsRejected) {
  TokenCodec mine(secret, "ims", 900);
  TokenCodec theirs(std::string(40, 'x'), "ims", 900);
  EXPECT_FALSE(mine.verify(issue(theirs), now).ok());
}

TEST(AccessToken, TamperedPayloadIsRejected) {
  TokenCodec codec(secret, "ims", 900);
  const auto token = issue(codec);
  const auto forged_payload = infra::base64url_encode(
      R"({"exp":1900000000,"iat":1800000000,"iss":"ims","jti":"x","role":"admin","sub":"42","typ":"access"})");
  const auto forged = part(token, 0) + "." + forged_payload + "." + part(token, 2);
  EXPECT_FALSE(codec.verify(forged, now).ok());
}

TEST(AccessToken, AlgNoneIsRejected) {
  TokenCodec codec(secret, "ims", 900);
  const auto header = infra::base64url_encode(R"({"alg":"none","typ":"JWT"})");
  const auto payload = infra::base64url_encode(
      R"({"exp":1900000000,"iat":1800000000,"iss":"ims","jti":"x","role":"admin","sub":"1","typ":"access"})");
  EXPECT_FALSE(codec.verify(header + "." + payload + ".", now).ok());
  EXPECT_FALSE(codec.verify(header + "." + payload, now).ok());
}

TEST(AccessToken, OtherIssuerIsRejected) {
  TokenCodec other(secret, "somebody-else", 900);
  TokenCodec codec(secret, "ims", 900);
  EXPECT_FALSE(codec.verify(issue(other), now).ok());
}

TEST(AccessToken, GarbageIsRejected) {
  TokenCodec codec(secret, "ims", 900);
  for (const char* junk : {"", "abc", "a.b.c", "...", "eyJ.eyJ.sig"})
    EXPECT_FALSE(codec.verify(junk, now).ok()) << junk;
}

// Spotted while writing fuzz_jwt: std::stoll read "42abc" as user 42 and "0x10" as user 0. A token
// is only as good as its signature, but a subject must still be exactly a user id.
TEST(AccessToken, SubjectMustBeExactlyAPositiveUserId) {
  TokenCodec codec(secret, "ims", 900);
  const auto sign = [](const std::string& sub) {
    jwt_t* raw = nullptr;
    jwt_new(&raw);
    std::unique_ptr<jwt_t, decltype(&jwt_free)> jwt(raw, jwt_free);
    jwt_add_grant(raw, "sub", sub.c_str());
    jwt_add_grant(raw, "role", "admin");
    jwt_add_grant(raw, "jti", "j");
    jwt_add_grant(raw, "iss", "ims");
    jwt_add_grant(raw, "typ", "access");
    jwt_add_grant_int(raw, "iat", now - 10);
    jwt_add_grant_int(raw, "exp", now + 600);
    jwt_set_alg(raw, JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(secret.data()),
                static_cast<int>(secret.size()));
    char* text = jwt_encode_str(raw);
    std::string token = text ? text : "";
    std::free(text);
    return token;
  };
  EXPECT_TRUE(codec.verify(sign("42"), now).ok());
  for (const char* sub : {"42abc", "0x10", "0", "-3", " 42", "", "99999999999999999999"}) {
    EXPECT_FALSE(codec.verify(sign(sub), now).ok()) << sub;
  }
}

TEST(AccessToken, AShopFloorTokenSaysSoAndLivesItsOwnLifetime) {
  TokenCodec codec(secret, "ims", 900);
  AccessClaims c{42, domain::Role::retailer, 7, {}, 0, 0, true};
  const auto token = codec.issue(c, now, 1800);
  EXPECT_EQ(c.expires_at, now + 1800);
  auto back = codec.verify(token, now + 1000);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_TRUE(back->shop_floor);
  EXPECT_FALSE(codec.verify(token, now + 1801)) << "expired after its own lifetime";
  auto full = codec.verify(issue(codec), now);
  ASSERT_TRUE(full);
  EXPECT_FALSE(full->shop_floor);
}
