#include "ims/infra/metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include "ims_revision.h"  // IMS_REVISION, written at every build (cmake/revision.cmake)

#ifndef IMS_VERSION
#define IMS_VERSION "0.0.0"
#endif
#ifndef IMS_COMPILER
#define IMS_COMPILER "unknown"
#endif

namespace ims::infra {

DbSessionMeters::DbSessionMeters(prometheus::Registry& registry)
    : open_(prometheus::BuildGauge()
                .Name("ims_db_sessions")
                .Help("Pooled PostgreSQL sessions open: request handlers, consumers, senders (not the relay, "
                      "event feed or scheduler connection)")
                .Register(registry)
                .Add({})),
      in_use_(prometheus::BuildGauge()
                  .Name("ims_db_sessions_in_use")
                  .Help("PostgreSQL sessions inside a transaction now")
                  .Register(registry)
                  .Add({})),
      waiting_(prometheus::BuildGauge()
                   .Name("ims_db_session_waiters")
                   .Help("Work queued for a free PostgreSQL session (API requests waiting for a handler)")
                   .Register(registry)
                   .Add({})) {}

void DbSessionMeters::opened() {
  open_.Increment();
}
void DbSessionMeters::closed() {
  open_.Decrement();
}
void DbSessionMeters::began() {
  in_use_.Increment();
}
void DbSessionMeters::ended() {
  in_use_.Decrement();
}
void DbSessionMeters::set_waiting(std::size_t waiting) {
  waiting_.Set(static_cast<double>(waiting));
}

Metrics::Metrics(const std::string& process)
    : registry_(std::make_shared<prometheus::Registry>()),
      db_sessions_(std::make_unique<DbSessionMeters>(*registry_)) {
  prometheus::BuildGauge()
      .Name("ims_process_info")
      .Help("Always 1; labels say which IMS process this is")
      .Register(*registry_)
      .Add({{"process", process}, {"version", IMS_VERSION}})
      .Set(1);
  prometheus::BuildGauge()
      .Name("ims_build_info")
      .Help("Always 1; labels say which build runs: version, the git commit it was built from, compiler")
      .Register(*registry_)
      .Add({{"version", IMS_VERSION}, {"revision", IMS_REVISION}, {"compiler", IMS_COMPILER}})
      .Set(1);
}

std::string Metrics::render() const {
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

HttpMetrics::HttpMetrics(Metrics& metrics)
    : requests_(prometheus::BuildCounter()
                    .Name("ims_http_requests_total")
                    .Help("HTTP requests answered, by method, route template and status")
                    .Register(metrics.registry())),
      duration_(prometheus::BuildHistogram()
                    .Name("ims_http_request_duration_seconds")
                    .Help("Time from request received to response handed to the network, by route")
                    .Register(metrics.registry())),
      rejected_(prometheus::BuildCounter()
                    .Name("ims_http_rejected_saturated_total")
                    .Help("Requests answered 503 because ims-api was at capacity: queue full, waited too "
                          "long, or past the admission limit")
                    .Register(metrics.registry())
                    .Add({})),
      queue_depth_(prometheus::BuildGauge()
                       .Name("ims_http_executor_queue_depth")
                       .Help("Requests waiting for a handler thread")
                       .Register(metrics.registry())
                       .Add({})),
      admission_limit_(
          prometheus::BuildGauge()
              .Name("ims_http_admission_limit")
              .Help("Requests ims-api takes in flight at once now (IMS_EXECUTOR_LATENCY_TARGET_MS)")
              .Register(metrics.registry())
              .Add({})),
      db_sessions_(metrics.db_sessions()) {}

void HttpMetrics::observe(const std::string& method, const std::string& route, int status,
                          std::chrono::duration<double> d) {
  requests_.Add({{"method", method}, {"route", route}, {"status", std::to_string(status)}}).Increment();
  static const prometheus::Histogram::BucketBoundaries buckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                               0.1,   0.25,   0.5,   1,    2.5,   5};
  duration_.Add({{"method", method}, {"route", route}}, buckets).Observe(d.count());
}

void HttpMetrics::rejected_saturated() {
  rejected_.Increment();
}
void HttpMetrics::set_admission_limit(int limit) {
  admission_limit_.Set(limit);
}
void HttpMetrics::set_queue_depth(std::size_t depth) {
  queue_depth_.Set(static_cast<double>(depth));
  db_sessions_.set_waiting(depth);
}

}  // namespace ims::infra
