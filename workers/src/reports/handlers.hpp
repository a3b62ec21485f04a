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

// Logs what was made now and counts it (ims_reports_total, ims_report_build_duration_seconds) once
// the message commits; a redelivery that finds the report done counts nothing.
void log_outcome(MessageContext& ctx, const ReportOutcome& outcome, double seconds);
// ims_reports_total{outcome} and ims_report_build_duration_seconds, from what committed messages counted.
TallySink tally_sink(infra::Metrics& metrics);

}  // namespace ims::workers::reports
