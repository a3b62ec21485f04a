#include "ims/api/input.hpp"

#include <charconv>

#include "ims/infra/token_revocation.hpp"

namespace ims::api {

std::optional<Response> read_json_object(const Request& request, nlohmann::json& out) {
  const auto type = request.header("content-type").value_or("");
  const auto base = type.substr(0, type.find(';'));
  const bool json = base == "application/json" || (base.size() > 5 && base.ends_with("+json"));
  if (!json) return problem_status(415, "unsupported_media_type", "send the body as application/json");
  out = nlohmann::json::parse(request.body, nullptr, false);
  if (out.is_discarded()) {
    return problem(domain::Error::of(domain::ErrorCode::bad_request, "the body is not well-formed JSON"));
  }
  if (!out.is_object()) {
    return problem(domain::Error::of(domain::ErrorCode::bad_request, "the body must be a JSON object"));
  }
  // The parser has checked the UTF-8; PostgreSQL's text also refuses NUL, and no body of ours nests
  // deeper than a few levels. Walked without recursion, so no input can exhaust the stack.
  constexpr std::size_t max_depth = 16;
  std::vector<std::pair<const nlohmann::json*, std::size_t>> pending{{&out, 1}};
  const auto has_nul = [](const std::string& s) { return s.find('\0') != std::string::npos; };
  while (!pending.empty()) {
    const auto [node, depth] = pending.back();
    pending.pop_back();
    if (depth > max_depth) {
      return problem(
          domain::Error::of(domain::ErrorCode::bad_request,
                            "the body nests deeper than " + std::to_string(max_depth) + " levels"));
    }
    if (node->is_string() && has_nul(node->get_ref<const std::string&>())) {
      return problem(domain::Error::of(domain::ErrorCode::bad_request,
                                       "strings in the body may not contain NUL (\\u0000)"));
    }
    if (node->is_object()) {
      for (const auto& [key, value] : node->items()) {
        if (has_nul(key)) {
          return problem(domain::Error::of(domain::ErrorCode::bad_request,
                                           "member names may not contain NUL (\\u0000)"));
        }
        pending.emplace_back(&value, depth + 1);
      }
    } else if (node->is_array()) {
      for (const auto& value : *node) pending.emplace_back(&value, depth + 1);
    }
  }
  return std::nullopt;
}

std::string FieldReader::required_string(const char* name, std::size_t max_length) {
  if (!object_.contains(name) || object_[name].is_null()) {
    fail(name, "is required");
    return {};
  }
  auto v = optional_string(name, max_length);
  return v.value_or("");
}

std::optional<std::string> FieldReader::optional_string(const char* name, std::size_t max_length) {
  if (!object_.contains(name) || object_[name].is_null()) return std::nullopt;
  const auto& v = object_[name];
  if (!v.is_string()) {
    fail(name, "must be a string");
    return std::nullopt;
  }
  auto s = v.get<std::string>();
  if (s.size() > max_length) {
    fail(name, "must be at most " + std::to_string(max_length) + " characters");
    return std::nullopt;
  }
  return s;
}

std::optional<std::int64_t> FieldReader::optional_id(const char* name, bool* explicit_null) {
  if (explicit_null) *explicit_null = false;
  if (!object_.contains(name)) return std::nullopt;
  const auto& v = object_[name];
  if (v.is_null()) {
    if (explicit_null) *explicit_null = true;
    return std::nullopt;
  }
  if (!v.is_number_integer() || v.get<std::int64_t>() < 1) {
    fail(name, "must be a positive integer id");
    return std::nullopt;
  }
  return v.get<std::int64_t>();
}

std::optional<bool> FieldReader::optional_bool(const char* name) {
  if (!object_.contains(name) || object_[name].is_null()) return std::nullopt;
  if (!object_[name].is_boolean()) {
    fail(name, "must be true or false");
    return std::nullopt;
  }
  return object_[name].get<bool>();
}

bool FieldReader::required_bool(const char* name) {
  if (!object_.contains(name) || object_[name].is_null()) {
    fail(name, "is required");
    return false;
  }
  return optional_bool(name).value_or(false);
}

std::optional<std::int64_t> parse_id(const std::string& text) {
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || ptr != text.data() + text.size() || v < 1) return std::nullopt;
  return v;
}

domain::Result<Page> read_page(const Request& request) {
  Page page;
  std::vector<domain::FieldError> errors;
  if (auto limit = request.query_param("limit")) {
    auto v = parse_id(*limit);
    if (!v || *v > 500) {
      errors.push_back({"limit", "must be a whole number from 1 to 500"});
    } else {
      page.limit = static_cast<int>(*v);
    }
  }
  if (auto cursor = request.query_param("cursor"); cursor && !cursor->empty()) {
    page.after_id = parse_id(*cursor);
    if (!page.after_id) errors.push_back({"cursor", "is not a cursor this API returned"});
  }
  if (!errors.empty()) return domain::Error::validation(std::move(errors));
  return page;
}

domain::Result<Authenticated> authenticate(Context& ctx) {
  if (ctx.verified_claims) {
    const auto& c = *ctx.verified_claims;
    return Authenticated{domain::Actor{c.user_id, c.role, c.location_id}, c};
  }
  auto header = ctx.request.header("authorization");
  const std::string prefix = "Bearer ";
  // Browsers' EventSource cannot send headers, so the event stream alone also takes the token
  // from the query string.
  if (!header && ctx.request.path == "/api/v1/events") {
    if (auto token = ctx.request.query_param("access_token")) header = prefix + *token;
  }
  if (!header || header->size() <= prefix.size() || header->compare(0, prefix.size(), prefix) != 0) {
    return domain::Error::of(domain::ErrorCode::unauthenticated, "a bearer token is required");
  }
  const auto now = ctx.services.now();
  auto claims = ctx.services.tokens.verify(header->substr(prefix.size()), now);
  if (!claims) return claims.error();
  infra::TokenRevocation revocation(ctx.resources.redis, ctx.services.config.access_token_ttl_s,
                                    ctx.services.revocations);
  if (revocation.is_revoked(claims->jti, claims->user_id, claims->issued_at)) {
    return domain::Error::of(domain::ErrorCode::unauthenticated, "the token has been revoked");
  }
  Authenticated auth{domain::Actor{claims->user_id, claims->role, claims->location_id}, *claims};
  return auth;
}

domain::Result<Authenticated> authorize(Context& ctx, domain::Permission permission) {
  auto auth = authenticate(ctx);
  if (!auth) return auth;
  if (!domain::allows(auth->actor.role, permission)) {
    return domain::Error::of(domain::ErrorCode::forbidden,
                             std::string("role ") + std::string(domain::to_string(auth->actor.role)) +
                                 " may not " + std::string(domain::to_string(permission)));
  }
  if (auth->claims.shop_floor && !domain::allowed_on_shop_floor(permission)) {
    return domain::Error::of(domain::ErrorCode::forbidden, "a shop-floor (PIN) session may not " +
                                                               std::string(domain::to_string(permission)) +
                                                               "; sign in with your password");
  }
  return auth;
}

}  // namespace ims::api
