#pragma once
// What the request handlers share: the request, locked, as the API's request store reads it, its
// events, and giving back what a request holds.
#include "ims/infra/request_store.hpp"
#include "stock/handlers.hpp"

namespace ims::workers::stock {

inline infra::RequestRecord lock_request(MessageContext& ctx, infra::UnitOfWork& unit) {
  const auto id = id_in(ctx, "request_id");
  auto request = infra::PgRequestStore(unit).find(id, true);
  if (!request) throw MalformedMessage("request " + std::to_string(id) + " does not exist");
  return std::move(*request);
}

inline void announce_request(MessageContext& ctx, const infra::RequestRecord& r, const std::string& type,
                             nlohmann::json extra = nlohmann::json::object()) {
  extra["request_id"] = r.id;
  extra["number"] = r.number;
  extra["product_id"] = r.product_id;
  extra["from_location_id"] = r.from_location_id;
  announce(ctx, type, std::move(extra), r.requested_by);
}

// Gives a request's held stock back and sets its hold to `hold_becomes` (used, released); returns
// whether anything was held (request_holds.cpp).
bool release_hold(MessageContext& ctx, std::int64_t request_id, const std::string& hold_becomes,
                  std::optional<std::int64_t> actor);

}  // namespace ims::workers::stock
