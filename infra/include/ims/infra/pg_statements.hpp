#pragma once
// Named SQL statements a store registers on every connection (PgSession prepares them lazily).
#include <string>
#include <utility>
#include <vector>

namespace ims::infra {
using PreparedStatements = std::vector<std::pair<std::string, std::string>>;
}
