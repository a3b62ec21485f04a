// request.approved / denied / canceled / expired: nobody needs to be chased about it any more.
#include "alerts/handlers.hpp"

namespace ims::workers::alerts {

void request_decided(MessageContext& ctx, const AlertSettings&) {
  const auto& d = ctx.event.data;
  const auto request_id = id_at(d, "request_id");
  infra::PgAlertStore store(ctx.txn);
  clear_subject(store, "request.overdue", "request:" + std::to_string(request_id), ctx.event.id,
                "the request was " + ctx.event.type.substr(ctx.event.type.find('.') + 1));
}

}  // namespace ims::workers::alerts
