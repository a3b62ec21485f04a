#pragma once
// Small pieces every catalog resource handler shares.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "ims/api/input.hpp"
#include "ims/api/use_cases/caller.hpp"
#include "ims/api/use_cases/change_record.hpp"  // or_null

namespace ims::api {

inline nlohmann::json text_or_null(const pqxx::field& f) {
  return f.is_null() ? nlohmann::json(nullptr) : nlohmann::json(f.as<std::string>());
}
inline nlohmann::json id_or_null(const pqxx::field& f) {
  return f.is_null() ? nlohmann::json(nullptr) : nlohmann::json(f.as<std::int64_t>());
}

// A SQL expression rendering a timestamptz column as ISO 8601 UTC with milliseconds.
std::string utc_timestamp(const std::string& column);

// YYYY-MM-DD naming a real calendar day (PostgreSQL would refuse anything else with an error).
bool is_calendar_date(const std::string& text);
// Days since 1970-01-01 of a date that passed is_calendar_date.
std::int64_t day_number(const std::string& date);

// 412 unless If-Match is absent, "*", or names `version` (quoted or not, weak or strong).
std::optional<Response> precondition(const Request& request, int version, const std::string& what);

// A JSON object with its ETag header from its "version" member.
Response versioned(int status, const nlohmann::json& body);

// {items, next_cursor} from rows already cut to limit + 1 and turned to JSON by `to_json`.
template <typename ToJson>
nlohmann::json page_of(const pqxx::result& rows, int limit, ToJson to_json) {
  nlohmann::json out{{"items", nlohmann::json::array()}, {"next_cursor", nullptr}};
  const int n = std::min<int>(static_cast<int>(rows.size()), limit);
  for (int i = 0; i < n; ++i) out["items"].push_back(to_json(rows[i]));
  if (static_cast<int>(rows.size()) > limit)
    out["next_cursor"] = std::to_string(rows[n - 1][0].as<std::int64_t>());
  return out;
}

// The same from typed records: page_of in use_cases/change_record.hpp.

// Writes the audit row of a change (before/after as JSON, either may be absent) with the request id.
void audit_change(Context& ctx, pqxx::work& txn, std::int64_t actor_id, const std::string& action,
                  const std::string& entity, std::int64_t entity_id,
                  const std::optional<nlohmann::json>& before, const std::optional<nlohmann::json>& after);

// The caller of a use case: the authenticated actor and this request's id.
inline Caller caller(const Context& ctx, const Authenticated& auth) {
  return Caller{auth.actor, ctx.request.request_id};
}

// A 409 when a field is "is taken", else the 422 of the reader's errors.
Response refusal_for(const FieldReader& in);

}  // namespace ims::api
