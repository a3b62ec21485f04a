#pragma once
// The alerts worker's message handlers (one file each): decode the event, call one use case.
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "alerts/use_cases.hpp"
#include "consumer.hpp"
#include "ims/infra/config.hpp"

namespace ims::workers::alerts {

void stock_low(MessageContext& ctx, const AlertSettings& settings);
void stock_recovered(MessageContext& ctx, const AlertSettings& settings);
void lot_expiring(MessageContext& ctx, const AlertSettings& settings);
void inventory_drift(MessageContext& ctx, const AlertSettings& settings);
void request_overdue(MessageContext& ctx, const AlertSettings& settings);
// request.approved, .denied, .canceled, .expired: the request is no longer waiting.
void request_decided(MessageContext& ctx, const AlertSettings& settings);
void transfer_discrepancy(MessageContext& ctx, const AlertSettings& settings);
// inventory.check.completed: conditions the check no longer found are cleared.
void inventory_checked(MessageContext& ctx, const AlertSettings& settings);
// account.registered: admins are told a sign-up waits; account.activated / .rejected close that.
void account_registered(MessageContext& ctx, const AlertSettings& settings);
void account_decided(MessageContext& ctx, const AlertSettings& settings);

AlertSettings settings_from(const infra::Config& config);
std::map<std::string, MessageHandler> handlers(const AlertSettings& settings);

// --- decoding event data (a missing or mistyped field makes the message malformed) ---
std::int64_t id_at(const nlohmann::json& data, const char* field);
std::optional<std::int64_t> optional_id_at(const nlohmann::json& data, const char* field);
double number_at(const nlohmann::json& data, const char* field);
std::string text_at(const nlohmann::json& data, const char* field);
infra::RaisedAlert raised(const MessageContext& ctx, domain::AlertKey key, std::string severity);

}  // namespace ims::workers::alerts
