// Access tokens (ims::infra::TokenCodec). The first byte picks what the rest is:
//   0  token text as a client sends it: verify never crashes, and without our key it never passes;
//   1  "<header JSON>\n<payload JSON>", signed here with the key (HS256), so verify's claim checks
//      (alg, iss, typ, exp, iat, sub, role, loc) are reached; whatever passes must be consistent;
//   2  claims drawn from the bytes: issue then verify gives them back; expired, re-signed, foreign
//      and tampered tokens are refused.
#include <fuzzer/FuzzedDataProvider.h>
#include <sodium.h>

#include <limits>
#include <string>

#include "fuzz_check.hpp"
#include "ims/domain/role.hpp"
#include "ims/infra/crypto.hpp"
#include "ims/infra/jwt.hpp"

using ims::infra::AccessClaims;
using ims::infra::TokenCodec;

namespace {

constexpr std::int64_t now = 1'800'000'000;
const std::string secret = "fuzz-only-jwt-secret-0123456789abcdef0123";
const std::string unknown_secret = "a-key-nothing-in-this-fuzzer-signs-with-0000";

std::string hs256(const std::string& key, const std::string& message) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()),
                                message.size());
  crypto_auth_hmacsha256_final(&state, mac);
  return std::string(reinterpret_cast<const char*>(mac), sizeof mac);
}

std::string sign(const std::string& header, const std::string& payload, const std::string& key) {
  const auto signing_input =
      ims::infra::base64url_encode(header) + "." + ims::infra::base64url_encode(payload);
  return signing_input + "." + ims::infra::base64url_encode(hs256(key, signing_input));
}

void check_refusal(const ims::domain::Result<AccessClaims>& r, const std::string& what) {
  FUZZ_CHECK(!r.ok(), what + " was accepted");
  FUZZ_CHECK(r.error().code == ims::domain::ErrorCode::unauthenticated, what + ": " + r.error().message);
}

void check_accepted(const AccessClaims& c, std::int64_t at, const std::string& token) {
  FUZZ_CHECK(c.expires_at > at, "accepted an expired token: " + token);
  FUZZ_CHECK(c.issued_at != 0 && c.issued_at <= at + 60, "accepted a token issued in the future: " + token);
  FUZZ_CHECK(ims::domain::parse_role(ims::domain::to_string(c.role)) == c.role,
             "role out of range: " + token);
}

void raw_token(const std::string& text) {
  static const TokenCodec ours(secret, "ims", 900), theirs(unknown_secret, "ims", 900);
  check_refusal(theirs.verify(text, now), "a token not signed with the key");
  if (auto claims = ours.verify(text, now)) check_accepted(*claims, now, text);
}

void signed_token(const std::string& text) {
  static const TokenCodec ours(secret, "ims", 900);
  const auto newline = text.find('\n');
  const auto header = text.substr(0, newline);
  const auto payload = newline == std::string::npos ? std::string() : text.substr(newline + 1);
  const auto token = sign(header, payload, secret);
  if (auto claims = ours.verify(token, now)) check_accepted(*claims, now, header + " " + payload);
  // The same claims signed with another key never pass.
  check_refusal(ours.verify(sign(header, payload, unknown_secret), now), "a token signed with another key");
}

void round_trip(FuzzedDataProvider& in) {
  const auto issued_at = in.ConsumeIntegralInRange<std::int64_t>(1, 1LL << 40);
  const int ttl = in.ConsumeIntegralInRange(1, 7 * 24 * 3600);
  TokenCodec codec(secret, "ims", ttl);
  AccessClaims claims;
  claims.user_id = in.ConsumeIntegralInRange<std::int64_t>(
      1, std::numeric_limits<std::int64_t>::max());  // ids are positive
  claims.role =
      ims::domain::all_roles[in.ConsumeIntegralInRange<std::size_t>(0, ims::domain::all_roles.size() - 1)];
  if (in.ConsumeBool()) claims.location_id = in.ConsumeIntegral<std::int64_t>();
  const auto token = codec.issue(claims, issued_at);
  const std::string what =
      "user " + std::to_string(claims.user_id) + " at " + std::to_string(issued_at) + ": " + token;

  const auto at = issued_at + in.ConsumeIntegralInRange<std::int64_t>(-60, ttl - 1);
  auto back = codec.verify(token, at);
  FUZZ_CHECK(back.ok(),
             what + " refused at " + std::to_string(at) + ": " + (back.ok() ? "" : back.error().message));
  FUZZ_CHECK(back->user_id == claims.user_id && back->role == claims.role &&
                 back->location_id == claims.location_id && back->jti == claims.jti &&
                 back->issued_at == issued_at && back->expires_at == issued_at + ttl,
             what);
  FUZZ_CHECK(!claims.jti.empty(), what);

  check_refusal(codec.verify(token, issued_at + ttl), "an expired token");
  check_refusal(TokenCodec(secret, "somebody-else", ttl).verify(token, at), "a token of another issuer");
  check_refusal(TokenCodec(unknown_secret, "ims", ttl).verify(token, at), "a token checked with another key");

  // Change one character inside a segment (never a segment's last one, whose spare bits may not
  // change the decoded bytes): header, payload or signature no longer match.
  const auto pos = in.ConsumeIntegralInRange<std::size_t>(0, token.size() - 1);
  const bool last_of_segment = pos + 1 == token.size() || token[pos + 1] == '.';
  if (token[pos] != '.' && !last_of_segment) {
    static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    auto tampered = token;
    const auto shift = in.ConsumeIntegralInRange<std::size_t>(1, alphabet.size() - 1);
    tampered[pos] = alphabet[(alphabet.find(token[pos]) + shift) % alphabet.size()];
    check_refusal(codec.verify(tampered, at), "a tampered token (position " + std::to_string(pos) + ")");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto rest = ims::fuzz::text_of(data + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      raw_token(rest);
      break;
    case 1:
      signed_token(rest);
      break;
    default: {
      FuzzedDataProvider in(data + 1, size - 1);
      round_trip(in);
    }
  }
  return 0;
}
