#pragma once
// Per-user token buckets for writes, kept in Redis so every ims-api replica draws from the same
// bucket (DESIGN §5: 429 with Retry-After).
#include <cstdint>

#include "ims/infra/redis.hpp"

namespace ims::infra {

class WriteLimiter {
 public:
  WriteLimiter(RedisClient& redis, int per_minute, int burst)
      : redis_(redis), per_minute_(per_minute), burst_(burst) {}

  // Takes one token of the user's bucket: 0 when the write may go ahead, else the seconds to wait.
  int take(std::int64_t user_id);

 private:
  RedisClient& redis_;
  int per_minute_;
  int burst_;
};

}  // namespace ims::infra
