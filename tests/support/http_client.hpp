#pragma once
// A small blocking HTTP client (libcurl) for end-to-end tests against a running ims-api.
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ims::test {

struct HttpResult {
  long status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
  std::string header(const std::string& lower) const {
    auto it = headers.find(lower);
    return it == headers.end() ? "" : it->second;
  }
};

struct HttpOptions {
  std::vector<std::string> headers;  // "Name: value"
  std::string source_address;        // bind the client to this local address (127.0.0.x)
  long timeout_ms = 15000;
};

std::string env_or(const char* name, const std::string& fallback);

// How long a test's own AMQP connection waits for RabbitMQ's handshake and replies. Longer than the
// processes' 3 s: a test that publishes or reads a queue itself has no reconnect loop to fall back
// on, and a loaded 2-core CI machine once kept a login waiting past 3 s.
constexpr int test_broker_timeout_ms = 15'000;
std::string base_url();  // http://127.0.0.1:$IMS_HTTP_PORT

HttpResult http(const std::string& method, const std::string& url, const std::string& body = "",
                const HttpOptions& options = {});

// Requests against ims-api (path relative to base_url()).
HttpResult api(const std::string& method, const std::string& path, const std::string& body = "",
               const HttpOptions& options = {});

std::string bearer(const std::string& token);
// Options that send `token` as a bearer, after any `extra` headers ("Name: value").
inline HttpOptions as(const std::string& token, std::vector<std::string> extra = {}) {
  extra.push_back(bearer(token));
  return HttpOptions{extra};
}
// Logs in and returns the whole login response.
nlohmann::json login(const std::string& username, const std::string& password = "demo-password");
std::string token_for(const std::string& username, const std::string& password = "demo-password");
std::string unique_suffix();

}  // namespace ims::test
