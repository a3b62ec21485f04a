#pragma once
// The reports worker's message handlers (one file each): decode the event, call one use case.
#include <map>
#include <string>

#include "consumer.hpp"
#include "ims/infra/config.hpp"
#include "reports/use_cases.hpp"

namespace ims::workers::reports {

void report_requested(MessageContext& ctx, const ReportSettings& settings);

ReportSettings settings_from(const infra::Config& config);
std::map<std::string, MessageHandler> handlers(const ReportSettings& settings);

void log_outcome(const MessageContext& ctx, const ReportOutcome& outcome);

}  // namespace ims::workers::reports
