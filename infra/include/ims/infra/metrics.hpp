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

// The process's PostgreSQL sessions (DESIGN §7 "connection pools"): ims_db_sessions (open),
// ims_db_sessions_in_use (inside a transaction now) and ims_db_session_waiters (work queued for a
// free session: the API's requests waiting for a handler thread, each of which owns one session).
// Thread-safe.
class DbSessionMeters {
 public:
  explicit DbSessionMeters(prometheus::Registry& registry);
  void opened();
  void closed();
  void began();
  void ended();
  void set_waiting(std::size_t waiting);

 private:
  prometheus::Gauge& open_;
  prometheus::Gauge& in_use_;
  prometheus::Gauge& waiting_;
};

class Metrics {
 public:
  explicit Metrics(const std::string& process);
  prometheus::Registry& registry() { return *registry_; }
  std::shared_ptr<prometheus::Registry> shared_registry() { return registry_; }
  std::string render() const;
  DbSessionMeters& db_sessions() { return *db_sessions_; }

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<DbSessionMeters> db_sessions_;
};

class HttpMetrics {
 public:  // set_queue_depth also sets ims_db_session_waiters
  explicit HttpMetrics(Metrics& metrics);
  void observe(const std::string& method, const std::string& route, int status,
               std::chrono::duration<double> d);
  void rejected_saturated();
  void set_queue_depth(std::size_t depth);
  void set_admission_limit(int limit);

 private:
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& duration_;
  prometheus::Counter& rejected_;
  prometheus::Gauge& queue_depth_;
  prometheus::Gauge& admission_limit_;
  DbSessionMeters& db_sessions_;
};

}  // namespace ims::infra
