// order.status_changed: the stock side of the order's new status (order_steps.hpp), whatever it
// was before; a redelivered or late message finds the step done and does nothing.
#include "stock/order_steps.hpp"

namespace ims::workers::stock {

void order_status_changed(MessageContext& ctx) {
  infra::UnitOfWork unit(ctx.txn);
  const auto id = id_in(ctx, "order_id");
  const auto o = infra::PgOrderLedger(unit).lock(id);
  if (!o) throw MalformedMessage("order " + std::to_string(id) + " does not exist");
  settle(ctx, *o);
}

}  // namespace ims::workers::stock
