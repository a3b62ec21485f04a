#pragma once
// Prometheus metrics through prometheus-cpp. Each process owns one registry and renders it in the
// text exposition format at /metrics.
#include <chrono>
#include <memory>
#include <string>

namespace prometheus {
class Registry;
template <typename T>
class Family;
class Counter;
class Histogram;
class Gauge;
}  // namespace prometheus

namespace ims::infra {

class Metrics {
 public:
  explicit Metrics(const std::string& process);
  prometheus::Registry& registry() { return *registry_; }
  std::shared_ptr<prometheus::Registry> shared_registry() { return registry_; }
  std::string render() const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
};

class HttpMetrics {
 public:
  explicit HttpMetrics(Metrics& metrics);
  void observe(const std::string& method, const std::string& route, int status,
               std::chrono::duration<double> d);
  void rejected_saturated();
  void set_queue_depth(std::size_t depth);

 private:
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& duration_;
  prometheus::Counter& rejected_;
  prometheus::Gauge& queue_depth_;
};

}  // namespace ims::infra
