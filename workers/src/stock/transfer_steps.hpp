#pragma once
// What the transfer handlers share: the transfer, locked, and its lines as the API's transfer
// store reads them, and its events.
#include "ims/infra/transfer_store.hpp"
#include "stock/handlers.hpp"

namespace ims::workers::stock {

inline infra::TransferRecord lock_transfer(MessageContext& ctx, infra::UnitOfWork& unit) {
  const auto id = id_in(ctx, "transfer_id");
  auto transfer = infra::PgTransferStore(unit).find(id, true);
  if (!transfer) throw MalformedMessage("transfer " + std::to_string(id) + " does not exist");
  return std::move(*transfer);
}

inline void announce_transfer(MessageContext& ctx, const infra::TransferRecord& t, const std::string& type,
                              nlohmann::json extra = nlohmann::json::object()) {
  extra["transfer_id"] = t.id;
  extra["number"] = t.number;
  extra["from_location_id"] = t.from_location_id;
  extra["to_location_id"] = t.to_location_id;
  announce(ctx, type, std::move(extra), t.created_by);
}

}  // namespace ims::workers::stock
