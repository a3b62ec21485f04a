#include "ims/infra/webhook_sender.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netdb.h>
#include <sodium.h>
#include <sys/socket.h>

#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "ims/domain/webhook.hpp"

namespace ims::infra {
namespace {

constexpr const char* secret_prefix = "whsec_";

void ensure_sodium() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium initialisation failed");
}

std::string base64(const unsigned char* data, std::size_t size) {
  std::vector<char> out(sodium_base64_ENCODED_LEN(size, sodium_base64_VARIANT_ORIGINAL));
  sodium_bin2base64(out.data(), out.size(), data, size, sodium_base64_VARIANT_ORIGINAL);
  return std::string(out.data());
}

struct CurlDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
struct AddrinfoDeleter {
  void operator()(addrinfo* info) const { freeaddrinfo(info); }
};

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Answer {
  std::string bytes;
  bool cut = false;  // the limit was reached and the transfer stopped on purpose
};

std::size_t keep_prefix(char* data, std::size_t size, std::size_t count, void* user) {
  auto* answer = static_cast<Answer*>(user);
  const std::size_t n = size * count;
  const std::size_t room = webhook_answer_limit - answer->bytes.size();
  answer->bytes.append(data, std::min(n, room));
  if (n > room) {
    answer->cut = true;
    return 0;  // stops the transfer: the rest of the answer is not ours to read
  }
  return n;
}

// The first address the host resolves to, or why it may not be used.
struct Resolved {
  std::string address;  // text, for CURLOPT_RESOLVE
  std::string error;
};

// getaddrinfo has no timeout of its own (glibc's resolver can take its timeout × attempts × name
// servers), so the lookup runs on a thread of its own and is abandoned after `limit`; a lookup
// that finishes after that frees its own answer.
struct Lookup {
  std::mutex mutex;
  std::condition_variable done_cv;
  bool done = false;
  int rc = 0;
  addrinfo* found = nullptr;
  ~Lookup() {
    if (found) freeaddrinfo(found);
  }
};

struct LookupResult {
  bool timed_out = false;
  int rc = 0;  // getaddrinfo's
  std::unique_ptr<addrinfo, AddrinfoDeleter> found;
};

LookupResult lookup(const std::string& host, int port, std::chrono::milliseconds limit) {
  auto state = std::make_shared<Lookup>();
  std::thread([state, host, port] {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found);
    std::lock_guard lock(state->mutex);
    state->rc = rc;
    state->found = rc == 0 ? found : nullptr;
    state->done = true;
    state->done_cv.notify_all();
  }).detach();
  std::unique_lock lock(state->mutex);
  LookupResult out;
  if (!state->done_cv.wait_for(lock, limit, [&] { return state->done; })) {
    out.timed_out = true;
    return out;
  }
  out.rc = state->rc;
  out.found.reset(std::exchange(state->found, nullptr));
  return out;
}

Resolved resolve(const domain::WebhookTarget& target, bool allow_private, std::chrono::milliseconds limit) {
  const auto answer = lookup(target.host, target.port, limit);
  if (answer.timed_out)
    return {"",
            "cannot resolve " + target.host + ": no answer within " + std::to_string(limit.count()) + " ms"};
  if (answer.rc != 0 || !answer.found)
    return {"", std::string("cannot resolve ") + target.host + ": " + gai_strerror(answer.rc)};
  const addrinfo* found = answer.found.get();
  domain::IpAddress ip;
  if (found->ai_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(found->ai_addr);
    const auto* b = reinterpret_cast<const std::uint8_t*>(&a->sin_addr);
    ip.bytes.assign(b, b + 4);
  } else if (found->ai_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(found->ai_addr);
    const auto* b = reinterpret_cast<const std::uint8_t*>(&a->sin6_addr);
    ip.bytes.assign(b, b + 16);
  } else {
    return {"", "unsupported address family for " + target.host};
  }
  if (!allow_private) {
    if (auto why = domain::refused_webhook_address(ip))
      return {"", "refused: " + target.host + " resolves to a " + *why +
                      " (set IMS_WEBHOOKS_ALLOW_PRIVATE=1 to allow)"};
  }
  const auto text = domain::to_string(ip);
  return {ip.bytes.size() == 16 ? "[" + text + "]" : text, ""};
}

}  // namespace

std::string generate_webhook_secret() {
  ensure_sodium();
  unsigned char key[32];
  randombytes_buf(key, sizeof key);
  return secret_prefix + base64(key, sizeof key);
}

std::optional<std::string> webhook_key(const std::string& secret) {
  if (secret.rfind(secret_prefix, 0) != 0) return std::nullopt;
  ensure_sodium();
  const auto encoded = secret.substr(std::strlen(secret_prefix));
  std::vector<unsigned char> key(encoded.size());
  std::size_t length = 0;
  if (sodium_base642bin(key.data(), key.size(), encoded.data(), encoded.size(), nullptr, &length, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      length == 0)
    return std::nullopt;
  return std::string(reinterpret_cast<const char*>(key.data()), length);
}

std::string sign_webhook(const std::string& secret, const std::string& id, long long timestamp,
                         const std::string& body) {
  const auto key = webhook_key(secret);
  if (!key) throw std::invalid_argument("not a whsec_ secret");
  const auto content = id + "." + std::to_string(timestamp) + "." + body;
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key->data()), key->size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(content.data()),
                                content.size());
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_final(&state, mac);
  return "v1," + base64(mac, sizeof mac);
}

std::string printable_prefix(const std::string& bytes, std::size_t limit) {
  std::string out = bytes.substr(0, limit);
  for (auto& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (!(u == '\t' || u == '\n' || u == '\r' || (u >= 0x20 && u < 0x7f))) c = '?';
  }
  return out;
}

CurlWebhookPoster::CurlWebhookPoster(WebhookClientSettings settings) : settings_(settings) {
  init_curl_once();
}

AttemptOutcome CurlWebhookPoster::post(const WebhookRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  AttemptOutcome out;
  auto finish = [&]() -> AttemptOutcome {
    out.duration_ms = static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started)
            .count());
    return out;
  };
  auto target = domain::parse_webhook_url(request.url);
  if (!target) return out.error = "refused: " + target.error().fields.front().message, finish();
  const auto resolved = resolve(*target, settings_.allow_private, settings_.connect_timeout);
  if (!resolved.error.empty()) return out.error = resolved.error, finish();

  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) throw std::runtime_error("curl_easy_init failed");
  std::unique_ptr<curl_slist, SlistDeleter> pinned(curl_slist_append(
      nullptr, (target->host + ":" + std::to_string(target->port) + ":" + resolved.address).c_str()));
  std::unique_ptr<curl_slist, SlistDeleter> headers;
  for (const auto& h : {std::string("Content-Type: application/json"), "webhook-id: " + request.event_id,
                        "webhook-timestamp: " + std::to_string(request.timestamp),
                        "webhook-signature: " +
                            sign_webhook(request.secret, request.event_id, request.timestamp, request.body),
                        std::string("User-Agent: ims-webhooks/1"), std::string("Expect:")}) {
    headers.reset(curl_slist_append(headers.release(), h.c_str()));
  }
  Answer answer;
  char error[CURL_ERROR_SIZE] = {0};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_RESOLVE, pinned.get());
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(settings_.connect_timeout.count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(settings_.total_timeout.count()));
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep_prefix);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  const auto rc = curl_easy_perform(c);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  out.response_body = printable_prefix(answer.bytes, webhook_answer_limit);
  if (rc == CURLE_OK || (rc == CURLE_WRITE_ERROR && answer.cut)) {
    if (status >= 100 && status <= 999) out.status_code = static_cast<int>(status);
  } else {
    out.error = std::string(error[0] ? error : curl_easy_strerror(rc)) + " (" + resolved.address + ")";
    if (status >= 100 && status <= 999) out.status_code = static_cast<int>(status);
  }
  return finish();
}

}  // namespace ims::infra
