#pragma once
#include <cstdint>

#include "ims/api/app.hpp"

namespace ims::api {

struct IdempotencyClaim {
  enum class Kind { first, replay, refused } kind;
  Response response;  // for replay and refused
};

bool idempotency_applies(const Request& request);
IdempotencyClaim claim_idempotency_key(Resources& resources, std::int64_t actor_id, const Request& request);
void settle_idempotency_key(Resources& resources, std::int64_t actor_id, const Request& request, const Response& response);

}  // namespace ims::api
