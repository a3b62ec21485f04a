// stock.low: available at or below a reorder rule's min (announced by a movement that crossed it,
// or by the inventory check). One open alert per (product, location); one email when it opens.
#include "alerts/handlers.hpp"

namespace ims::workers::alerts {

void stock_low(MessageContext& ctx, const AlertSettings& settings) {
  const auto& d = ctx.event.data;
  const auto available = number_at(d, "available");
  domain::AlertEmailFacts facts;
  facts.available = decimal(available);
  facts.min = decimal(number_at(d, "min"));
  facts.max = decimal(number_at(d, "max"));
  facts.suggested_quantity = decimal(number_at(d, "max") - available);
  auto key = domain::stock_low_key(id_at(d, "product_id"), id_at(d, "location_id"));
  infra::PgAlertStore store(ctx.txn);
  auto r =
      raise_alert(store, raised(ctx, key, domain::alert_severity(key.kind, available <= 0)), facts, settings);
  if (r.opened)
    ctx.log.info("low-stock alert opened",
                 {{"alert_id", std::to_string(r.alert_id)}, {"emails", std::to_string(r.emails)}});
}

}  // namespace ims::workers::alerts
