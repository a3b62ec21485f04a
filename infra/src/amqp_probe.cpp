#include "ims/infra/amqp_probe.hpp"

#include "ims/infra/amqp.hpp"
#include "ims/infra/errors.hpp"

namespace ims::infra {

void probe_broker(const std::string& amqp_url, int timeout_ms) {
  AmqpConnection connection(amqp_url, timeout_ms);
}

void BrokerProbe::check(const std::string& amqp_url) {
  std::lock_guard lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  const bool fresh = probed_ && url_ == amqp_url && now - probed_at_ < std::chrono::milliseconds(fresh_ms_);
  if (!fresh) {
    try {
      probe_broker(amqp_url, timeout_ms_);
      error_.clear();
    } catch (const std::exception& e) {
      // Kept without the "rabbitmq unavailable: " prefix, which the rethrow adds back.
      error_ = e.what();
      const std::string prefix = "rabbitmq unavailable: ";
      if (error_.starts_with(prefix)) error_.erase(0, prefix.size());
      if (error_.empty()) error_ = "unreachable";
    }
    url_ = amqp_url;
    probed_ = true;
    probed_at_ = std::chrono::steady_clock::now();
  }
  if (!error_.empty()) throw DependencyUnavailable("rabbitmq", error_);
}

}  // namespace ims::infra
