// Prepared statements share one namespace per connection: a name used twice would make PostgreSQL
// refuse the second PREPARE and the connection unusable. Every store's and the stock worker's
// statements together must have distinct names (every session registers them all on one connection).
#include <gtest/gtest.h>

#include <set>

#include "ims/infra/pg.hpp"

namespace ims::workers {
namespace {

TEST(PreparedStatements, EveryNameIsUsedOnceAcrossTheStores) {
  std::set<std::string> seen;
  std::vector<std::string> twice;
  auto collect = [&](const infra::PreparedStatements& statements) {
    for (const auto& [name, sql] : statements) {
      EXPECT_FALSE(sql.empty()) << name;
      if (!seen.insert(name).second) twice.push_back(name);
    }
  };
  collect(infra::store_statements());
  EXPECT_TRUE(twice.empty()) << "used twice: " << ::testing::PrintToString(twice);
  EXPECT_GT(seen.size(), 30u);  // the stores are really registered
}

}  // namespace
}  // namespace ims::workers
