#include "reports/handlers.hpp"

namespace ims::workers::reports {

ReportSettings settings_from(const infra::Config& config) {
  return {config.reports_dir, config.dashboard_url, config.report_retention_days};
}

std::map<std::string, MessageHandler> handlers(const ReportSettings& settings) {
  return {{"report.requested", [settings](MessageContext& ctx) { report_requested(ctx, settings); }}};
}

void log_outcome(const MessageContext& ctx, const ReportOutcome& o) {
  if (!o.made_now) return;
  if (o.status == domain::ReportStatus::failed) {
    ctx.log.info("report failed",
                 {{"report_id", std::to_string(o.report_id)}, {"reason", o.reason.value_or("")}});
  } else {
    ctx.log.info("report ready",
                 {{"report_id", std::to_string(o.report_id)}, {"rows", std::to_string(o.row_count)}});
  }
}

}  // namespace ims::workers::reports
