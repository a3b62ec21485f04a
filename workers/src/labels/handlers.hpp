#pragma once
// The labels worker's message handlers (one file each): decode the event, call one use case.
#include <map>
#include <string>

#include "consumer.hpp"
#include "ims/infra/config.hpp"
#include "labels/use_cases.hpp"

namespace ims::workers::labels {

void label_requested(MessageContext& ctx, const LabelSettings& settings);
void order_created(MessageContext& ctx, const LabelSettings& settings);

LabelSettings settings_from(const infra::Config& config);
std::map<std::string, MessageHandler> handlers(const LabelSettings& settings);

// data.<field> as an id; a missing or mistyped one makes the message malformed.
std::int64_t id_at(const nlohmann::json& data, const char* field);
void log_outcome(const MessageContext& ctx, const LabelOutcome& outcome);

}  // namespace ims::workers::labels
