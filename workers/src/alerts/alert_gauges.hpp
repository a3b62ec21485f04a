#pragma once
// The alerts worker's gauges of the conditions operations watch (DESIGN §7): every
// IMS_GAUGE_INTERVAL_MS it reads, in one round trip, the open alerts by kind, the stock rows at or
// below their reorder min and the inventory drift rows the last check left open, and sets
//   ims_alerts_open{kind}, ims_stock_low_items, ims_inventory_drift_rows.
// They are read from the database rather than counted from events, so every alerts worker shows the
// same figures and a restart loses none; with several alerts workers, take max() over them.
#include <memory>
#include <string>

#include "background.hpp"
#include "ims/infra/config.hpp"
#include "ims/infra/log.hpp"
#include "ims/infra/metrics.hpp"

namespace ims::workers::alerts {

class AlertGauges {
 public:
  AlertGauges(const infra::Config& config, infra::Log log, infra::Metrics& metrics);
  AlertGauges(const AlertGauges&) = delete;
  AlertGauges& operator=(const AlertGauges&) = delete;

 private:
  struct Meters;
  BackgroundLoop::Pass pass(const std::string& database_url, infra::DbSessionMeters* sessions,
                            std::chrono::milliseconds interval);
  std::shared_ptr<Meters> meters_;
  BackgroundLoop loop_;  // last: stops and joins first
};

}  // namespace ims::workers::alerts
