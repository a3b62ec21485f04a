#include "reports/handlers.hpp"

#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace ims::workers::reports {

TallySink tally_sink(infra::Metrics& metrics) {
  auto& reports = prometheus::BuildCounter()
                      .Name("ims_reports_total")
                      .Help("Reports the reports worker finished, by outcome (ready, failed)")
                      .Register(metrics.registry());
  auto& duration = prometheus::BuildHistogram()
                       .Name("ims_report_build_duration_seconds")
                       .Help("Time to query, write and store one report file, transaction excluded")
                       .Register(metrics.registry())
                       .Add({}, prometheus::Histogram::BucketBoundaries{0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
                                                                        2.5, 5, 10, 30, 60});
  for (const char* outcome : {"ready", "failed"}) reports.Add({{"outcome", outcome}});
  auto by_outcome = std::make_shared<SeriesByLabel<prometheus::Counter>>(
      [&reports](const std::string& outcome) -> prometheus::Counter& {
        return reports.Add({{"outcome", outcome}});
      });
  return [by_outcome, &duration](const Tally::Entry& e) {
    if (e.what == "report") (*by_outcome)[e.label].Increment(e.value);
    if (e.what == "report_seconds") duration.Observe(e.value);
  };
}

ReportSettings settings_from(const infra::Config& config) {
  return {config.reports_dir, config.dashboard_url, config.report_retention_days};
}

std::map<std::string, MessageHandler> handlers(const ReportSettings& settings) {
  return {{"report.requested", [settings](MessageContext& ctx) { report_requested(ctx, settings); }}};
}

void log_outcome(MessageContext& ctx, const ReportOutcome& o, double seconds) {
  if (!o.made_now) return;
  const bool failed = o.status == domain::ReportStatus::failed;
  ctx.tally.add("report", failed ? "failed" : "ready");
  ctx.tally.add("report_seconds", "", seconds);
  if (failed) {
    ctx.log.info("report failed",
                 {{"report_id", std::to_string(o.report_id)}, {"reason", o.reason.value_or("")}});
  } else {
    ctx.log.info("report ready",
                 {{"report_id", std::to_string(o.report_id)}, {"rows", std::to_string(o.row_count)}});
  }
}

}  // namespace ims::workers::reports
