// stock.recovered: a movement brought available back above min; the low-stock alert closes.
#include "alerts/handlers.hpp"

namespace ims::workers::alerts {

void stock_recovered(MessageContext& ctx, const AlertSettings&) {
  const auto& d = ctx.event.data;
  infra::PgAlertStore store(ctx.txn);
  const auto reason = "restocked: " + decimal(number_at(d, "available")) +
                      " available, above the minimum of " + decimal(number_at(d, "min"));
  clear_alert(store, domain::stock_low_key(id_at(d, "product_id"), id_at(d, "location_id")), ctx.event.id,
              ctx.event.occurred_at, reason);
}

}  // namespace ims::workers::alerts
