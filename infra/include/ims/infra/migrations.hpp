#pragma once
// Numbered SQL migrations, applied in order under an advisory lock and recorded with a checksum,
// so two `ims migrate` at once are safe and an edited, already-applied migration is refused.
#include <string>
#include <vector>

namespace ims::infra {

struct Migration {
  std::string name;  // e.g. 0001_auth_locations_audit.sql
  std::string sql;
};

struct MigrationReport {
  std::vector<std::string> applied;
  std::vector<std::string> already_applied;
};

// The migrations compiled into the binaries (db/migrations/*.sql), sorted by name.
std::vector<Migration> bundled_migrations();

MigrationReport migrate(const std::string& database_url, const std::vector<Migration>& migrations);

}  // namespace ims::infra
