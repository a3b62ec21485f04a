#include "alerts/alert_gauges.hpp"

#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <map>

#include "ims/infra/alert_store.hpp"
#include "ims/infra/pg.hpp"

namespace ims::workers::alerts {

struct AlertGauges::Meters {
  prometheus::Family<prometheus::Gauge>& open;
  prometheus::Gauge& stock_low;
  prometheus::Gauge& drift;
  std::map<std::string, prometheus::Gauge*> kinds = {};  // every kind shown so far

  static std::shared_ptr<Meters> of(infra::Metrics& metrics) {
    auto& open = prometheus::BuildGauge()
                     .Name("ims_alerts_open")
                     .Help("Alerts open now (raised, not yet closed), by kind")
                     .Register(metrics.registry());
    auto& low = prometheus::BuildGauge()
                    .Name("ims_stock_low_items")
                    .Help("Products at a location whose available stock is at or below the reorder min")
                    .Register(metrics.registry())
                    .Add({});
    auto& drift = prometheus::BuildGauge()
                      .Name("ims_inventory_drift_rows")
                      .Help(
                          "Stock rows whose on_hand differs from the sum of their movements, as the "
                          "last inventory check found them (open inventory.drift alerts)")
                      .Register(metrics.registry())
                      .Add({});
    auto meters = std::make_shared<Meters>(Meters{open, low, drift});
    // The kinds the workers raise are always there, at 0 when none is open.
    for (const char* kind :
         {"stock.low", "lot.expiring", "inventory.drift", "request.overdue", "transfer.discrepancy"})
      meters->kinds[kind] = &open.Add({{"kind", kind}});
    return meters;
  }

  void set(const infra::AlertLevels& levels) {
    // Kinds not in the reading have no open alert (any more).
    for (auto& [kind, gauge] : kinds) gauge->Set(0);
    for (const auto& [kind, n] : levels.open_by_kind) {
      auto*& gauge = kinds[kind];
      if (!gauge) gauge = &open.Add({{"kind", kind}});
      gauge->Set(static_cast<double>(n));
    }
    stock_low.Set(static_cast<double>(levels.stock_low_items));
    const auto it = levels.open_by_kind.find("inventory.drift");
    drift.Set(it == levels.open_by_kind.end() ? 0 : static_cast<double>(it->second));
  }
};

AlertGauges::AlertGauges(const infra::Config& config, infra::Log log, infra::Metrics& metrics)
    : meters_(Meters::of(metrics)),
      loop_(std::move(log), "alert gauges", 1,
            [this, sessions = &metrics.db_sessions(), url = config.database_url,
             interval = std::chrono::milliseconds(config.gauge_interval_ms)] {
              return pass(url, sessions, interval);
            }) {}

BackgroundLoop::Pass AlertGauges::pass(const std::string& database_url, infra::DbSessionMeters* sessions,
                                       std::chrono::milliseconds interval) {
  auto db = std::make_shared<infra::PgSession>(database_url, infra::PreparedStatements{}, sessions);
  return [this, db, interval](const std::atomic<bool>&) {
    meters_->set(db->transact([](pqxx::work& txn) { return infra::read_alert_levels(txn); }));
    return interval;
  };
}

}  // namespace ims::workers::alerts
