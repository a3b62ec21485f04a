#pragma once
// What every long-running IMS process needs besides its work: an orderly stop on SIGINT/SIGTERM
// and a /metrics endpoint of its own (workers and scheduler; ims-api serves /metrics itself).
#include <chrono>
#include <memory>
#include <string>

namespace prometheus {
class Exposer;
}

namespace ims::infra {

class Metrics;

class StopSignal {
 public:
  StopSignal();  // blocks SIGINT and SIGTERM in this thread and the threads it starts later
  // Waits up to `timeout`; true once a stop signal has arrived.
  bool wait_for(std::chrono::milliseconds timeout);
  bool received() const { return received_; }

 private:
  bool received_ = false;
};

class MetricsEndpoint {
 public:
  MetricsEndpoint(Metrics& metrics, const std::string& host, int port);
  ~MetricsEndpoint();

 private:
  std::unique_ptr<prometheus::Exposer> exposer_;
};

}  // namespace ims::infra
