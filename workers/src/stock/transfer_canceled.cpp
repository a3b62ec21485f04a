// transfer.canceled: the holds of the approved requests it would have carried out go back.
#include "stock/handlers.hpp"

namespace ims::workers::stock {

void transfer_canceled(MessageContext& ctx) {
  release_request_holds(ctx, id_in(ctx, "transfer_id"), false);
}

}  // namespace ims::workers::stock
