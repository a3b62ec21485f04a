// report.requested: the API recorded a pending report (data.report_id), or the scheduler asks for
// its nightly one ({type, format, params}, no id); make it, or fail it with the reason.
#include "reports/handlers.hpp"

#include <algorithm>
#include <chrono>

namespace ims::workers::reports {
namespace {

template <typename E>
E choice(const nlohmann::json& data, const char* field, std::optional<E> (*parse)(std::string_view)) {
  auto value =
      data.contains(field) && data[field].is_string() ? parse(data[field].get<std::string>()) : std::nullopt;
  if (!value) throw MalformedMessage(std::string("data.") + field + " is missing or unknown");
  return *value;
}

ScheduledReport scheduled(const MessageContext& ctx) {
  const auto& data = ctx.event.data;
  auto params = infra::report_params_from_json(data.value("params", nlohmann::json::object()));
  if (!params) throw MalformedMessage("data.params: " + params.error().message);
  return {choice(data, "type", domain::parse_report_type),
          choice(data, "format", domain::parse_report_format), *params, ctx.event.id,
          ctx.event.correlation_id};
}

}  // namespace

void report_requested(MessageContext& ctx, const ReportSettings& settings) {
  const auto started = std::chrono::steady_clock::now();
  auto seconds = [&started](std::size_t reports) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() /
           static_cast<double>(std::max<std::size_t>(reports, 1));
  };
  const auto& data = ctx.event.data;
  if (!data.is_object()) throw MalformedMessage("data must be an object");
  infra::PgReportStore store(ctx.txn);
  infra::PgReportSource source(ctx.txn);
  if (data.contains("report_id")) {
    if (!data["report_id"].is_number_integer()) throw MalformedMessage("data.report_id must be an id");
    const auto id = data["report_id"].get<std::int64_t>();
    auto outcome = make_report(store, source, id, settings);
    // The row commits with its event: an event without one is not ours to process.
    if (!outcome) throw MalformedMessage("no report " + std::to_string(id));
    log_outcome(ctx, *outcome, seconds(1));
    return;
  }
  auto made = make_scheduled_reports(store, source, scheduled(ctx), settings);
  if (!made) throw MalformedMessage("data.params: " + made.error().message);
  const auto each = seconds(made->size());  // made together: each its share of the time
  for (const auto& outcome : *made) log_outcome(ctx, outcome, each);
}

}  // namespace ims::workers::reports
