// The transfer, request, batch and stock stores against the test stack's PostgreSQL, each test in a
// transaction that is never committed: the rows it writes (its own products and locations
// included) vanish with it, and the stack's workers never see them.
#include <gtest/gtest.h>

#include <cstdlib>

#include "ims/infra/batch_store.hpp"
#include "ims/infra/pg.hpp"
#include "ims/infra/request_store.hpp"
#include "ims/infra/stock_store.hpp"
#include "ims/infra/transfer_store.hpp"

using namespace ims;

namespace {

std::string database_url() {
  const char* url = std::getenv("IMS_DATABASE_URL");
  return url ? url : "postgresql://ims:ims@127.0.0.1:26432/ims";
}

pqxx::connection& prepared(pqxx::connection& conn) {
  for (const auto& [name, sql] : infra::store_statements()) conn.prepare(name, sql);
  return conn;
}

struct Rollback {
  pqxx::connection conn{database_url()};
  pqxx::work txn{prepared(conn)};  // destroyed without commit: rolled back
  infra::UnitOfWork unit{txn};
  std::int64_t user = txn.exec1("SELECT id FROM auth.users ORDER BY id LIMIT 1")[0].as<std::int64_t>();
  std::int64_t factory = location("ZZ-FACTORY", "factory", std::nullopt);
  std::int64_t cfa = location("ZZ-CFA", "cfa", factory);
  std::int64_t soap = product("ZZ-SOAP", "finished_good");
  std::int64_t oil = product("ZZ-OIL", "raw_material");

  std::int64_t location(const std::string& code, const std::string& kind, std::optional<std::int64_t> up) {
    return txn
        .exec_params1(
            "INSERT INTO inventory.locations (code, name, kind, upstream_location_id)"
            " VALUES ($1, $1, $2, $3) RETURNING id",
            code, kind, up)[0]
        .as<std::int64_t>();
  }
  std::int64_t product(const std::string& sku, const std::string& kind) {
    return txn
        .exec_params1(
            "INSERT INTO catalog.products (sku, name, kind, unit_of_measure, price, cost)"
            " VALUES ($1, $1, $2, 'pcs', 3.50, 1.25) RETURNING id",
            sku, kind)[0]
        .as<std::int64_t>();
  }
  std::int64_t lot(std::int64_t product_id, const std::string& code) {
    return txn
        .exec_params1(
            "INSERT INTO inventory.lots (product_id, lot_code, expires_on)"
            " VALUES ($1, $2, '2099-01-31') RETURNING id",
            product_id, code)[0]
        .as<std::int64_t>();
  }
  void stock(std::int64_t product_id, std::int64_t location_id, std::optional<std::int64_t> lot_id,
             int on_hand) {
    txn.exec_params(
        "INSERT INTO inventory.stock (product_id, location_id, lot_id, on_hand) VALUES ($1, $2, $3, $4)",
        product_id, location_id, lot_id, on_hand);
  }
};

}  // namespace

TEST(TransferStore, WritesATransferWithLinesAndMovesIt) {
  Rollback db;
  infra::PgTransferStore transfers(db.unit);
  EXPECT_TRUE(transfers.locations_active(db.factory, db.cfa));
  EXPECT_FALSE(transfers.locations_active(db.factory, -1));
  EXPECT_TRUE(transfers.product_active(db.soap));
  const auto lot = db.lot(db.soap, "ZZ-L1");
  EXPECT_TRUE(transfers.lot_of_product(lot, db.soap));
  EXPECT_FALSE(transfers.lot_of_product(lot, db.oil));

  const auto id = transfers.insert({db.factory,
                                    db.cfa,
                                    db.user,
                                    "req-store",
                                    {{1, db.soap, lot, "2.5"}, {2, db.oil, std::nullopt, "10"}}});
  auto t = transfers.find(id, true);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->status, "pending");
  EXPECT_EQ(t->version, 1);
  EXPECT_EQ(t->number.substr(0, 3), "TR-");
  EXPECT_EQ(t->created_at.size(), 24u);  // 2026-12-03T10:00:00.000Z
  auto lines = transfers.lines(id);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].quantity, "2.500");
  EXPECT_EQ(lines[0].lot_code, "ZZ-L1");
  EXPECT_EQ(lines[1].sku, "ZZ-OIL");
  EXPECT_TRUE(lines[1].picks.empty());
  EXPECT_FALSE(lines[1].received_quantity);

  transfers.request_step(id, "dispatch");
  EXPECT_EQ(transfers.find(id, false)->pending_step, "dispatch");
  transfers.record_received(lines[0].id, "2");
  EXPECT_EQ(transfers.lines(id)[0].received_quantity, "2.000");
  transfers.mark_canceled(id);
  t = transfers.find(id, false);
  EXPECT_EQ(t->status, "canceled");
  EXPECT_EQ(t->version, 3);

  auto page = transfers.page({std::nullopt, "canceled", db.cfa, 10});
  ASSERT_FALSE(page.empty());
  EXPECT_EQ(page[0].id, id);
  EXPECT_TRUE(transfers.page({std::nullopt, "arrived", db.cfa, 10}).empty());
}

TEST(RequestStore, RecordsDecidesAndCountsHolds) {
  Rollback db;
  infra::PgRequestStore requests(db.unit);
  EXPECT_TRUE(requests.source_is_up_the_chain(db.factory, db.cfa));
  EXPECT_FALSE(requests.source_is_up_the_chain(db.cfa, db.factory));
  const auto before = requests.lock_and_count_open_holds(db.user);
  const auto id = requests.insert(
      {"transfer", db.soap, "4", db.factory, db.cfa, "low", "requested", db.user, 72, "req-store"});
  EXPECT_EQ(requests.lock_and_count_open_holds(db.user), before + 1);
  auto r = requests.find(id, true);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, "pending");
  EXPECT_EQ(r->quantity, "4.000");
  EXPECT_EQ(r->to_location_id, db.cfa);
  EXPECT_FALSE(r->decided_at);

  requests.decide(id, "denied", db.user, std::string("not now"));
  r = requests.find(id, false);
  EXPECT_EQ(r->status, "denied");
  EXPECT_EQ(r->decision_comment, "not now");
  EXPECT_TRUE(r->decided_at);
  EXPECT_EQ(r->version, 2);

  const auto adjustment =
      requests.insert_adjustment({db.soap, db.cfa, "-1.5", "write-off", db.user, "req-store"});
  requests.link_adjustment(id, adjustment);
  EXPECT_EQ(requests.find(id, false)->adjustment_id, adjustment);
  EXPECT_EQ(requests.page({std::nullopt, "denied", db.user, 1}).at(0).id, id);
}

TEST(BatchStore, PlansChecksMaterialsAndRecordsACompletion) {
  Rollback db;
  infra::PgBatchStore batches(db.unit);
  EXPECT_EQ(batches.product(db.oil)->kind, "raw_material");
  EXPECT_EQ(batches.location_kind(db.cfa), "cfa");
  EXPECT_FALSE(batches.location_kind(-1));
  db.txn.exec_params(
      "INSERT INTO catalog.bom_lines (product_id, material_id, quantity_per_unit) VALUES ($1, $2, 0.25)",
      db.soap, db.oil);
  db.stock(db.oil, db.factory, std::nullopt, 30);
  const auto expired = db.txn
                           .exec_params1(
                               "INSERT INTO inventory.lots (product_id, lot_code, expires_on)"
                               " VALUES ($1, 'ZZ-OLD', '2000-01-01') RETURNING id",
                               db.oil)[0]
                           .as<std::int64_t>();
  db.stock(db.oil, db.factory, expired, 100);  // expired: not there to use
  auto materials = batches.materials(db.soap, db.factory);
  ASSERT_EQ(materials.size(), 1u);
  EXPECT_EQ(materials[0].per_unit, "0.2500");
  EXPECT_EQ(materials[0].available, "30.000");
  EXPECT_EQ(materials[0].cost_cents, 125);

  const auto id = batches.insert({db.soap, db.factory, "100", db.user, "req-store"});
  batches.mark_started(id);
  batches.request_completion({id, "80", "ZZ-B1", std::string("2099-06-30")});
  auto b = batches.find(id, false);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->status, "in_progress");
  EXPECT_EQ(b->completion, "requested");
  EXPECT_EQ(b->produced_quantity, "80.000");
  EXPECT_EQ(b->expires_on, "2099-06-30");
  EXPECT_EQ(b->version, 3);
  EXPECT_FALSE(batches.lot_code_taken(db.soap, "ZZ-B1"));
  db.lot(db.soap, "ZZ-B1");
  EXPECT_TRUE(batches.lot_code_taken(db.soap, "ZZ-B1"));
}

TEST(StockStore, RecordsAnAdjustmentAndReadsStockLotsAndMovements) {
  Rollback db;
  infra::PgStockStore stock(db.unit);
  EXPECT_EQ(stock.product_active(db.soap), true);
  EXPECT_FALSE(stock.product_active(-1));
  const auto a = stock.insert_adjustment(
      {db.soap, db.cfa, std::string("ZZ-L2"), std::string("2099-02-28"), "7", "count", db.user, "req-store"});
  EXPECT_EQ(a.status, "pending");
  EXPECT_EQ(a.quantity_delta, "7.000");
  EXPECT_EQ(stock.find_adjustment(a.id)->lot_code, "ZZ-L2");

  const auto lot = db.lot(db.soap, "ZZ-L3");
  db.stock(db.soap, db.cfa, lot, 12);
  infra::StockFilter at_cfa;
  at_cfa.location_id = db.cfa;
  auto rows = stock.stock(at_cfa);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].on_hand, "12.000");
  EXPECT_EQ(rows[0].available, "12.000");
  EXPECT_EQ(rows[0].location_code, "ZZ-CFA");
  infra::LotFilter lots;
  lots.location_id = db.cfa;
  lots.product_id = db.soap;
  auto found = stock.lots(lots);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].lot_code, "ZZ-L3");
  EXPECT_EQ(found[0].on_hand, "12.000");
  infra::MovementFilter none;
  none.location_id = db.cfa;
  EXPECT_TRUE(stock.movements(none).empty());
}
