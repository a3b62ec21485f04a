// request.denied, request.canceled and request.expired: what the request held goes back.
#include "stock/request_steps.hpp"

namespace ims::workers::stock {

void request_closed(MessageContext& ctx) {
  infra::UnitOfWork unit(ctx.txn);
  const auto r = lock_request(ctx, unit);
  if (r.hold == "held" && release_hold(ctx, r.id, "released", r.requested_by)) {
    ctx.log.info("request hold released", {{"request", r.number}, {"status", r.status}});
  }
}

}  // namespace ims::workers::stock
