#pragma once
// The checks every move of a versioned record makes once it is locked and the caller may act on
// it: If-Match names its version (412), work still pending on it (409), the move is legal (409).
#include <optional>
#include <string>

#include "ims/domain/result.hpp"
#include "ims/domain/workflow.hpp"

namespace ims::api {

template <typename Status>
std::optional<domain::Error> refuse_move(const std::optional<std::string>& if_match, int version,
                                         const std::string& what, Status from, Status to,
                                         std::optional<domain::Error> busy = std::nullopt) {
  if (auto stale = domain::stale_version(if_match, version, what)) return stale;
  if (busy) return busy;
  if (auto legal = domain::transition(from, to); !legal) return legal.error();
  return std::nullopt;
}

}  // namespace ims::api
