#pragma once
// Redis through hiredis: one RedisClient per thread, reconnecting lazily, with short timeouts so a
// dead Redis turns into DependencyUnavailable instead of a hung request.
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct redisContext;
struct redisReply;

namespace ims::infra {

struct RedisEndpoint {
  std::string host = "127.0.0.1";
  int port = 6379;
  int db = 0;
};

RedisEndpoint parse_redis_url(const std::string& url);

// A reply, flattened: enough for the commands IMS uses.
struct RedisValue {
  enum class Kind { nil, integer, text, array, status, error } kind = Kind::nil;
  long long integer = 0;
  std::string text;
  std::vector<RedisValue> items;
};

class RedisClient {
 public:
  explicit RedisClient(std::string url, int timeout_ms = 1000);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  RedisValue command(const std::vector<std::string>& args);
  // Several commands in one round trip (MULTI/EXEC is the caller's choice).
  std::vector<RedisValue> pipeline(const std::vector<std::vector<std::string>>& commands);
  void ping();

 private:
  redisContext* context();
  std::vector<RedisValue> exchange(const std::vector<std::vector<std::string>>& commands);
  void drop();

  RedisEndpoint endpoint_;
  int timeout_ms_;
  redisContext* ctx_ = nullptr;
};

}  // namespace ims::infra
