#pragma once
// Outbound webhook requests (libcurl) and their Standard Webhooks signatures (libsodium).
// One POST per attempt: the host is resolved once, every address it resolves to is checked against
// domain::refused_webhook_address (unless private targets are allowed), and the connection is
// pinned to the checked address (CURLOPT_RESOLVE), so a second lookup cannot swap it. No redirects,
// connect and total timeouts, the answer read to 1 KiB.
#include <chrono>
#include <optional>
#include <string>

#include "ims/infra/webhook_store.hpp"

namespace ims::infra {

inline constexpr std::size_t webhook_answer_limit = 1024;

// "whsec_" + base64 of 32 random bytes.
std::string generate_webhook_secret();
// The base64-decoded key of a whsec_ secret; nullopt when it is not one.
std::optional<std::string> webhook_key(const std::string& secret);
// "v1,<base64 HMAC-SHA256 of id.timestamp.body>" keyed with webhook_key(secret).
std::string sign_webhook(const std::string& secret, const std::string& id, long long timestamp,
                         const std::string& body);

struct WebhookRequest {
  std::string url;
  std::string secret;
  std::string event_id;
  long long timestamp = 0;  // unix seconds
  std::string body;
};

class WebhookPoster {
 public:
  virtual ~WebhookPoster() = default;
  // An answer (any status) or the error that kept one from coming (refused address, timeout, …).
  virtual AttemptOutcome post(const WebhookRequest& request) = 0;
};

struct WebhookClientSettings {
  bool allow_private = false;
  std::chrono::milliseconds connect_timeout{5'000};  // also bounds the DNS lookup
  std::chrono::milliseconds total_timeout{15'000};
};

class CurlWebhookPoster final : public WebhookPoster {
 public:
  explicit CurlWebhookPoster(WebhookClientSettings settings);
  AttemptOutcome post(const WebhookRequest& request) override;

 private:
  WebhookClientSettings settings_;
};

// Printable text of an answer: at most `limit` bytes, anything but printable ASCII, tab and line
// breaks shown as '?', so it stores as text whatever the target sent.
std::string printable_prefix(const std::string& bytes, std::size_t limit);

}  // namespace ims::infra
