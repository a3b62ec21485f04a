#pragma once
// The Redis deny-list: logged-out access tokens (by jti, until they would expire anyway) and users
// whose every earlier token is void (deactivated, password changed). Each revocation is also
// published on `ims:auth:revocations`, for every replica's RevocationCache.
#include <cstdint>
#include <string>
#include <vector>

#include "ims/infra/redis.hpp"
#include "ims/infra/revocation_cache.hpp"

namespace ims::infra {

class TokenRevocation {
 public:
  // With a cache, is_revoked answers from it when it can and keeps what Redis answered.
  TokenRevocation(RedisClient& redis, int access_ttl_seconds, RevocationCache* cache = nullptr)
      : redis_(redis), ttl_(access_ttl_seconds), cache_(cache) {}

  void deny_token(const std::string& jti, std::int64_t expires_at, std::int64_t now);
  // Every token of the user issued at or before `now` stops working.
  void revoke_user(std::int64_t user_id, std::int64_t now);
  bool is_revoked(const std::string& jti, std::int64_t user_id, std::int64_t issued_at);
  struct Token {
    std::string jti;
    std::int64_t user_id = 0;
    std::int64_t issued_at = 0;
  };
  // Many at once, in one pipelined round trip; the answers in the tokens' order.
  std::vector<bool> revoked(const std::vector<Token>& tokens);

 private:
  RedisClient& redis_;
  int ttl_;
  RevocationCache* cache_;
};

// Failed-login counters per (username, client address) pair and per client address, in fixed
// windows. Counting per pair, not per username, keeps an attacker from locking a user out: wrong
// passwords from one address block only that address's attempts at that user.
class LoginThrottle {
 public:
  // `kind` keeps counters apart: "login" (passwords) or "pin" (shop-floor PINs), so wrong PINs at
  // a shared terminal never lock its address out of password sign-in.
  LoginThrottle(RedisClient& redis, int max_per_user, int max_per_address, int window_s,
                std::string kind = "login")
      : redis_(redis),
        max_user_(max_per_user),
        max_address_(max_per_address),
        window_(window_s),
        kind_(std::move(kind)) {}

  struct Block {
    int retry_after_s = 0;   // 0: the attempt may go ahead
    const char* scope = "";  // "user_address" or "address"
  };
  Block check(const std::string& username, const std::string& address);
  void record_failure(const std::string& username, const std::string& address);
  void record_success(const std::string& username, const std::string& address);

 private:
  RedisClient& redis_;
  int max_user_;
  int max_address_;
  int window_;
  std::string kind_;
  std::string pair_key(const std::string& username, const std::string& address) const;
  std::string address_key(const std::string& address) const;
};

// Attempts per client address in fixed windows (sign-ups): each attempt counts.
class RequestThrottle {
 public:
  RequestThrottle(RedisClient& redis, std::string name, int max_per_address, int window_s)
      : redis_(redis), name_(std::move(name)), max_(max_per_address), window_(window_s) {}
  // Counts the attempt; 0 when it may go ahead, else the seconds until the window ends.
  int admit(const std::string& address);

 private:
  RedisClient& redis_;
  std::string name_;
  int max_;
  int window_;
};

}  // namespace ims::infra
