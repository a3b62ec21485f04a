// Any event: one pending delivery per enabled webhook that subscribes to its type, in the
// message's transaction; the sender thread posts them after commit.
#include "webhooks/handlers.hpp"

namespace ims::workers::webhooks {

void event_published(MessageContext& ctx) {
  infra::PgWebhookStore store(ctx.txn);
  if (const int created = fan_out_event(store, ctx.event, ctx.body); created > 0)
    ctx.log.debug("webhook deliveries queued",
                  {{"type", ctx.event.type}, {"deliveries", std::to_string(created)}});
}

}  // namespace ims::workers::webhooks
