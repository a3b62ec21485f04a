#pragma once
// The inventory check (issue 10 §3), a use case of the stock worker: low stock and restocking
// drafts, expiring lots, reconciliation of stock against the ledger, overdue requests. It reports
// and proposes; it never changes stock.
#include <string>

#include <nlohmann/json.hpp>

#include "ims/infra/outbox.hpp"
#include "ims/infra/stock_check_store.hpp"

namespace ims::workers::stock {

struct InventoryCheckRequest {
  nlohmann::json run_id;  // the scheduler's run, or null
  int expiry_warning_days = 30;
  std::string correlation_id;
};

struct InventoryCheckSummary {
  int low = 0;
  int drafted = 0;
  int expiring = 0;
  int expired = 0;
  int drift = 0;
  int overdue = 0;
};

// Publishes stock.low, order.drafted, lot.expiring, inventory.drift and request.overdue for what it
// finds, then inventory.check.completed listing every condition it saw (the alerts worker closes
// alerts whose condition it no longer saw).
InventoryCheckSummary check_inventory(infra::StockCheckStore& store, infra::Outbox& outbox,
                                      const InventoryCheckRequest& request);

}  // namespace ims::workers::stock
