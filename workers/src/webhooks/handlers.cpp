#include "webhooks/handlers.hpp"

namespace ims::workers::webhooks {

WebhookSettings settings_from(const infra::Config& config) {
  return {static_cast<std::int64_t>(config.webhook_retry_hours) * 3'600'000, config.webhook_retry_base_ms};
}

infra::WebhookClientSettings client_settings_from(const infra::Config& config) {
  return {config.webhooks_allow_private, std::chrono::milliseconds(config.webhook_connect_timeout_ms),
          std::chrono::milliseconds(config.webhook_timeout_ms)};
}

std::map<std::string, MessageHandler> handlers() {
  return {{"*", event_published}};
}

}  // namespace ims::workers::webhooks
