#pragma once
// Access tokens: JWT HS256 via libjwt, algorithm pinned; exp, iat, iss and typ checked.
#include <cstdint>
#include <optional>
#include <string>

#include "ims/domain/result.hpp"
#include "ims/domain/role.hpp"

namespace ims::infra {

struct AccessClaims {
  std::int64_t user_id = 0;
  domain::Role role = domain::Role::retailer;
  std::optional<std::int64_t> location_id;
  std::string jti;
  std::int64_t issued_at = 0;
  std::int64_t expires_at = 0;
  // A PIN sign-in at a shop-floor terminal: short-lived, never refreshed, and kept away from
  // account and integration administration (domain::allowed_on_shop_floor).
  bool shop_floor = false;
};

class TokenCodec {
 public:
  TokenCodec(std::string secret, std::string issuer, int ttl_seconds);

  // Fills jti, issued_at and expires_at of the claims it returns with the token.
  // `ttl_seconds` 0: the codec's own lifetime.
  std::string issue(AccessClaims& claims, std::int64_t now, int ttl_seconds = 0) const;
  domain::Result<AccessClaims> verify(const std::string& token, std::int64_t now) const;
  int ttl_seconds() const { return ttl_; }

 private:
  std::string secret_;
  std::string issuer_;
  int ttl_;
};

}  // namespace ims::infra
