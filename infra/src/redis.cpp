#include "ims/infra/redis.hpp"

#include <hiredis/hiredis.h>

#include <charconv>

#include "ims/infra/errors.hpp"

namespace ims::infra {
namespace {

struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

RedisValue convert(const redisReply* r) {
  RedisValue v;
  switch (r->type) {
    case REDIS_REPLY_INTEGER:
      v.kind = RedisValue::Kind::integer;
      v.integer = r->integer;
      break;
    case REDIS_REPLY_STRING:
      v.kind = RedisValue::Kind::text;
      v.text.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      v.kind = RedisValue::Kind::status;
      v.text.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ARRAY:
      v.kind = RedisValue::Kind::array;
      for (size_t i = 0; i < r->elements; ++i) v.items.push_back(convert(r->element[i]));
      break;
    case REDIS_REPLY_ERROR:
      v.kind = RedisValue::Kind::error;
      v.text.assign(r->str, r->len);
      break;
    default:
      break;
  }
  return v;
}

timeval to_timeval(int ms) {
  return timeval{ms / 1000, (ms % 1000) * 1000};
}

}  // namespace

RedisEndpoint parse_redis_url(const std::string& url) {
  RedisEndpoint ep;
  std::string rest = url;
  const std::string scheme = "redis://";
  if (rest.rfind(scheme, 0) == 0) rest = rest.substr(scheme.size());
  const auto slash = rest.find('/');
  std::string hostport = rest.substr(0, slash);
  if (slash != std::string::npos && slash + 1 < rest.size()) ep.db = std::stoi(rest.substr(slash + 1));
  const auto colon = hostport.rfind(':');
  if (colon != std::string::npos) {
    ep.port = std::stoi(hostport.substr(colon + 1));
    hostport = hostport.substr(0, colon);
  }
  if (!hostport.empty()) ep.host = hostport;
  return ep;
}

RedisClient::RedisClient(std::string url, int timeout_ms)
    : endpoint_(parse_redis_url(url)), timeout_ms_(timeout_ms) {}

RedisClient::~RedisClient() {
  drop();
}

void RedisClient::drop() {
  if (ctx_) redisFree(ctx_);
  ctx_ = nullptr;
}

redisContext* RedisClient::context() {
  if (ctx_) return ctx_;
  redisContext* c = redisConnectWithTimeout(endpoint_.host.c_str(), endpoint_.port, to_timeval(timeout_ms_));
  if (!c || c->err) {
    std::string why = c ? c->errstr : "cannot allocate context";
    if (c) redisFree(c);
    throw DependencyUnavailable("redis", why);
  }
  redisSetTimeout(c, to_timeval(timeout_ms_));
  ctx_ = c;
  if (endpoint_.db != 0) command({"SELECT", std::to_string(endpoint_.db)});
  return ctx_;
}

RedisValue RedisClient::command(const std::vector<std::string>& args) {
  return pipeline({args}).front();
}

std::vector<RedisValue> RedisClient::pipeline(const std::vector<std::vector<std::string>>& commands) {
  // A connection kept from earlier may have died with a restarted server: one fresh attempt.
  if (ctx_) {
    try {
      return exchange(commands);
    } catch (const DependencyUnavailable&) {
      // dropped by exchange(); fall through to a new connection
    }
  }
  return exchange(commands);
}

std::vector<RedisValue> RedisClient::exchange(const std::vector<std::vector<std::string>>& commands) {
  redisContext* c = context();
  for (const auto& args : commands) {
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    for (const auto& a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    if (redisAppendCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lens.data()) != REDIS_OK) {
      std::string why = c->errstr;
      drop();
      throw DependencyUnavailable("redis", why);
    }
  }
  std::vector<RedisValue> out;
  for (size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(c, &raw) != REDIS_OK || raw == nullptr) {
      std::string why = c->errstr;
      drop();
      throw DependencyUnavailable("redis", why);
    }
    ReplyPtr reply(static_cast<redisReply*>(raw));
    out.push_back(convert(reply.get()));
  }
  // Every reply is read before complaining, so the connection stays in step.
  for (const auto& v : out) {
    if (v.kind == RedisValue::Kind::error) throw std::runtime_error("redis error: " + v.text);
  }
  return out;
}

void RedisClient::ping() {
  command({"PING"});
}

}  // namespace ims::infra
