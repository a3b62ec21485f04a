#include "ims/infra/process.hpp"

#include <prometheus/exposer.h>
#include <prometheus/registry.h>

#include <csignal>
#include <ctime>

#include "ims/infra/metrics.hpp"

namespace ims::infra {
namespace {
sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}
}  // namespace

StopSignal::StopSignal() {
  sigset_t set = stop_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

bool StopSignal::wait_for(std::chrono::milliseconds timeout) {
  if (received_) return true;
  sigset_t set = stop_signals();
  const auto s = std::chrono::duration_cast<std::chrono::seconds>(timeout);
  timespec ts{static_cast<time_t>(s.count()),
              static_cast<long>(std::chrono::duration_cast<std::chrono::nanoseconds>(timeout - s).count())};
  if (sigtimedwait(&set, nullptr, &ts) > 0) received_ = true;
  return received_;
}

MetricsEndpoint::MetricsEndpoint(Metrics& metrics, const std::string& host, int port)
    : exposer_(std::make_unique<prometheus::Exposer>(host + ":" + std::to_string(port))) {
  exposer_->RegisterCollectable(std::weak_ptr<prometheus::Collectable>(metrics.shared_registry()));
}

MetricsEndpoint::~MetricsEndpoint() = default;

}  // namespace ims::infra
