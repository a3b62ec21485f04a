#pragma once
// What the production handlers share: the batch, locked, as the API's batch store reads it, and
// its events.
#include "ims/infra/batch_store.hpp"
#include "stock/handlers.hpp"

namespace ims::workers::stock {

inline infra::BatchRecord lock_batch(MessageContext& ctx, infra::UnitOfWork& unit) {
  const auto id = id_in(ctx, "batch_id");
  auto batch = infra::PgBatchStore(unit).find(id, true);
  if (!batch) throw MalformedMessage("production batch " + std::to_string(id) + " does not exist");
  return std::move(*batch);
}

inline void announce_batch(MessageContext& ctx, const infra::BatchRecord& b, const std::string& type,
                           nlohmann::json extra) {
  extra["batch_id"] = b.id;
  extra["number"] = b.number;
  extra["product_id"] = b.product_id;
  extra["location_id"] = b.location_id;
  announce(ctx, type, std::move(extra), b.created_by);
}

}  // namespace ims::workers::stock
