#include "reports/report_pruner.hpp"

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include "ims/infra/pg.hpp"
#include "ims/infra/report_store.hpp"

namespace ims::workers::reports {

struct ReportPruner::Meters {
  prometheus::Counter& expired;
  prometheus::Counter& files_removed;
};

ReportPruner::ReportPruner(const infra::Config& config, ReportSettings settings, infra::Log log,
                           infra::Metrics& metrics)
    : config_(config), settings_(std::move(settings)), log_(std::move(log)) {
  auto& expired = prometheus::BuildCounter()
                      .Name("ims_reports_expired_total")
                      .Help("Reports marked expired after IMS_REPORT_RETENTION_DAYS")
                      .Register(metrics.registry());
  auto& removed = prometheus::BuildCounter()
                      .Name("ims_report_files_removed_total")
                      .Help("Report files deleted: expired reports' files and unfinished .part files")
                      .Register(metrics.registry());
  meters_.reset(new Meters{expired.Add({}), removed.Add({})});
  thread_ = std::thread([this] { run(); });
}

ReportPruner::~ReportPruner() {
  stopping_ = true;
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ReportPruner::run() {
  auto pause = [this](std::chrono::milliseconds d) {
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, d, [this] { return stopping_.load(); });
  };
  std::unique_ptr<infra::PgSession> db;
  while (!stopping_) {
    try {
      if (!db) db = std::make_unique<infra::PgSession>(config_.database_url);
      // A full batch means more may be waiting: go again at once.
      for (bool more = true; more && !stopping_;) {
        auto pass = db->transact([&](pqxx::work& txn) {
          infra::PgReportStore store(txn);
          return expire_reports(store, settings_);
        });
        const auto removed = remove_report_files(settings_, pass.files);  // after commit
        meters_->expired.Increment(pass.expired_now);
        meters_->files_removed.Increment(removed);
        if (pass.expired_now > 0 || removed > 0) {
          log_.info("reports pruned", {{"expired", std::to_string(pass.expired_now)},
                                       {"files_removed", std::to_string(removed)}});
        }
        more = pass.more;
      }
    } catch (const std::exception& e) {
      log_.warn("report pruner: database unavailable; retrying", {{"error", e.what()}});
      db.reset();
      pause(std::chrono::milliseconds(2000));
      continue;
    }
    pause(std::chrono::milliseconds(config_.report_prune_interval_ms));
  }
}

}  // namespace ims::workers::reports
