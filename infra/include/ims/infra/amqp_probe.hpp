#pragma once
#include <chrono>
#include <mutex>
#include <string>

namespace ims::infra {

// Opens an AMQP connection, logs in and closes it. Throws DependencyUnavailable when the broker
// cannot be reached or refuses the credentials. Used by `ims check`.
void probe_broker(const std::string& amqp_url, int timeout_ms = 1500);

// The readiness probe of a long-running process. A login costs the broker a connection and
// several Erlang processes, so under load (many /ready polls, several workers starting) a fresh
// connection per poll is both slow and self-inflicted. One probe runs at a time; callers that
// arrive within `fresh_ms` of the last probe of the same URL get its answer, and a loaded broker
// gets `timeout_ms` to finish the login before it is called down.
class BrokerProbe {
 public:
  explicit BrokerProbe(int timeout_ms = 5000, int fresh_ms = 1000)
      : timeout_ms_(timeout_ms), fresh_ms_(fresh_ms) {}
  // Throws DependencyUnavailable when the broker is down (now or at the last fresh probe).
  void check(const std::string& amqp_url);

 private:
  int timeout_ms_;
  int fresh_ms_;
  std::mutex mutex_;
  std::string url_;
  bool probed_ = false;
  std::chrono::steady_clock::time_point probed_at_{};
  std::string error_;  // empty when the last probe succeeded
};

}  // namespace ims::infra
