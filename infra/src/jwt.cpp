#include "ims/infra/jwt.hpp"

#include <charconv>
#include <string_view>

#include <jwt.h>

#include <cstdlib>
#include <memory>
#include <stdexcept>

#include "ims/infra/crypto.hpp"

namespace ims::infra {
namespace {

struct JwtDeleter {
  void operator()(jwt_t* j) const { jwt_free(j); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtDeleter>;

domain::Error invalid(const std::string& why) {
  return domain::Error::of(domain::ErrorCode::unauthenticated, "invalid token: " + why);
}

}  // namespace

TokenCodec::TokenCodec(std::string secret, std::string issuer, int ttl_seconds)
    : secret_(std::move(secret)), issuer_(std::move(issuer)), ttl_(ttl_seconds) {}

std::string TokenCodec::issue(AccessClaims& claims, std::int64_t now, int ttl_seconds) const {
  claims.jti = random_hex(16);
  claims.issued_at = now;
  claims.expires_at = now + (ttl_seconds > 0 ? ttl_seconds : ttl_);
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) throw std::runtime_error("jwt_new failed");
  JwtPtr jwt(raw);
  int rc = 0;
  rc |= jwt_add_grant(jwt.get(), "iss", issuer_.c_str());
  rc |= jwt_add_grant(jwt.get(), "sub", std::to_string(claims.user_id).c_str());
  rc |= jwt_add_grant(jwt.get(), "role", std::string(domain::to_string(claims.role)).c_str());
  rc |= jwt_add_grant(jwt.get(), "typ", "access");
  rc |= jwt_add_grant(jwt.get(), "jti", claims.jti.c_str());
  rc |= jwt_add_grant_int(jwt.get(), "iat", claims.issued_at);
  rc |= jwt_add_grant_int(jwt.get(), "exp", claims.expires_at);
  if (claims.location_id) rc |= jwt_add_grant_int(jwt.get(), "loc", *claims.location_id);
  if (claims.shop_floor) rc |= jwt_add_grant(jwt.get(), "scp", "shop_floor");
  rc |= jwt_set_alg(jwt.get(), JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(secret_.data()),
                    static_cast<int>(secret_.size()));
  if (rc != 0) throw std::runtime_error("building the access token failed");
  char* encoded = jwt_encode_str(jwt.get());
  if (!encoded) throw std::runtime_error("encoding the access token failed");
  std::string token(encoded);
  std::free(encoded);
  return token;
}

domain::Result<AccessClaims> TokenCodec::verify(const std::string& token, std::int64_t now) const {
  if (token.empty() || token.size() > 4096) return invalid("malformed");
  jwt_t* raw = nullptr;
  // Passing the key makes libjwt check the signature; the algorithm is pinned below as well, so a
  // token claiming "none" or another algorithm is refused whatever the library accepts.
  if (jwt_decode(&raw, token.c_str(), reinterpret_cast<const unsigned char*>(secret_.data()),
                 static_cast<int>(secret_.size())) != 0 ||
      raw == nullptr) {
    if (raw) jwt_free(raw);
    return invalid("signature or format");
  }
  JwtPtr jwt(raw);
  if (jwt_get_alg(jwt.get()) != JWT_ALG_HS256) return invalid("algorithm");
  const char* iss = jwt_get_grant(jwt.get(), "iss");
  if (!iss || issuer_ != iss) return invalid("issuer");
  const char* typ = jwt_get_grant(jwt.get(), "typ");
  if (!typ || std::string(typ) != "access") return invalid("type");
  AccessClaims c;
  errno = 0;
  c.expires_at = jwt_get_grant_int(jwt.get(), "exp");
  c.issued_at = jwt_get_grant_int(jwt.get(), "iat");
  if (errno != 0 || c.expires_at == 0 || c.issued_at == 0) return invalid("missing exp or iat");
  if (now >= c.expires_at) return invalid("expired");
  if (c.issued_at > now + 60) return invalid("issued in the future");
  const char* sub = jwt_get_grant(jwt.get(), "sub");
  const char* role = jwt_get_grant(jwt.get(), "role");
  const char* jti = jwt_get_grant(jwt.get(), "jti");
  if (!sub || !role || !jti) return invalid("missing claims");
  auto parsed_role = domain::parse_role(role);
  if (!parsed_role) return invalid("role");
  // The whole subject is a positive decimal id ("42abc" or "0x10" are not user 42 or 0).
  const std::string_view subject(sub);
  auto [end, ec] = std::from_chars(subject.data(), subject.data() + subject.size(), c.user_id);
  if (ec != std::errc{} || end != subject.data() + subject.size() || c.user_id < 1) return invalid("subject");
  c.role = *parsed_role;
  c.jti = jti;
  errno = 0;
  long loc = jwt_get_grant_int(jwt.get(), "loc");
  if (errno == 0) c.location_id = loc;
  if (const char* scope = jwt_get_grant(jwt.get(), "scp")) {
    if (std::string(scope) != "shop_floor") return invalid("unknown scope");
    c.shop_floor = true;
  }
  return c;
}

}  // namespace ims::infra
