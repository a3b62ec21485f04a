#pragma once
// Framework-free HTTP request and response: the RESTinio adapter fills a Request and sends back a
// Response, so everything else (routing, handlers, errors) compiles and tests without RESTinio.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ims/api/event_feed.hpp"
#include "ims/domain/result.hpp"

namespace ims::api {

struct Request {
  std::string method;  // GET, POST, …
  std::string path;    // without the query string
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string remote_address;
  std::string request_id;
  std::map<std::string, std::string> path_params;  // filled by the router
  std::size_t target_size = 0;                     // bytes of the request target (path and query) as sent
  std::size_t header_count = 0;                    // header fields as sent

  std::optional<std::string> header(const std::string& lower_name) const;
  std::optional<std::string> query_param(const std::string& name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Instead of a body: a file the network layer sends from disk in chunks (report downloads), so
  // a large file is never held in memory.
  std::string file_path;
  // Set by GET /events: instead of a body, the network layer opens a stream and subscribes it.
  std::optional<FeedSubscription> event_stream;

  Response& header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

Response json_response(int status, std::string body);
Response no_content();
Response problem(const domain::Error& error);
// For statuses that are protocol-level rather than domain outcomes (405, 413, 415, 500).
Response problem_status(int status, const std::string& type, const std::string& detail);
int status_for(domain::ErrorCode code);
const char* reason_phrase(int status);

// Parses "a=1&b=two%20words" into a map (last value wins).
std::map<std::string, std::string> parse_query(const std::string& query);
std::string url_decode(const std::string& text);

// Well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF) without NUL: what
// PostgreSQL's text accepts.
bool is_storable_text(std::string_view text);
// The client's address: the peer, or — when the peer is one of `trusted_proxies` — the nearest
// address in X-Forwarded-For that is not itself a trusted proxy.
std::string client_address(const Request& request, const std::vector<std::string>& trusted_proxies);

// At most `max_bytes` of valid UTF-8 `text`, cut at a character boundary.
std::string utf8_prefix(const std::string& text, std::size_t max_bytes);

}  // namespace ims::api
