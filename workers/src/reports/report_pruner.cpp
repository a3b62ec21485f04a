#include "reports/report_pruner.hpp"

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include "ims/infra/pg.hpp"
#include "ims/infra/report_store.hpp"

namespace ims::workers::reports {

struct ReportPruner::Meters {
  prometheus::Counter& expired;
  prometheus::Counter& files_removed;

  static std::shared_ptr<Meters> of(infra::Metrics& metrics) {
    auto& expired = prometheus::BuildCounter()
                        .Name("ims_reports_expired_total")
                        .Help("Reports marked expired after IMS_REPORT_RETENTION_DAYS")
                        .Register(metrics.registry());
    auto& removed = prometheus::BuildCounter()
                        .Name("ims_report_files_removed_total")
                        .Help("Report files deleted: expired reports' files and unfinished .part files")
                        .Register(metrics.registry());
    return std::make_shared<Meters>(Meters{expired.Add({}), removed.Add({})});
  }
};

ReportPruner::ReportPruner(const infra::Config& config, ReportSettings settings, infra::Log log,
                           infra::Metrics& metrics)
    : settings_(std::move(settings)),
      log_(log),
      meters_(Meters::of(metrics)),
      loop_(std::move(log), "report pruner", 1,
            [this, sessions = &metrics.db_sessions(), url = config.database_url,
             interval = std::chrono::milliseconds(config.report_prune_interval_ms)] {
              return pass(url, sessions, interval);
            }) {}

BackgroundLoop::Pass ReportPruner::pass(const std::string& database_url, infra::DbSessionMeters* sessions,
                                        std::chrono::milliseconds interval) {
  auto db = std::make_shared<infra::PgSession>(database_url, infra::PreparedStatements{}, sessions);
  return [this, db, interval](const std::atomic<bool>& stopping) {
    // A full batch means more may be waiting: go again at once.
    for (bool more = true; more && !stopping;) {
      auto expired = db->transact([&](pqxx::work& txn) {
        infra::PgReportStore store(txn);
        return expire_reports(store, settings_);
      });
      const auto removed = remove_report_files(settings_, expired.files);  // after commit
      meters_->expired.Increment(expired.expired_now);
      meters_->files_removed.Increment(removed);
      if (expired.expired_now > 0 || removed > 0) {
        log_.info("reports pruned", {{"expired", std::to_string(expired.expired_now)},
                                     {"files_removed", std::to_string(removed)}});
      }
      more = expired.more;
    }
    return interval;
  };
}

}  // namespace ims::workers::reports
