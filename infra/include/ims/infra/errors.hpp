#pragma once
#include <stdexcept>
#include <string>

namespace ims::infra {

// Broken infrastructure: a dependency (postgresql, rabbitmq, redis, smtp) cannot be reached.
// The boundary catch turns it into 503 (HTTP) or a retry with backoff (consumers).
class DependencyUnavailable : public std::runtime_error {
 public:
  DependencyUnavailable(std::string dependency, const std::string& detail)
      : std::runtime_error(dependency + " unavailable: " + detail), dependency_(std::move(dependency)) {}
  const std::string& dependency() const { return dependency_; }

 private:
  std::string dependency_;
};

}  // namespace ims::infra
