#pragma once
// Named SQL statements a store registers on every connection (PgSession prepares them lazily).
#include <string>
#include <utility>
#include <vector>

namespace ims::infra {

using PreparedStatements = std::vector<std::pair<std::string, std::string>>;

// A SQL expression showing a timestamptz column as ISO 8601 UTC with milliseconds.
inline std::string utc_text(const std::string& column) {
  return "to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";
}

}  // namespace ims::infra
