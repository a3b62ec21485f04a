// request.overdue: an approval request has waited half its SLA (DESIGN §3's escalation); the
// approvers are told. The alert closes when the request is decided, canceled or expires.
#include "alerts/handlers.hpp"

namespace ims::workers::alerts {

void request_overdue(MessageContext& ctx, const AlertSettings& settings) {
  const auto& d = ctx.event.data;
  domain::AlertEmailFacts facts;
  facts.request_number = text_at(d, "number");
  facts.due_at = text_at(d, "expires_at");
  const auto location = optional_id_at(d, "to_location_id").value_or(id_at(d, "from_location_id"));
  auto key = domain::request_overdue_key(id_at(d, "product_id"), location, id_at(d, "request_id"));
  infra::PgAlertStore store(ctx.txn);
  raise_alert(store, raised(ctx, key, domain::alert_severity(key.kind, false)), facts, settings);
}

}  // namespace ims::workers::alerts
