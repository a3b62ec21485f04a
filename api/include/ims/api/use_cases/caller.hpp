#pragma once
// Who runs a use case: the authenticated actor and the request it came in (for the audit trail).
#include <string>

#include "ims/domain/policy.hpp"

namespace ims::api {

struct Caller {
  domain::Actor actor;
  std::string request_id;
};

}  // namespace ims::api
