#pragma once
// Answers of the token deny-list kept in the process (issue 16, part 2), so a request whose token
// was checked a moment ago costs no Redis round trip. A revocation (a logout, a deactivated user, a
// changed password) is published on the Redis channel `ims:auth:revocations` by whichever replica
// makes it (TokenRevocation); every replica's subscriber drops what it cached for that token or
// user at once. An answer is kept for at most `max_age` (1 s) whatever happens, and while the
// subscriber is not connected nothing is kept at all, so a revoked token is refused within a
// second on every replica even if a message is missed.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>

namespace ims::infra {

inline constexpr const char* revocations_channel = "ims:auth:revocations";

class RevocationCache {
 public:
  using Clock = std::chrono::steady_clock;
  explicit RevocationCache(std::chrono::milliseconds max_age = std::chrono::milliseconds(1000))
      : max_age_(max_age) {}
  ~RevocationCache() { stop(); }
  RevocationCache(const RevocationCache&) = delete;
  RevocationCache& operator=(const RevocationCache&) = delete;

  // Subscribes (on a connection of its own, reconnecting) until stop().
  void start(const std::string& redis_url);
  void stop();

  // A ticket taken before asking Redis; remember() keeps the answer only if no revocation arrived
  // in between (else the answer may predate it).
  std::uint64_t ticket() const { return generation_.load(); }
  std::optional<bool> lookup(const std::string& jti, Clock::time_point now = Clock::now());
  void remember(std::uint64_t ticket, const std::string& jti, std::int64_t user_id, bool revoked,
                Clock::time_point now = Clock::now());

  // A revocation message ("jti:<jti>" or "user:<id>"); anything else drops everything.
  void revoked(const std::string& message);
  // The subscription is up (answers may be kept) or down (none is: nothing would drop them).
  void set_listening(bool listening);
  bool listening() const { return listening_.load(); }

 private:
  struct Entry {
    std::int64_t user_id;
    bool revoked;
    Clock::time_point at;
  };
  void subscribe_loop(const std::string& redis_url);

  const std::chrono::milliseconds max_age_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;  // by jti
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<bool> listening_{false};
  std::atomic<bool> stopping_{false};
  std::atomic<int> fd_{-1};  // the subscriber's socket, shut down by stop()
  std::thread subscriber_;
};

}  // namespace ims::infra
