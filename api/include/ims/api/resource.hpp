#pragma once
// Small pieces every catalog resource handler shares.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ims/api/input.hpp"
#include "ims/api/use_cases/caller.hpp"
#include "ims/api/use_cases/change_record.hpp"  // or_null

namespace ims::api {

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

// {items, next_cursor} of a page of typed records: page_of in use_cases/change_record.hpp.

// The caller of a use case: the authenticated actor and this request's id.
inline Caller caller(const Context& ctx, const Authenticated& auth) {
  return Caller{auth.actor, ctx.request.request_id};
}

// A 409 when a field is "is taken", else the 422 of the reader's errors.
Response refusal_for(const FieldReader& in);

}  // namespace ims::api
