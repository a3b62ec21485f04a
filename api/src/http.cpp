#include "ims/api/http.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace ims::api {

std::optional<std::string> Request::header(const std::string& lower_name) const {
  if (auto it = headers.find(lower_name); it != headers.end()) return it->second;
  return std::nullopt;
}

std::optional<std::string> Request::query_param(const std::string& name) const {
  if (auto it = query.find(name); it != query.end()) return it->second;
  return std::nullopt;
}

Response json_response(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Response no_content() {
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

int status_for(domain::ErrorCode code) {
  using domain::ErrorCode;
  switch (code) {
    case ErrorCode::bad_request:
      return 400;
    case ErrorCode::validation:
      return 422;
    case ErrorCode::unauthenticated:
      return 401;
    case ErrorCode::forbidden:
      return 403;
    case ErrorCode::not_found:
      return 404;
    case ErrorCode::conflict:
      return 409;
    case ErrorCode::precondition_failed:
      return 412;
    case ErrorCode::rate_limited:
      return 429;
    case ErrorCode::unavailable:
      return 503;
  }
  return 500;
}

const char* reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 431:
      return "Request Header Fields Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Unknown";
  }
}

namespace {
nlohmann::json problem_body(int status, const std::string& type, const std::string& detail) {
  return nlohmann::json{{"type", "urn:ims:problem:" + type},
                        {"title", reason_phrase(status)},
                        {"status", status},
                        {"detail", detail},
                        {"errors", nlohmann::json::array()}};
}
}  // namespace

Response problem_status(int status, const std::string& type, const std::string& detail) {
  Response r;
  r.status = status;
  r.content_type = "application/problem+json";
  r.body = problem_body(status, type, detail).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

Response problem(const domain::Error& error) {
  const int status = status_for(error.code);
  auto body = problem_body(status, domain::to_string(error.code), error.message);
  for (const auto& f : error.fields) body["errors"].push_back({{"field", f.field}, {"message", f.message}});
  Response r;
  r.status = status;
  r.content_type = "application/problem+json";
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (error.retry_after_seconds > 0) r.header("Retry-After", std::to_string(error.retry_after_seconds));
  return r;
}

bool is_storable_text(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    const unsigned c = *p;
    if (c == 0) return false;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int n;
    unsigned cp;
    if ((c & 0xe0) == 0xc0)
      n = 1, cp = c & 0x1f;
    else if ((c & 0xf0) == 0xe0)
      n = 2, cp = c & 0x0f;
    else if ((c & 0xf8) == 0xf0)
      n = 3, cp = c & 0x07;
    else
      return false;
    if (end - p <= n) return false;
    for (int i = 1; i <= n; ++i) {
      if ((p[i] & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3f);
    }
    static constexpr unsigned min_for[] = {0, 0x80, 0x800, 0x10000};
    if (cp < min_for[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    p += n + 1;
  }
  return true;
}

std::string client_address(const Request& request, const std::vector<std::string>& trusted) {
  const auto is_trusted = [&](const std::string& a) {
    return std::find(trusted.begin(), trusted.end(), a) != trusted.end();
  };
  if (!is_trusted(request.remote_address)) return request.remote_address;
  const auto forwarded = request.header("x-forwarded-for");
  if (!forwarded) return request.remote_address;
  // Right to left: each proxy appends the address it received from.
  std::size_t end = forwarded->size();
  while (end > 0) {
    const auto comma = forwarded->rfind(',', end - 1);
    const auto start = comma == std::string::npos ? 0 : comma + 1;
    auto item = forwarded->substr(start, end - start);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty() && item.size() <= 64 && !is_trusted(item)) return item;
    if (comma == std::string::npos) break;
    end = comma;
  }
  return request.remote_address;
}

std::string utf8_prefix(const std::string& text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xc0) == 0x80) --end;  // a continuation byte
  return text.substr(0, end);
}

std::string url_decode(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%' && i + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::map<std::string, std::string> parse_query(const std::string& query) {
  std::map<std::string, std::string> out;
  std::size_t start = 0;
  while (start <= query.size()) {
    auto end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    const std::string pair = query.substr(start, end - start);
    if (!pair.empty()) {
      const auto eq = pair.find('=');
      if (eq == std::string::npos) {
        out[url_decode(pair)] = "";
      } else {
        out[url_decode(pair.substr(0, eq))] = url_decode(pair.substr(eq + 1));
      }
    }
    start = end + 1;
  }
  return out;
}

}  // namespace ims::api
