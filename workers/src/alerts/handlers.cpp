#include "alerts/handlers.hpp"

namespace ims::workers::alerts {

using nlohmann::json;

AlertSettings settings_from(const infra::Config& config) {
  return {config.dashboard_url, config.smtp_max_attempts, config.smtp_retry_base_ms};
}

std::map<std::string, MessageHandler> handlers(const AlertSettings& settings) {
  auto bind = [settings](void (*fn)(MessageContext&, const AlertSettings&)) {
    return MessageHandler([settings, fn](MessageContext& ctx) { fn(ctx, settings); });
  };
  return {{"stock.low", bind(stock_low)},
          {"stock.recovered", bind(stock_recovered)},
          {"lot.expiring", bind(lot_expiring)},
          {"inventory.drift", bind(inventory_drift)},
          {"inventory.check.completed", bind(inventory_checked)},
          {"request.overdue", bind(request_overdue)},
          {"request.approved", bind(request_decided)},
          {"request.denied", bind(request_decided)},
          {"request.canceled", bind(request_decided)},
          {"request.expired", bind(request_decided)},
          {"transfer.discrepancy", bind(transfer_discrepancy)},
          {"account.registered", bind(account_registered)},
          {"account.activated", bind(account_decided)},
          {"account.rejected", bind(account_decided)},
          {"account.expired", bind(account_decided)}};
}

std::int64_t id_at(const json& data, const char* field) {
  if (!data.is_object() || !data.contains(field) || !data[field].is_number_integer()) {
    throw MalformedMessage(std::string("data.") + field + " must be an id");
  }
  return data[field].get<std::int64_t>();
}

std::optional<std::int64_t> optional_id_at(const json& data, const char* field) {
  if (!data.is_object() || !data.contains(field) || data[field].is_null()) return std::nullopt;
  return id_at(data, field);
}

double number_at(const json& data, const char* field) {
  if (!data.is_object() || !data.contains(field) || !data[field].is_number()) {
    throw MalformedMessage(std::string("data.") + field + " must be a number");
  }
  return data[field].get<double>();
}

std::string text_at(const json& data, const char* field) {
  if (!data.is_object() || !data.contains(field) || !data[field].is_string()) {
    throw MalformedMessage(std::string("data.") + field + " must be a string");
  }
  return data[field].get<std::string>();
}

infra::RaisedAlert raised(const MessageContext& ctx, domain::AlertKey key, std::string severity) {
  return {std::move(key),        std::move(severity), "",
          ctx.event.data.dump(), ctx.event.id,        ctx.event.occurred_at};
}

}  // namespace ims::workers::alerts
