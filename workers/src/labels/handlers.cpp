#include "labels/handlers.hpp"

namespace ims::workers::labels {

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

void log_outcome(const MessageContext& ctx, const LabelOutcome& o) {
  if (!o.rendered_now) return;
  if (o.status == domain::LabelStatus::failed) {
    ctx.log.info("label failed",
                 {{"label_id", std::to_string(o.label_id)}, {"reason", o.reason.value_or("")}});
  } else {
    ctx.log.info("label rendered", {{"label_id", std::to_string(o.label_id)}});
  }
}

}  // namespace ims::workers::labels
