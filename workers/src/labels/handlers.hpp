#pragma once
// The labels worker's message handlers (one file each): decode the event, call one use case.
#include <chrono>
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
// Logs what was rendered now and counts it (ims_labels_total, ims_label_render_duration_seconds)
// once the message commits; a redelivery that finds the label done counts nothing.
void log_outcome(MessageContext& ctx, const LabelOutcome& outcome,
                 std::chrono::steady_clock::time_point started);
// ims_labels_total{outcome} and ims_label_render_duration_seconds, from what committed messages counted.
TallySink tally_sink(infra::Metrics& metrics);

}  // namespace ims::workers::labels
