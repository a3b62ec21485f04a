#pragma once
// The reports worker's pruner: a thread of its own that, every IMS_REPORT_PRUNE_INTERVAL_MS,
// marks the reports older than IMS_REPORT_RETENTION_DAYS expired and, after that commits,
// deletes their files (and unfinished `.part` files a dead worker left). Several reports workers
// may prune at once: rows are claimed with SKIP LOCKED and a file already gone is not an error.
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "ims/infra/config.hpp"
#include "ims/infra/log.hpp"
#include "ims/infra/metrics.hpp"
#include "reports/use_cases.hpp"

namespace ims::workers::reports {

class ReportPruner {
 public:
  ReportPruner(const infra::Config& config, ReportSettings settings, infra::Log log, infra::Metrics& metrics);
  ~ReportPruner();  // stops and joins
  ReportPruner(const ReportPruner&) = delete;
  ReportPruner& operator=(const ReportPruner&) = delete;

 private:
  void run();
  struct Meters;
  const infra::Config& config_;
  ReportSettings settings_;
  infra::Log log_;
  std::unique_ptr<Meters> meters_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::thread thread_;
};

}  // namespace ims::workers::reports
