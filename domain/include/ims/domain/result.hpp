#pragma once
// Expected outcomes are values: Result<T> holds either a T or an Error. Broken infrastructure throws.
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace ims::domain {

enum class ErrorCode {
  bad_request,      // malformed input that is not about a field (e.g. not JSON)
  validation,       // one or more fields are invalid
  unauthenticated,  // no or invalid credentials
  forbidden,        // authenticated, but role or scope does not allow it
  not_found,
  conflict,             // duplicate, illegal state transition, referenced record
  precondition_failed,  // optimistic-lock version mismatch
  rate_limited,
  unavailable,  // a dependency is down
};

struct FieldError {
  std::string field;
  std::string message;
  bool operator==(const FieldError&) const = default;
};

struct Error {
  ErrorCode code;
  std::string message;
  std::vector<FieldError> fields;
  int retry_after_seconds = 0;  // for rate_limited / unavailable

  static Error validation(std::vector<FieldError> fields, std::string message = "validation failed");
  static Error of(ErrorCode code, std::string message) { return Error{code, std::move(message), {}, 0}; }
};

const char* to_string(ErrorCode code);

template <typename T>
class Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  const Error& error() const { return std::get<Error>(state_); }

 private:
  std::variant<T, Error> state_;
};

// Optimistic locking: the If-Match a command carries against the record's version. Absent or "*"
// matches anything; otherwise the version, quoted or not, weak (W/) or strong. A mismatch is
// precondition_failed naming `what` and its current version.
std::optional<Error> stale_version(const std::optional<std::string>& if_match, int version,
                                   const std::string& what);

struct Unit {};
using Status = Result<Unit>;
inline Status ok_status() {
  return Unit{};
}

}  // namespace ims::domain
