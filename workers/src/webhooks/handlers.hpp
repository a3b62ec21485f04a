#pragma once
// The webhooks worker's message handler (every event, bound by "#") and its settings.
#include <map>
#include <string>

#include "consumer.hpp"
#include "ims/infra/config.hpp"
#include "webhooks/use_cases.hpp"

namespace ims::workers::webhooks {

void event_published(MessageContext& ctx);

WebhookSettings settings_from(const infra::Config& config);
infra::WebhookClientSettings client_settings_from(const infra::Config& config);
// "*": the consumer's fallback for every type without a handler of its own.
std::map<std::string, MessageHandler> handlers();

}  // namespace ims::workers::webhooks
