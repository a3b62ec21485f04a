#include "ims/infra/token_revocation.hpp"

#include <algorithm>

namespace ims::infra {
namespace {
std::string jti_key(const std::string& jti) {
  return "ims:auth:denied:" + jti;
}
std::string user_key(std::int64_t id) {
  return "ims:auth:revoked-before:" + std::to_string(id);
}
}  // namespace

void TokenRevocation::deny_token(const std::string& jti, std::int64_t expires_at, std::int64_t now) {
  const auto ttl = std::max<std::int64_t>(1, expires_at - now + 1);
  redis_.pipeline({{"SET", jti_key(jti), "1", "EX", std::to_string(ttl)},
                   {"PUBLISH", revocations_channel, "jti:" + jti}});
}

void TokenRevocation::revoke_user(std::int64_t user_id, std::int64_t now) {
  // Kept as long as an access token can live; refresh tokens are revoked in the database.
  redis_.pipeline({{"SET", user_key(user_id), std::to_string(now), "EX", std::to_string(ttl_ + 60)},
                   {"PUBLISH", revocations_channel, "user:" + std::to_string(user_id)}});
}

bool TokenRevocation::is_revoked(const std::string& jti, std::int64_t user_id, std::int64_t issued_at) {
  if (cache_) {
    if (const auto known = cache_->lookup(jti)) return *known;
  }
  const auto ticket = cache_ ? cache_->ticket() : 0;
  auto replies = redis_.pipeline({{"EXISTS", jti_key(jti)}, {"GET", user_key(user_id)}});
  const bool revoked = replies[0].integer != 0 || (replies[1].kind == RedisValue::Kind::text &&
                                                   issued_at <= std::stoll(replies[1].text));
  if (cache_) cache_->remember(ticket, jti, user_id, revoked);
  return revoked;
}

std::vector<bool> TokenRevocation::revoked(const std::vector<Token>& tokens) {
  std::vector<bool> out(tokens.size(), false);
  if (tokens.empty()) return out;
  std::vector<std::vector<std::string>> commands;
  for (const auto& t : tokens) {
    commands.push_back({"EXISTS", jti_key(t.jti)});
    commands.push_back({"GET", user_key(t.user_id)});
  }
  const auto replies = redis_.pipeline(commands);
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const auto& denied = replies[2 * i];
    const auto& before = replies[2 * i + 1];
    out[i] = denied.integer != 0 ||
             (before.kind == RedisValue::Kind::text && tokens[i].issued_at <= std::stoll(before.text));
  }
  return out;
}

// The username is the last part, so an address can never run into it (addresses hold no '|').
// Password counters keep their names of earlier releases.
std::string LoginThrottle::pair_key(const std::string& username, const std::string& address) const {
  return "ims:auth:" + kind_ + "-failures:pair:" + address + "|" + username;
}
std::string LoginThrottle::address_key(const std::string& address) const {
  return "ims:auth:" + kind_ + "-failures:addr:" + address;
}

LoginThrottle::Block LoginThrottle::check(const std::string& username, const std::string& address) {
  auto r = redis_.pipeline({{"GET", pair_key(username, address)},
                            {"TTL", pair_key(username, address)},
                            {"GET", address_key(address)},
                            {"TTL", address_key(address)}});
  auto count = [](const RedisValue& v) {
    return v.kind == RedisValue::Kind::text ? std::stoll(v.text) : 0LL;
  };
  Block block;
  auto wait = [this](const RedisValue& ttl) {
    return static_cast<int>(ttl.integer > 0 ? ttl.integer : window_);
  };
  if (count(r[2]) >= max_address_) block = {wait(r[3]), "address"};
  if (count(r[0]) >= max_user_ && wait(r[1]) > block.retry_after_s) block = {wait(r[1]), "user_address"};
  return block;
}

void LoginThrottle::record_failure(const std::string& username, const std::string& address) {
  // The window starts at the first failure (EXPIRE NX keeps it from sliding on later ones).
  const auto w = std::to_string(window_);
  redis_.pipeline({{"INCR", pair_key(username, address)},
                   {"EXPIRE", pair_key(username, address), w, "NX"},
                   {"INCR", address_key(address)},
                   {"EXPIRE", address_key(address), w, "NX"}});
}

void LoginThrottle::record_success(const std::string& username, const std::string& address) {
  redis_.command({"DEL", pair_key(username, address)});
}

int RequestThrottle::admit(const std::string& address) {
  const auto key = "ims:throttle:" + name_ + ":addr:" + address;
  auto r = redis_.pipeline({{"INCR", key}, {"EXPIRE", key, std::to_string(window_), "NX"}, {"TTL", key}});
  if (r[0].integer <= max_) return 0;
  return static_cast<int>(r[2].integer > 0 ? r[2].integer : window_);
}

}  // namespace ims::infra
