// order.created: every new order gets a QR label (its number and a link to it) to print.
#include "labels/handlers.hpp"

namespace ims::workers::labels {

void order_created(MessageContext& ctx, const LabelSettings& settings) {
  const auto started = std::chrono::steady_clock::now();
  const auto order = id_at(ctx.event.data, "order_id");
  infra::PgLabelStore store(ctx.txn);
  infra::ZintRenderer renderer;
  if (auto outcome = label_new_order(store, renderer, order, ctx.event.correlation_id, settings))
    log_outcome(ctx, *outcome, started);
}

}  // namespace ims::workers::labels
