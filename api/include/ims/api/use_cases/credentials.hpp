#pragma once
// What the account use cases need besides the stores: checking a password or PIN against its stored
// hash, fresh secrets, signed access tokens, and the deny-list of access tokens (Redis). In
// production these are the request's services (api/account_services.hpp); in unit tests, fakes.
#include <cstdint>
#include <string>

#include "ims/infra/jwt.hpp"

namespace ims::api {

// What an unauthenticated request (a sign-up, a sign-in, a verification link) brings to its use
// case: its id, for the audit trail and the events it causes.
struct RequestFacts {
  std::string request_id;
};

class Credentials {
 public:
  virtual ~Credentials() = default;
  virtual bool verify(const std::string& stored_hash, const std::string& secret) = 0;
  // Spends what verify spends, for a name nobody has, so timing does not tell who exists.
  virtual void verify_dummy(const std::string& secret) = 0;
  virtual std::string random_token() = 0;  // a fresh secret: 32 random bytes, url-safe
  // A signed access token for the claims (their jti, issued_at and expires_at filled in);
  // `ttl_seconds` 0: the usual lifetime.
  virtual std::string access_token(infra::AccessClaims& claims, int ttl_seconds) = 0;
  virtual int access_ttl_seconds() const = 0;
};

class AccessRevocation {
 public:
  virtual ~AccessRevocation() = default;
  virtual void revoke_user(std::int64_t user_id) = 0;  // every access token of the user issued until now
  virtual void deny_token(const std::string& jti, std::int64_t expires_at) = 0;  // one token (a logout)
};

}  // namespace ims::api
