#pragma once
// The reports worker's pruner: a thread of its own that, every IMS_REPORT_PRUNE_INTERVAL_MS,
// marks the reports older than IMS_REPORT_RETENTION_DAYS expired and, after that commits,
// deletes their files (and unfinished `.part` files a dead worker left). Several reports workers
// may prune at once: rows are claimed with SKIP LOCKED and a file already gone is not an error.
#include <memory>
#include <string>

#include "background.hpp"
#include "ims/infra/config.hpp"
#include "ims/infra/log.hpp"
#include "ims/infra/metrics.hpp"
#include "reports/use_cases.hpp"

namespace ims::workers::reports {

class ReportPruner {
 public:
  ReportPruner(const infra::Config& config, ReportSettings settings, infra::Log log, infra::Metrics& metrics);
  ReportPruner(const ReportPruner&) = delete;
  ReportPruner& operator=(const ReportPruner&) = delete;

 private:
  struct Meters;
  BackgroundLoop::Pass pass(const std::string& database_url, infra::DbSessionMeters* sessions,
                            std::chrono::milliseconds interval);
  ReportSettings settings_;
  infra::Log log_;
  std::shared_ptr<Meters> meters_;
  BackgroundLoop loop_;  // last: stops and joins first
};

}  // namespace ims::workers::reports
