// inventory.drift: a stock row disagrees with the sum of its movements. Nothing is corrected; an
// alert names both figures until a check finds them equal again.
#include "alerts/handlers.hpp"

namespace ims::workers::alerts {

void inventory_drift(MessageContext& ctx, const AlertSettings& settings) {
  const auto& d = ctx.event.data;
  domain::AlertEmailFacts facts;
  facts.on_hand = decimal(number_at(d, "on_hand"));
  facts.ledger_sum = decimal(number_at(d, "ledger_sum"));
  auto key = domain::drift_key(id_at(d, "product_id"), id_at(d, "location_id"), optional_id_at(d, "lot_id"));
  infra::PgAlertStore store(ctx.txn);
  raise_alert(store, raised(ctx, key, domain::alert_severity(key.kind, true)), facts, settings);
}

}  // namespace ims::workers::alerts
