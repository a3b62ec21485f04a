#pragma once
// What every use case shares when it shows records or records a change: JSON of optional and
// decimal fields, a page of records, and the audit row of a change (before and after, either absent).
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ims/api/use_cases/caller.hpp"
#include "ims/domain/stock.hpp"
#include "ims/infra/audit_store.hpp"

namespace ims::api {

// A typed record's optional field: its value, or null.
template <typename T>
nlohmann::json or_null(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

// A quantity as PostgreSQL prints it ("12.500"), as the API shows it (12.5).
inline nlohmann::json quantity_json(const std::string& decimal) {
  return domain::Quantity::parse(decimal).value_or(domain::Quantity()).to_double();
}
inline nlohmann::json quantity_json(const std::optional<std::string>& decimal) {
  return decimal ? quantity_json(*decimal) : nlohmann::json(nullptr);
}

// {items, next_cursor} from typed records a store cut to limit + 1 (each with an `id`, the cursor).
template <typename Record, typename ToJson>
nlohmann::json page_of(const std::vector<Record>& records, int limit, ToJson to_json) {
  nlohmann::json out{{"items", nlohmann::json::array()}, {"next_cursor", nullptr}};
  const auto shown = std::min<std::size_t>(records.size(), static_cast<std::size_t>(std::max(limit, 0)));
  for (std::size_t i = 0; i < shown; ++i) out["items"].push_back(to_json(records[i]));
  if (records.size() > shown && shown > 0) out["next_cursor"] = std::to_string(records[shown - 1].id);
  return out;
}

// The audit row of `action` on `entity` `id`, by the caller, in the caller's unit of work.
inline void record_change(const Caller& by, infra::AuditTrail& audit, const std::string& action,
                          const std::string& entity, std::int64_t id,
                          const std::optional<nlohmann::json>& before,
                          const std::optional<nlohmann::json>& after) {
  audit.record({by.actor.user_id, action, entity, std::to_string(id),
                before ? std::optional(before->dump()) : std::nullopt,
                after ? std::optional(after->dump()) : std::nullopt, by.request_id});
}

}  // namespace ims::api
