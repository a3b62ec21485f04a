#include "ims/domain/result.hpp"

namespace ims::domain {

Error Error::validation(std::vector<FieldError> fields, std::string message) {
  return Error{ErrorCode::validation, std::move(message), std::move(fields), 0};
}

const char* to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::bad_request: return "bad_request";
    case ErrorCode::validation: return "validation";
    case ErrorCode::unauthenticated: return "unauthenticated";
    case ErrorCode::forbidden: return "forbidden";
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::conflict: return "conflict";
    case ErrorCode::precondition_failed: return "precondition_failed";
    case ErrorCode::rate_limited: return "rate_limited";
    case ErrorCode::unavailable: return "unavailable";
  }
  return "unknown";
}

}  // namespace ims::domain
