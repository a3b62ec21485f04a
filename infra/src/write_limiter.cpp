#include "ims/infra/write_limiter.hpp"

#include <string>

namespace ims::infra {
namespace {
// The bucket refills continuously at `rate` tokens a second up to `burst`; Redis's own clock, so
// replicas with skewed clocks agree. One round trip, atomic.
constexpr const char* take_script = R"lua(
local rate = tonumber(ARGV[1]) / 60
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1]) or burst
local at = tonumber(b[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) / rate) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(burst / rate) + 1)
return wait
)lua";
}  // namespace

int WriteLimiter::take(std::int64_t user_id) {
  auto reply = redis_.command({"EVAL", take_script, "1", "ims:writes:user:" + std::to_string(user_id),
                               std::to_string(per_minute_), std::to_string(burst_)});
  return static_cast<int>(reply.integer);
}

}  // namespace ims::infra
