// label.requested: the API recorded a pending label; render it, or fail it with the reason.
#include "labels/handlers.hpp"

namespace ims::workers::labels {

void label_requested(MessageContext& ctx, const LabelSettings& settings) {
  const auto started = std::chrono::steady_clock::now();
  const auto id = id_at(ctx.event.data, "label_id");
  infra::PgLabelStore store(ctx.txn);
  infra::ZintRenderer renderer;
  auto outcome = render_label(store, renderer, id, settings);
  // The row commits with its event: an event without one is not ours to process.
  if (!outcome) throw MalformedMessage("no label " + std::to_string(id));
  log_outcome(ctx, *outcome, started);
}

}  // namespace ims::workers::labels
