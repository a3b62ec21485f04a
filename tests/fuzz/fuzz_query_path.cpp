// The request line as the API reads it before any handler runs: the query string (parse_query,
// url_decode), the real route table of ims::api::App (built without connecting to anything: only
// Resources hold connections), the pagination parameters (read_page, parse_id), If-Match
// (precondition) and X-Request-Id (request_id_for).
//
// Input: "METHOD /path?query" on the first line (no space: GET), optionally a second line used as
// the If-Match and X-Request-Id header values.
#include <algorithm>
#include <cctype>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "fuzz_check.hpp"
#include "ims/api/app.hpp"
#include "ims/api/http.hpp"
#include "ims/api/input.hpp"
#include "ims/api/resource.hpp"

using ims::api::Handler;
using ims::api::Router;

namespace {

const Router<Handler>& routes() {
  // Everything App's constructor needs, none of it connecting anywhere.
  static ims::infra::Config config;
  static ims::infra::TokenCodec tokens(std::string(40, 'k'), "ims", 900);
  static ims::infra::PasswordHasher passwords(1, 8);  // libsodium's minimum: the dummy hash is made once
  static ims::infra::Metrics metrics("ims-fuzz");
  static ims::api::App app(ims::api::Services{config, tokens, passwords, metrics,
                                              ims::infra::Log::create("ims-fuzz", "off"),
                                              [] { return std::int64_t{1'800'000'000}; }, "{}"});
  return app.router();
}

std::vector<std::string> segments(const std::string& path) {
  std::vector<std::string> out;
  std::string current;
  for (char c : path + "/") {
    if (c != '/') {
      current += c;
    } else if (!current.empty()) {
      out.push_back(current);
      current.clear();
    }
  }
  return out;
}

bool placeholder(const std::string& s) {
  return s.size() > 2 && s.front() == '{' && s.back() == '}';
}

bool pattern_matches(const std::string& pattern, const std::vector<std::string>& parts) {
  const auto p = segments(pattern);
  if (p.size() != parts.size()) return false;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (!placeholder(p[i]) && p[i] != parts[i]) return false;
  }
  return true;
}

void check_route(const std::string& method, const std::string& path) {
  using Kind = Router<Handler>::Match::Kind;
  const auto& router = routes();
  const auto match = router.match(method, path);
  const auto parts = segments(path);
  bool any_path = false, any_method = false;
  for (const auto& r : router.routes()) {
    if (!pattern_matches(r.pattern, parts)) continue;
    any_path = true;
    any_method |= r.method == method || (method == "HEAD" && r.method == "GET");
  }
  FUZZ_CHECK((match.kind == Kind::found) == any_method, method + " " + path);
  FUZZ_CHECK((match.kind == Kind::not_found) == !any_path, method + " " + path);
  if (match.kind == Kind::found) {
    FUZZ_CHECK(match.route->method == method || (method == "HEAD" && match.route->method == "GET"),
               method + " " + path);
    // Putting the parameters back into the pattern gives the path again.
    std::vector<std::string> rebuilt;
    for (const auto& s : segments(match.route->pattern)) {
      if (!placeholder(s)) {
        rebuilt.push_back(s);
        continue;
      }
      const auto it = match.params.find(s.substr(1, s.size() - 2));
      FUZZ_CHECK(it != match.params.end() && !it->second.empty() && it->second.find('/') == std::string::npos,
                 path + " against " + match.route->pattern);
      rebuilt.push_back(it->second);
    }
    FUZZ_CHECK(rebuilt == parts, path + " against " + match.route->pattern);
    // No literal route for the same method is shadowed by a templated one (orders/stats vs orders/{id}).
    const auto chosen = segments(match.route->pattern);
    for (const auto& r : router.routes()) {
      if (&r == match.route || r.method != match.route->method || !pattern_matches(r.pattern, parts))
        continue;
      const auto other = segments(r.pattern);
      for (std::size_t i = 0; i < other.size(); ++i) {
        if (placeholder(chosen[i]) == placeholder(other[i])) continue;
        FUZZ_CHECK(!placeholder(chosen[i]),
                   path + " went to " + match.route->pattern + " rather than " + r.pattern);
        break;
      }
    }
    if (auto id = match.params.find("id"); id != match.params.end()) (void)ims::api::parse_id(id->second);
  }
  if (match.kind == Kind::method_not_allowed) {
    FUZZ_CHECK(!match.allowed.empty(), path);
    for (const auto& m : match.allowed)
      FUZZ_CHECK(m != method, method + " listed as not allowed for " + path);
  }
  // A trailing slash names the same resource.
  FUZZ_CHECK(router.match(method, path + "/").kind == match.kind, path);
}

std::string percent_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c)) {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// The query string read independently: '&'-separated, '=' splits once, last value wins.
std::map<std::string, std::string> reference_query(const std::string& q) {
  std::map<std::string, std::string> out;
  std::size_t start = 0;
  while (start <= q.size()) {
    auto end = q.find('&', start);
    if (end == std::string::npos) end = q.size();
    const auto pair = q.substr(start, end - start);
    if (!pair.empty()) {
      const auto eq = pair.find('=');
      out[ims::api::url_decode(pair.substr(0, eq))] =
          eq == std::string::npos ? "" : ims::api::url_decode(pair.substr(eq + 1));
    }
    start = end + 1;
  }
  return out;
}

void check_query(const std::string& query) {
  const auto decoded = ims::api::url_decode(query);
  FUZZ_CHECK(decoded.size() <= query.size(), query);
  if (query.find_first_of("%+") == std::string::npos) FUZZ_CHECK(decoded == query, query);
  FUZZ_CHECK(ims::api::url_decode(percent_encode(query)) == query, query);

  const auto params = ims::api::parse_query(query);
  FUZZ_CHECK(params == reference_query(query), query);
  // Written back with every key and value encoded, it reads as the same parameters.
  std::string written;
  for (const auto& [k, v] : params)
    written += (written.empty() ? "" : "&") + percent_encode(k) + "=" + percent_encode(v);
  FUZZ_CHECK(ims::api::parse_query(written) == params, query + " written as " + written);
}

std::optional<std::int64_t> reference_id(const std::string& s) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  const auto digits = s.substr(std::min(s.find_first_not_of('0'), s.size()));  // leading zeros are fine
  if (digits.empty() || digits.size() > 19) return std::nullopt;
  const auto v = std::stoull(digits);
  if (v < 1 || v > static_cast<unsigned long long>(std::numeric_limits<std::int64_t>::max()))
    return std::nullopt;
  return static_cast<std::int64_t>(v);
}

void check_page(const ims::api::Request& request) {
  for (const auto& [k, v] : request.query) {
    const auto id = ims::api::parse_id(v);
    FUZZ_CHECK(id == reference_id(v), "parse_id(\"" + v + "\")");
  }
  const auto page = ims::api::read_page(request);
  const auto limit = request.query_param("limit");
  const auto cursor = request.query_param("cursor");
  const auto limit_value = limit ? reference_id(*limit) : std::nullopt;
  const bool limit_ok = !limit || (limit_value && *limit_value <= 500);
  const bool cursor_ok = !cursor || cursor->empty() || reference_id(*cursor);
  FUZZ_CHECK(page.ok() == (limit_ok && cursor_ok), "read_page of limit/cursor");
  if (page.ok()) {
    FUZZ_CHECK(page->limit == (limit ? *limit_value : 50) && page->limit >= 1 && page->limit <= 500, "limit");
    FUZZ_CHECK(page->after_id == (cursor && !cursor->empty() ? reference_id(*cursor) : std::nullopt),
               "cursor");
  } else {
    FUZZ_CHECK(page.error().code == ims::domain::ErrorCode::validation &&
                   page.error().fields.size() == static_cast<std::size_t>(!limit_ok) + !cursor_ok,
               "read_page errors");
  }
}

void check_headers(const std::string& value) {
  ims::api::Request request;
  request.headers["if-match"] = value;
  request.headers["x-request-id"] = value;
  std::string tag = value;
  if (tag.rfind("W/", 0) == 0) tag = tag.substr(2);
  if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"') tag = tag.substr(1, tag.size() - 2);
  const bool matches = value == "*" || tag == "7";
  const auto refusal = ims::api::precondition(request, 7, "order");
  FUZZ_CHECK(refusal.has_value() == !matches, "If-Match: " + value);
  if (refusal) FUZZ_CHECK(refusal->status == 412, value);

  const auto id = ims::api::request_id_for(request);
  const bool sane =
      !value.empty() && value.size() <= 128 &&
      value.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:") ==
          std::string::npos;
  FUZZ_CHECK(
      sane ? id == value : id.size() == 32 && id.find_first_not_of("0123456789abcdef") == std::string::npos,
      "X-Request-Id: " + value + " became " + id);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)routes();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto input = ims::fuzz::text_of(data, size);
  const auto newline = input.find('\n');
  const auto line = input.substr(0, newline);
  const auto space = line.find(' ');
  const std::string method = space == std::string::npos ? "GET" : line.substr(0, space);
  const std::string target = space == std::string::npos ? line : line.substr(space + 1);
  const auto question = target.find('?');

  ims::api::Request request;
  request.method = method;
  request.path = target.substr(0, question);
  const std::string query = question == std::string::npos ? "" : target.substr(question + 1);
  check_query(query);
  request.query = ims::api::parse_query(query);
  check_route(request.method, request.path);
  check_page(request);
  if (newline != std::string::npos) check_headers(input.substr(newline + 1));
  return 0;
}
