#include "support/http_client.hpp"

#include <unistd.h>

#include <cstdio>

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>

namespace ims::test {
namespace {

size_t on_body(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

size_t on_header(char* data, size_t size, size_t n, void* out) {
  std::string line(data, size * n);
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    value.erase(value.find_last_not_of("\r\n \t") + 1);
    (*static_cast<std::map<std::string, std::string>*>(out))[name] = value;
  }
  return size * n;
}

}  // namespace

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

std::string base_url() {
  return "http://127.0.0.1:" + env_or("IMS_HTTP_PORT", "18080");
}

HttpResult http(const std::string& method, const std::string& url, const std::string& body,
                const HttpOptions& options) {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  HttpResult result;
  curl_slist* headers = nullptr;
  bool has_content_type = false;
  for (const auto& h : options.headers) {
    headers = curl_slist_append(headers, h.c_str());
    if (h.rfind("Content-Type:", 0) == 0 || h.rfind("content-type:", 0) == 0) has_content_type = true;
  }
  if (!body.empty() && !has_content_type)
    headers = curl_slist_append(headers, "Content-Type: application/json");
  headers = curl_slist_append(headers, "Expect:");
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method == "HEAD") curl_easy_setopt(curl.get(), CURLOPT_NOBODY, 1L);
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &result.body);
  curl_easy_setopt(curl.get(), CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl.get(), CURLOPT_HEADERDATA, &result.headers);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, options.timeout_ms);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  if (!options.source_address.empty())
    curl_easy_setopt(curl.get(), CURLOPT_INTERFACE, options.source_address.c_str());
  const CURLcode rc = curl_easy_perform(curl.get());
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) {
    result.status = 0;
    result.body = curl_easy_strerror(rc);
    return result;
  }
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &result.status);
  return result;
}

HttpResult api(const std::string& method, const std::string& path, const std::string& body,
               const HttpOptions& options) {
  return http(method, base_url() + path, body, options);
}

std::string bearer(const std::string& token) {
  return "Authorization: Bearer " + token;
}

nlohmann::json login(const std::string& username, const std::string& password) {
  auto r = api("POST", "/api/v1/auth/login",
               nlohmann::json{{"username", username}, {"password", password}}.dump());
  if (r.status != 200)
    throw std::runtime_error("login of " + username + " failed: " + std::to_string(r.status) + " " + r.body);
  return r.json();
}

std::string token_for(const std::string& username, const std::string& password) {
  return login(username, password)["access_token"].get<std::string>();
}

// Fixed-width digits — process, call count, time — so two test processes running side by side
// (ctest -j2) can never produce the same suffix, and a prefix of ten digits is still unique
// within one run of the suite (the suite starts from an empty database).
std::string unique_suffix() {
  static std::atomic<int> counter{0};
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  char out[32];
  std::snprintf(out, sizeof out, "%05d%04d%06lld", static_cast<int>(::getpid() % 100000), counter++ % 10000,
                static_cast<long long>(micros % 1000000));
  return out;
}

}  // namespace ims::test
