#include "ims/infra/revocation_cache.hpp"

#include <hiredis/hiredis.h>
#include <sys/socket.h>

#include <charconv>

#include "ims/infra/redis.hpp"

namespace ims::infra {

std::optional<bool> RevocationCache::lookup(const std::string& jti, Clock::time_point now) {
  if (!listening_) return std::nullopt;
  std::lock_guard lock(mutex_);
  const auto found = entries_.find(jti);
  if (found == entries_.end()) return std::nullopt;
  if (now - found->second.at > max_age_) {
    entries_.erase(found);
    return std::nullopt;
  }
  return found->second.revoked;
}

void RevocationCache::remember(std::uint64_t ticket, const std::string& jti, std::int64_t user_id,
                               bool revoked, Clock::time_point now) {
  if (!listening_) return;
  std::lock_guard lock(mutex_);
  if (generation_.load() != ticket) return;  // a revocation came in while Redis was being asked
  // Bounded: an entry lives a second; past this many, the stale ones go first, then all.
  if (entries_.size() >= 100'000) {
    std::erase_if(entries_, [&](const auto& e) { return now - e.second.at > max_age_; });
    if (entries_.size() >= 100'000) entries_.clear();
  }
  entries_[jti] = Entry{user_id, revoked, now};
}

void RevocationCache::revoked(const std::string& message) {
  std::lock_guard lock(mutex_);
  ++generation_;
  if (message.rfind("jti:", 0) == 0) {
    entries_.erase(message.substr(4));
    return;
  }
  std::int64_t user = 0;
  const char* end = message.data() + message.size();
  if (message.rfind("user:", 0) == 0 && std::from_chars(message.data() + 5, end, user).ptr == end) {
    std::erase_if(entries_, [&](const auto& e) { return e.second.user_id == user; });
    return;
  }
  entries_.clear();
}

void RevocationCache::set_listening(bool listening) {
  std::lock_guard lock(mutex_);
  ++generation_;
  entries_.clear();  // whatever was kept may have missed a message
  listening_ = listening;
}

void RevocationCache::start(const std::string& redis_url) {
  subscriber_ = std::thread([this, redis_url] { subscribe_loop(redis_url); });
}

void RevocationCache::stop() {
  if (stopping_.exchange(true)) return;
  if (const int fd = fd_.load(); fd >= 0) ::shutdown(fd, SHUT_RDWR);  // unblocks the read
  if (subscriber_.joinable()) subscriber_.join();
  set_listening(false);
}

void RevocationCache::subscribe_loop(const std::string& redis_url) {
  const auto endpoint = parse_redis_url(redis_url);
  while (!stopping_) {
    timeval connect_timeout{1, 0};
    redisContext* c = redisConnectWithTimeout(endpoint.host.c_str(), endpoint.port, connect_timeout);
    if (c && !c->err) {
      fd_ = c->fd;
      if (stopping_) ::shutdown(c->fd, SHUT_RDWR);
      redisSetTimeout(c, timeval{0, 0});  // a subscription waits as long as it takes
      auto* reply = static_cast<redisReply*>(redisCommand(c, "SUBSCRIBE %s", revocations_channel));
      const bool subscribed = reply != nullptr && reply->type == REDIS_REPLY_ARRAY;
      if (reply) freeReplyObject(reply);
      if (subscribed) set_listening(true);
      while (subscribed && !stopping_) {
        void* raw = nullptr;
        if (redisGetReply(c, &raw) != REDIS_OK || raw == nullptr) break;
        auto* message = static_cast<redisReply*>(raw);
        // ["message", channel, payload]
        if (message->type == REDIS_REPLY_ARRAY && message->elements == 3 &&
            message->element[2]->type == REDIS_REPLY_STRING)
          revoked(std::string(message->element[2]->str, message->element[2]->len));
        freeReplyObject(message);
      }
      set_listening(false);
      fd_ = -1;
    }
    if (c) redisFree(c);
    for (int i = 0; i < 10 && !stopping_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace ims::infra
