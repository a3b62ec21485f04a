#include "labels/handlers.hpp"

#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace ims::workers::labels {

TallySink tally_sink(infra::Metrics& metrics) {
  auto& labels = prometheus::BuildCounter()
                     .Name("ims_labels_total")
                     .Help("Labels the labels worker finished, by outcome (rendered, failed)")
                     .Register(metrics.registry());
  auto& duration = prometheus::BuildHistogram()
                       .Name("ims_label_render_duration_seconds")
                       .Help("Time to render one label and store it, transaction excluded")
                       .Register(metrics.registry())
                       .Add({}, prometheus::Histogram::BucketBoundaries{0.001, 0.0025, 0.005, 0.01, 0.025,
                                                                        0.05, 0.1, 0.25, 0.5, 1});
  for (const char* outcome : {"rendered", "failed"}) labels.Add({{"outcome", outcome}});
  auto by_outcome = std::make_shared<SeriesByLabel<prometheus::Counter>>(
      [&labels](const std::string& outcome) -> prometheus::Counter& {
        return labels.Add({{"outcome", outcome}});
      });
  return [by_outcome, &duration](const Tally::Entry& e) {
    if (e.what == "label") (*by_outcome)[e.label].Increment(e.value);
    if (e.what == "label_seconds") duration.Observe(e.value);
  };
}

LabelSettings settings_from(const infra::Config& config) {
  return {config.dashboard_url};
}

std::map<std::string, MessageHandler> handlers(const LabelSettings& settings) {
  auto bind = [settings](void (*fn)(MessageContext&, const LabelSettings&)) {
    return MessageHandler([settings, fn](MessageContext& ctx) { fn(ctx, settings); });
  };
  return {{"label.requested", bind(label_requested)}, {"order.created", bind(order_created)}};
}

std::int64_t id_at(const nlohmann::json& data, const char* field) {
  if (!data.is_object() || !data.contains(field) || !data[field].is_number_integer()) {
    throw MalformedMessage(std::string("data.") + field + " must be an id");
  }
  return data[field].get<std::int64_t>();
}

void log_outcome(MessageContext& ctx, const LabelOutcome& o, std::chrono::steady_clock::time_point started) {
  if (!o.rendered_now) return;
  const bool failed = o.status == domain::LabelStatus::failed;
  ctx.tally.add("label", failed ? "failed" : "rendered");
  ctx.tally.add("label_seconds", "",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  if (failed) {
    ctx.log.info("label failed",
                 {{"label_id", std::to_string(o.label_id)}, {"reason", o.reason.value_or("")}});
  } else {
    ctx.log.info("label rendered", {{"label_id", std::to_string(o.label_id)}});
  }
}

}  // namespace ims::workers::labels
