#include "ims/infra/migrations.hpp"

#include <algorithm>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "ims/infra/crypto.hpp"
#include "ims/infra/pg.hpp"

namespace ims::migrations {
std::vector<std::pair<std::string_view, std::string_view>> embedded_files();
}

namespace ims::infra {
namespace {
constexpr long long migration_lock_key = 0x494d53'4d4947;  // "IMSMIG"
}

std::vector<Migration> bundled_migrations() {
  std::vector<Migration> out;
  for (const auto& [name, sql] : migrations::embedded_files())
    out.push_back({std::string(name), std::string(sql)});
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

MigrationReport migrate(const std::string& database_url, const std::vector<Migration>& migrations) {
  pqxx::connection conn(with_connect_timeout(database_url, 5));
  {
    pqxx::nontransaction nt(conn);
    nt.exec("SELECT pg_advisory_lock(" + std::to_string(migration_lock_key) + ")");
    nt.exec(
        "CREATE TABLE IF NOT EXISTS public.schema_migrations ("
        " name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
  }
  MigrationReport report;
  try {
    for (const auto& m : migrations) {
      const std::string checksum = sha256_hex(m.sql);
      pqxx::work txn(conn);
      auto existing =
          txn.exec_params("SELECT checksum FROM public.schema_migrations WHERE name = $1", m.name);
      if (!existing.empty()) {
        if (existing[0][0].as<std::string>() != checksum) {
          throw std::runtime_error("migration " + m.name + " was changed after it was applied");
        }
        report.already_applied.push_back(m.name);
        continue;
      }
      txn.exec(m.sql);
      txn.exec_params("INSERT INTO public.schema_migrations (name, checksum) VALUES ($1, $2)", m.name,
                      checksum);
      txn.commit();
      report.applied.push_back(m.name);
    }
  } catch (...) {
    pqxx::nontransaction nt(conn);
    nt.exec("SELECT pg_advisory_unlock(" + std::to_string(migration_lock_key) + ")");
    throw;
  }
  pqxx::nontransaction nt(conn);
  nt.exec("SELECT pg_advisory_unlock(" + std::to_string(migration_lock_key) + ")");
  return report;
}

}  // namespace ims::infra
