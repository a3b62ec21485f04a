#include "ims/domain/result.hpp"

namespace ims::domain {

Error Error::validation(std::vector<FieldError> fields, std::string message) {
  return Error{ErrorCode::validation, std::move(message), std::move(fields), 0};
}

const char* to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::bad_request:
      return "bad_request";
    case ErrorCode::validation:
      return "validation";
    case ErrorCode::unauthenticated:
      return "unauthenticated";
    case ErrorCode::forbidden:
      return "forbidden";
    case ErrorCode::not_found:
      return "not_found";
    case ErrorCode::conflict:
      return "conflict";
    case ErrorCode::precondition_failed:
      return "precondition_failed";
    case ErrorCode::rate_limited:
      return "rate_limited";
    case ErrorCode::unavailable:
      return "unavailable";
  }
  return "unknown";
}

std::optional<Error> stale_version(const std::optional<std::string>& if_match, int version,
                                   const std::string& what) {
  if (!if_match || *if_match == "*") return std::nullopt;
  std::string v = *if_match;
  if (v.rfind("W/", 0) == 0) v = v.substr(2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  if (v == std::to_string(version)) return std::nullopt;
  return Error::of(ErrorCode::precondition_failed, "the " + what + " has changed (now version " +
                                                       std::to_string(version) + "); fetch it again");
}

}  // namespace ims::domain
