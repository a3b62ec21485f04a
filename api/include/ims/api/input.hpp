#pragma once
// Reading what clients send: JSON bodies (415/400), typed fields with per-field errors (422),
// pagination parameters, and the bearer token (401/403 through the domain policy).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ims/api/app.hpp"
#include "ims/api/http.hpp"
#include "ims/domain/policy.hpp"
#include "ims/infra/jwt.hpp"

namespace ims::api {

// Fills `out` with the body's JSON object, or returns the problem response to send.
std::optional<Response> read_json_object(const Request& request, nlohmann::json& out);

class FieldReader {
 public:
  explicit FieldReader(const nlohmann::json& object) : object_(object) {}

  bool has(const char* name) const { return object_.contains(name); }
  std::string required_string(const char* name, std::size_t max_length = 1000);
  std::optional<std::string> optional_string(const char* name, std::size_t max_length = 1000);
  // Absent → nullopt; JSON null → explicit_null set; an integer ≥ 1 → the id.
  std::optional<std::int64_t> optional_id(const char* name, bool* explicit_null = nullptr);
  std::optional<bool> optional_bool(const char* name);
  bool required_bool(const char* name);

  // One of `parse`'s names, required; `names` lists them for the message ("png, svg, zpl").
  template <typename E>
  std::optional<E> required_choice(const char* name, std::optional<E> (*parse)(std::string_view),
                                   const char* names) {
    if (!object_.contains(name) || object_[name].is_null()) {
      fail(name, std::string("is required, one of ") + names);
      return std::nullopt;
    }
    auto value = object_[name].is_string() ? parse(object_[name].template get<std::string>()) : std::nullopt;
    if (!value) fail(name, std::string("must be one of ") + names);
    return value;
  }

  void fail(std::string field, std::string message) {
    errors_.push_back({std::move(field), std::move(message)});
  }
  bool ok() const { return errors_.empty(); }
  domain::Error error() const { return domain::Error::validation(errors_); }
  const std::vector<domain::FieldError>& errors() const { return errors_; }

 private:
  const nlohmann::json& object_;
  std::vector<domain::FieldError> errors_;
};

struct Page {
  int limit = 50;
  std::optional<std::int64_t> after_id;
};
domain::Result<Page> read_page(const Request& request);
std::optional<std::int64_t> parse_id(const std::string& text);

struct Authenticated {
  domain::Actor actor;
  infra::AccessClaims claims;
};

// 401 when the bearer token is missing, malformed, expired, revoked or signed with another key.
domain::Result<Authenticated> authenticate(Context& ctx);
// authenticate, then 403 unless the actor's role has the permission.
domain::Result<Authenticated> authorize(Context& ctx, domain::Permission permission);

}  // namespace ims::api
