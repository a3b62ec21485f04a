// transfer.discrepancy: what arrived differs from what was shipped (already booked by the stock
// worker). An event, not a condition: the alert stays open until someone acknowledges it.
#include "alerts/handlers.hpp"

namespace ims::workers::alerts {

void transfer_discrepancy(MessageContext& ctx, const AlertSettings& settings) {
  const auto& d = ctx.event.data;
  const auto difference = number_at(d, "discrepancy");
  domain::AlertEmailFacts facts;
  facts.transfer_number = text_at(d, "number");
  facts.discrepancy =
      (difference > 0 ? "excess " : "short ") + decimal(difference > 0 ? difference : -difference);
  auto key =
      domain::discrepancy_key(id_at(d, "product_id"), id_at(d, "location_id"), id_at(d, "transfer_id"));
  auto alert = raised(ctx, key, domain::alert_severity(key.kind, false));
  if (d.contains("message") && d["message"].is_string()) alert.message = d["message"].get<std::string>();
  infra::PgAlertStore store(ctx.txn);
  raise_alert(store, alert, facts, settings);
}

}  // namespace ims::workers::alerts
