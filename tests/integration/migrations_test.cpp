// Migrations and the schema's own guarantees, against the test stack's PostgreSQL.
#include <gtest/gtest.h>

#include <cstdlib>
#include <thread>

#include "ims/infra/migrations.hpp"
#include "ims/infra/pg.hpp"

using namespace ims::infra;

namespace {
std::string database_url() {
  const char* url = std::getenv("IMS_DATABASE_URL");
  return url ? url : "postgresql://ims:ims@127.0.0.1:26432/ims";
}
std::string unique(const std::string& prefix) {
  return prefix + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
}
}  // namespace

TEST(Migrations, SecondRunAppliesNothing) {
  auto report = migrate(database_url(), bundled_migrations());
  EXPECT_TRUE(report.applied.empty());
  EXPECT_EQ(report.already_applied.size(), bundled_migrations().size());
}

TEST(Migrations, ConcurrentRunsAreSerialisedByTheLock) {
  const std::vector<Migration> set{
      {unique("8000_concurrent_"), "CREATE TABLE IF NOT EXISTS public.migration_probe (id int)"}};
  std::vector<MigrationReport> reports(2);
  std::thread a([&] { reports[0] = migrate(database_url(), set); });
  std::thread b([&] { reports[1] = migrate(database_url(), set); });
  a.join();
  b.join();
  EXPECT_EQ(reports[0].applied.size() + reports[1].applied.size(), 1u) << "applied exactly once";
  PgSession db(database_url());
  db.transact([&](pqxx::work& txn) {
    txn.exec_params("DELETE FROM public.schema_migrations WHERE name = $1", set[0].name);
    txn.exec("DROP TABLE IF EXISTS public.migration_probe");
  });
}

TEST(Migrations, AnEditedAppliedMigrationIsRefused) {
  const auto name = unique("9000_probe_");
  migrate(database_url(), {{name, "SELECT 1"}});
  EXPECT_THROW(migrate(database_url(), {{name, "SELECT 2"}}), std::runtime_error);
  PgSession db(database_url());
  db.transact([&](pqxx::work& txn) {
    txn.exec_params("DELETE FROM public.schema_migrations WHERE name = $1", name);
  });
}

TEST(Schema, StockCanNeverGoNegativeOrOverReserve) {
  PgSession db(database_url());
  EXPECT_THROW(db.transact([](pqxx::work& txn) {
    txn.exec("UPDATE inventory.stock SET on_hand = -1 WHERE id = (SELECT min(id) FROM inventory.stock)");
  }),
               pqxx::check_violation);
  EXPECT_THROW(db.transact([](pqxx::work& txn) {
    txn.exec(
        "UPDATE inventory.stock SET reserved = on_hand + 1 WHERE id = (SELECT min(id) FROM inventory.stock)");
  }),
               pqxx::check_violation);
}

TEST(Schema, TheMovementLedgerIsAppendOnly) {
  PgSession db(database_url());
  EXPECT_THROW(db.transact([](pqxx::work& txn) {
    txn.exec(
        "UPDATE inventory.movements SET quantity = quantity + 1 WHERE id = (SELECT min(id) FROM "
        "inventory.movements)");
  }),
               pqxx::sql_error);
  EXPECT_THROW(db.transact([](pqxx::work& txn) {
    txn.exec("DELETE FROM inventory.movements WHERE id = (SELECT min(id) FROM inventory.movements)");
  }),
               pqxx::sql_error);
}

TEST(DemoSeed, OnHandEqualsTheSumOfMovementsEverywhere) {
  PgSession db(database_url());
  auto drift = db.transact([](pqxx::work& txn) {
    return txn
        .exec(
            "SELECT count(*) FROM inventory.stock s"
            " LEFT JOIN (SELECT product_id, location_id, coalesce(lot_id, 0) AS lot, sum(quantity) AS total"
            "            FROM inventory.movements GROUP BY 1, 2, 3) m"
            "   ON m.product_id = s.product_id AND m.location_id = s.location_id AND m.lot = "
            "coalesce(s.lot_id, 0)"
            " WHERE s.on_hand <> coalesce(m.total, 0)")[0][0]
        .as<int>();
  });
  EXPECT_EQ(drift, 0);
  auto rows = db.transact(
      [](pqxx::work& txn) { return txn.exec("SELECT count(*) FROM inventory.stock")[0][0].as<int>(); });
  EXPECT_GT(rows, 0) << "the demo set has stock";
}

TEST(DemoSeed, ChainRunsFactoryToRetail) {
  PgSession db(database_url());
  auto chain = db.transact([](pqxx::work& txn) {
    return txn
        .exec(
            "WITH RECURSIVE up AS ("
            "  SELECT id, kind, upstream_location_id, 1 AS depth FROM inventory.locations WHERE code = "
            "'RET-ANDHERI'"
            "  UNION ALL SELECT l.id, l.kind, l.upstream_location_id, up.depth + 1"
            "  FROM inventory.locations l JOIN up ON l.id = up.upstream_location_id)"
            " SELECT string_agg(kind, '>' ORDER BY depth DESC) FROM up")[0][0]
        .as<std::string>();
  });
  EXPECT_EQ(chain, "factory>cfa>stockist>retail");
}
