#pragma once
// The account use cases' ports (use_cases/credentials.hpp) onto this request's services: the
// password hasher, the token codec and the clock, and the Redis deny-list.
#include <cstdint>
#include <string>

#include "ims/api/app.hpp"
#include "ims/api/use_cases/credentials.hpp"
#include "ims/infra/crypto.hpp"
#include "ims/infra/token_revocation.hpp"

namespace ims::api {

class ServiceCredentials final : public Credentials {
 public:
  explicit ServiceCredentials(const Services& services) : services_(services) {}
  bool verify(const std::string& stored_hash, const std::string& secret) override {
    return services_.passwords.verify(stored_hash, secret);
  }
  void verify_dummy(const std::string& secret) override { services_.passwords.verify_dummy(secret); }
  std::string random_token() override { return infra::random_token(32); }
  std::string access_token(infra::AccessClaims& claims, int ttl_seconds) override {
    return services_.tokens.issue(claims, services_.now(), ttl_seconds);
  }
  int access_ttl_seconds() const override { return services_.tokens.ttl_seconds(); }

 private:
  const Services& services_;
};

class RedisAccessRevocation final : public AccessRevocation {
 public:
  explicit RedisAccessRevocation(Context& ctx) : ctx_(ctx) {}
  void revoke_user(std::int64_t user_id) override { revocation().revoke_user(user_id, ctx_.services.now()); }
  void deny_token(const std::string& jti, std::int64_t expires_at) override {
    revocation().deny_token(jti, expires_at, ctx_.services.now());
  }

 private:
  infra::TokenRevocation revocation() {
    return infra::TokenRevocation(ctx_.resources.redis, ctx_.services.config.access_token_ttl_s);
  }
  Context& ctx_;
};

}  // namespace ims::api
