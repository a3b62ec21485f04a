// lot.expiring: a lot with stock at a location expires within the warning period (or has expired,
// which makes the open alert critical). It closes when the check finds no stock of the lot there.
#include "alerts/handlers.hpp"

namespace ims::workers::alerts {

void lot_expiring(MessageContext& ctx, const AlertSettings& settings) {
  const auto& d = ctx.event.data;
  const bool expired = d.value("expired", false);
  domain::AlertEmailFacts facts;
  facts.lot_code = text_at(d, "lot_code");
  facts.expires_on = text_at(d, "expires_on");
  facts.expired = expired;
  facts.available = decimal(number_at(d, "on_hand"));
  auto key = domain::lot_expiring_key(id_at(d, "product_id"), id_at(d, "location_id"), id_at(d, "lot_id"));
  infra::PgAlertStore store(ctx.txn);
  raise_alert(store, raised(ctx, key, domain::alert_severity(key.kind, expired)), facts, settings);
}

}  // namespace ims::workers::alerts
