// The stock worker's stores, the stock ledger and the order ledger, against the test stack's
// PostgreSQL, each test in a transaction that is never committed: the rows it writes (its own
// products, locations, orders and outbox rows included) vanish with it, and the stack's workers and
// relay never see them (a NOTIFY of an uncommitted transaction is never delivered).
#include <gtest/gtest.h>

#include <cstdlib>

#include "ims/infra/batch_store.hpp"
#include "ims/infra/order_ledger.hpp"
#include "ims/infra/pg.hpp"
#include "ims/infra/request_store.hpp"
#include "ims/infra/stock_ledger.hpp"
#include "ims/infra/stock_store.hpp"
#include "ims/infra/transfer_store.hpp"

using namespace ims;
using domain::OrderKind;
using domain::OrderStatus;
using domain::Quantity;

namespace {

std::string database_url() {
  const char* url = std::getenv("IMS_DATABASE_URL");
  return url ? url : "postgresql://ims:ims@127.0.0.1:26432/ims";
}

pqxx::connection& prepared(pqxx::connection& conn) {
  for (const auto& [name, sql] : infra::store_statements()) conn.prepare(name, sql);
  return conn;
}

Quantity qty(const std::string& text) {
  return *Quantity::parse(text);
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
  std::int64_t lot(std::int64_t product_id, const std::string& code,
                   const std::string& expires_on = "2099-01-31") {
    return txn
        .exec_params1(
            "INSERT INTO inventory.lots (product_id, lot_code, expires_on)"
            " VALUES ($1, $2, $3::date) RETURNING id",
            product_id, code, expires_on)[0]
        .as<std::int64_t>();
  }
  // A stock row; returns its id.
  std::int64_t stock(std::int64_t product_id, std::int64_t location_id, std::optional<std::int64_t> lot_id,
                     const std::string& on_hand, const std::string& reserved = "0") {
    return txn
        .exec_params1(
            "INSERT INTO inventory.stock (product_id, location_id, lot_id, on_hand, reserved)"
            " VALUES ($1, $2, $3, $4::numeric, $5::numeric) RETURNING id",
            product_id, location_id, lot_id, on_hand, reserved)[0]
        .as<std::int64_t>();
  }
  // A pending sale by the seller.
  std::int64_t sale(const std::string& number, std::int64_t seller) {
    return txn
        .exec_params1(
            "INSERT INTO sales.orders (number, kind, seller_location_id, total, created_by)"
            " VALUES ($1, 'sale', $2, 0, $3) RETURNING id",
            number, seller, user)[0]
        .as<std::int64_t>();
  }
  std::int64_t line(std::int64_t order_id, int line_no, std::int64_t product_id, const std::string& quantity,
                    std::optional<std::string> lot_code = std::nullopt,
                    std::optional<std::string> expires_on = std::nullopt) {
    return txn
        .exec_params1(
            "INSERT INTO sales.order_lines (order_id, line_no, product_id, quantity, unit_price, lot_code,"
            " expires_on) VALUES ($1, $2, $3, $4::numeric, 3.50, $5, $6::date) RETURNING id",
            order_id, line_no, product_id, quantity, lot_code, expires_on)[0]
        .as<std::int64_t>();
  }
  std::string uuid() { return txn.exec1("SELECT gen_random_uuid()::text")[0].as<std::string>(); }

  // The first column of the first row as text; nullopt for no row or NULL.
  template <typename... Args>
  std::optional<std::string> value(const std::string& sql, Args&&... args) {
    const auto rows = txn.exec_params(sql, std::forward<Args>(args)...);
    if (rows.empty()) return std::nullopt;
    return infra::nullable<std::string>(rows[0][0]);
  }
  std::optional<std::string> reserved(std::int64_t stock_id) {
    return value("SELECT reserved::text FROM inventory.stock WHERE id = $1", stock_id);
  }
  std::optional<std::string> on_hand(std::int64_t stock_id) {
    return value("SELECT on_hand::text FROM inventory.stock WHERE id = $1", stock_id);
  }
  std::optional<std::string> stock_version(std::int64_t location_id) {
    return value("SELECT version::text FROM inventory.stock_versions WHERE location_id = $1", location_id);
  }
  std::optional<std::string> reservation_state(std::int64_t reservation_id) {
    return value("SELECT state FROM inventory.reservations WHERE id = $1", reservation_id);
  }
};

}  // namespace

// --- the stock ledger ---

TEST(StockLedger, EnsuresOneStockRowPerProductLocationAndLot) {
  Rollback db;
  infra::PgStockLedger ledger(db.unit);
  EXPECT_EQ(ledger.today(), db.value("SELECT current_date::text"));
  const auto lot = db.lot(db.soap, "ZZ-L1");
  const auto bare = ledger.ensure_stock_row(db.soap, db.cfa, std::nullopt);
  const auto in_lot = ledger.ensure_stock_row(db.soap, db.cfa, lot);
  EXPECT_NE(bare, in_lot);
  EXPECT_EQ(ledger.ensure_stock_row(db.soap, db.cfa, std::nullopt), bare);  // found, not made again
  EXPECT_EQ(ledger.ensure_stock_row(db.soap, db.cfa, lot), in_lot);
  EXPECT_EQ(db.value("SELECT count(*)::text FROM inventory.stock WHERE product_id = $1 AND location_id = $2",
                     db.soap, db.cfa),
            "2");
  EXPECT_EQ(db.on_hand(bare), "0.000");
  EXPECT_EQ(db.reserved(in_lot), "0.000");
  EXPECT_EQ(db.value("SELECT lot_id::text FROM inventory.stock WHERE id = $1", in_lot), std::to_string(lot));

  const auto existing = db.stock(db.oil, db.factory, std::nullopt, "4");
  EXPECT_EQ(ledger.ensure_stock_row(db.oil, db.factory, std::nullopt), existing);
  EXPECT_EQ(db.on_hand(existing), "4.000");  // left as it was
}

TEST(StockLedger, LocksTheSlotsOfAProductAtALocation) {
  Rollback db;
  infra::PgStockLedger ledger(db.unit);
  const auto lot = db.lot(db.soap, "ZZ-L1");
  const auto bare = db.stock(db.soap, db.cfa, std::nullopt, "5", "1.5");
  const auto in_lot = db.stock(db.soap, db.cfa, lot, "7");
  db.stock(db.soap, db.factory, std::nullopt, "100");  // elsewhere
  db.stock(db.oil, db.cfa, std::nullopt, "9");         // another product

  auto slots = ledger.lock_slots(db.soap, db.cfa, std::nullopt, false);
  ASSERT_EQ(slots.size(), 2u);
  EXPECT_EQ(slots[0].stock_id, bare);  // in id order
  EXPECT_FALSE(slots[0].lot_id);
  EXPECT_FALSE(slots[0].expires_on);
  EXPECT_EQ(slots[0].on_hand, qty("5"));
  EXPECT_EQ(slots[0].reserved, qty("1.5"));
  EXPECT_EQ(slots[0].available(), qty("3.5"));
  EXPECT_EQ(slots[1].stock_id, in_lot);
  EXPECT_EQ(slots[1].lot_id, lot);
  EXPECT_EQ(slots[1].expires_on, "2099-01-31");
  EXPECT_EQ(slots[1].on_hand, qty("7"));

  slots = ledger.lock_slots(db.soap, db.cfa, lot, true);
  ASSERT_EQ(slots.size(), 1u);
  EXPECT_EQ(slots[0].stock_id, in_lot);
  slots = ledger.lock_slots(db.soap, db.cfa, std::nullopt, true);  // only the lot-less row
  ASSERT_EQ(slots.size(), 1u);
  EXPECT_EQ(slots[0].stock_id, bare);
  EXPECT_EQ(ledger.lock_slots(db.soap, db.cfa, lot, false).size(), 2u);  // the lot ignored
  EXPECT_TRUE(ledger.lock_slots(db.oil, db.factory, std::nullopt, false).empty());
}

TEST(StockLedger, BooksAMovementWithItsChangeOfOnHand) {
  Rollback db;
  infra::PgStockLedger ledger(db.unit);
  const auto row = ledger.ensure_stock_row(db.soap, db.cfa, std::nullopt);
  EXPECT_FALSE(db.stock_version(db.cfa));  // a new location: no version yet

  const auto in = ledger.book({.product_id = db.soap,
                               .location_id = db.cfa,
                               .stock_id = row,
                               .lot_id = std::nullopt,
                               .quantity = qty("10"),
                               .reason = "receipt",
                               .reference = "ZZ-REF-1",
                               .actor_id = db.user,
                               .message_id = "zz-msg-1"});
  EXPECT_EQ(db.on_hand(row), "10.000");
  EXPECT_EQ(db.stock_version(db.cfa), "1");
  const auto m = db.txn.exec_params1(
      "SELECT product_id, location_id, lot_id, quantity::text, reason, reference, actor_id, message_id"
      " FROM inventory.movements WHERE id = $1",
      in);
  EXPECT_EQ(m[0].as<std::int64_t>(), db.soap);
  EXPECT_EQ(m[1].as<std::int64_t>(), db.cfa);
  EXPECT_TRUE(m[2].is_null());
  EXPECT_EQ(m[3].as<std::string>(), "10.000");
  EXPECT_EQ(m[4].as<std::string>(), "receipt");
  EXPECT_EQ(m[5].as<std::string>(), "ZZ-REF-1");
  EXPECT_EQ(m[6].as<std::int64_t>(), db.user);
  EXPECT_EQ(m[7].as<std::string>(), "zz-msg-1");

  const auto lot = db.lot(db.soap, "ZZ-L1");
  const auto lot_row = ledger.ensure_stock_row(db.soap, db.cfa, lot);
  ledger.book({.product_id = db.soap,
               .location_id = db.cfa,
               .stock_id = lot_row,
               .lot_id = lot,
               .quantity = qty("2"),
               .reason = "receipt",
               .reference = "ZZ-REF-1",
               .actor_id = std::nullopt,
               .message_id = "zz-msg-1"});
  const auto out = ledger.book({.product_id = db.soap,
                                .location_id = db.cfa,
                                .stock_id = row,
                                .lot_id = std::nullopt,
                                .quantity = qty("-3.5"),
                                .reason = "sale",
                                .reference = "ZZ-REF-2",
                                .actor_id = std::nullopt,
                                .message_id = "zz-msg-2"});
  EXPECT_GT(out, in);
  EXPECT_EQ(db.on_hand(row), "6.500");
  EXPECT_EQ(db.on_hand(lot_row), "2.000");
  EXPECT_EQ(db.stock_version(db.cfa), "3");  // bumped by every movement
  EXPECT_EQ(db.value("SELECT quantity::text FROM inventory.movements WHERE id = $1", out), "-3.500");
  EXPECT_EQ(db.value("SELECT count(*)::text FROM inventory.movements WHERE location_id = $1", db.cfa), "3");

  EXPECT_TRUE(ledger.has_movement("ZZ-REF-1", "receipt", std::nullopt));
  EXPECT_TRUE(ledger.has_movement("ZZ-REF-1", "receipt", db.cfa));
  EXPECT_FALSE(ledger.has_movement("ZZ-REF-1", "receipt", db.factory));
  EXPECT_FALSE(ledger.has_movement("ZZ-REF-1", "sale", db.cfa));
  EXPECT_TRUE(ledger.has_movement("ZZ-REF-2", "sale", db.cfa));

  // More out than there is on hand: the stock row's CHECK refuses it (and aborts the transaction).
  EXPECT_THROW(ledger.book({.product_id = db.soap,
                            .location_id = db.cfa,
                            .stock_id = row,
                            .lot_id = std::nullopt,
                            .quantity = qty("-7"),
                            .reason = "sale",
                            .reference = "ZZ-REF-3",
                            .actor_id = std::nullopt,
                            .message_id = "zz-msg-3"}),
               pqxx::check_violation);
}

TEST(StockLedger, AnnouncesTheSellableLevelAsStockChanged) {
  Rollback db;
  infra::PgStockLedger ledger(db.unit);
  const auto good = db.lot(db.soap, "ZZ-L1");
  const auto expired = db.lot(db.soap, "ZZ-OLD", "2000-01-01");
  db.stock(db.soap, db.cfa, std::nullopt, "10", "2.5");
  db.stock(db.soap, db.cfa, expired, "4");  // on hand, but not sellable
  db.stock(db.soap, db.cfa, good, "2");
  db.stock(db.soap, db.factory, std::nullopt, "100");  // elsewhere

  const auto event = db.uuid();
  const std::string envelope = R"({"id":")" + event + R"(","type":"stock.changed","data":{"product_id":)" +
                               std::to_string(db.soap) + R"(,"location_id":)" + std::to_string(db.cfa) +
                               R"(,"cause":{"event":"zz"}}})";
  auto level = ledger.announce_level(db.soap, db.cfa, event, envelope);
  EXPECT_EQ(level.on_hand, qty("16"));
  EXPECT_EQ(level.available, qty("9.5"));  // 10 − 2.5 + 2; the expired lot left out
  EXPECT_FALSE(level.rule);                // no reorder rule here

  const auto row = db.txn.exec_params1(
      "SELECT type, envelope->'data'->>'on_hand', envelope->'data'->>'available',"
      " (envelope->'data'->>'product_id')::bigint, envelope->'data'->'cause'->>'event', published_at IS NULL"
      " FROM messaging.outbox WHERE id = $1::uuid",
      event);
  EXPECT_EQ(row[0].as<std::string>(), "stock.changed");
  EXPECT_EQ(row[1].as<std::string>(), "16");
  EXPECT_EQ(row[2].as<std::string>(), "9.5");
  EXPECT_EQ(row[3].as<std::int64_t>(), db.soap);  // the envelope kept
  EXPECT_EQ(row[4].as<std::string>(), "zz");
  EXPECT_TRUE(row[5].as<bool>());

  const auto rule = db.txn
                        .exec_params1(
                            "INSERT INTO inventory.reorder_rules (product_id, location_id, min_quantity,"
                            " max_quantity) VALUES ($1, $2, 12, 40) RETURNING id",
                            db.soap, db.cfa)[0]
                        .as<std::int64_t>();
  level = ledger.announce_level(db.soap, db.cfa, db.uuid(), envelope);
  ASSERT_TRUE(level.rule);
  EXPECT_EQ(level.rule->rule_id, rule);
  EXPECT_EQ(level.rule->min, qty("12"));
  EXPECT_EQ(level.rule->max, qty("40"));
  EXPECT_FALSE(level.rule->was_low);

  ledger.mark_low(rule, true);
  EXPECT_TRUE(db.value("SELECT low_since::text FROM inventory.reorder_rules WHERE id = $1", rule));
  level = ledger.announce_level(db.soap, db.cfa, db.uuid(), envelope);
  ASSERT_TRUE(level.rule);
  EXPECT_TRUE(level.rule->was_low);
  ledger.mark_low(rule, false);
  EXPECT_FALSE(db.value("SELECT low_since::text FROM inventory.reorder_rules WHERE id = $1", rule));
  EXPECT_EQ(db.value("SELECT count(*)::text FROM messaging.outbox WHERE type = 'stock.changed'"
                     " AND (envelope->'data'->>'location_id')::bigint = $1",
                     db.cfa),
            "3");

  // Nothing stocked: zero, announced all the same.
  const auto none = db.uuid();
  level = ledger.announce_level(db.oil, db.cfa, none, envelope);
  EXPECT_EQ(level.on_hand, qty("0"));
  EXPECT_EQ(level.available, qty("0"));
  EXPECT_EQ(db.value("SELECT envelope->'data'->>'on_hand' FROM messaging.outbox WHERE id = $1::uuid", none),
            "0");
}

TEST(StockLedger, UpsertsALotOnce) {
  Rollback db;
  infra::PgStockLedger ledger(db.unit);
  const auto lot = ledger.upsert_lot(db.soap, "ZZ-U1", std::string("2099-05-31"));
  EXPECT_EQ(db.value("SELECT lot_code || ' ' || expires_on::text FROM inventory.lots WHERE id = $1 AND"
                     " product_id = $2",
                     lot, db.soap),
            "ZZ-U1 2099-05-31");
  EXPECT_EQ(ledger.upsert_lot(db.soap, "ZZ-U1", std::string("2099-12-31")), lot);  // found, not made again
  EXPECT_EQ(db.value("SELECT expires_on::text FROM inventory.lots WHERE id = $1", lot), "2099-05-31");
  EXPECT_EQ(ledger.upsert_lot(db.soap, "ZZ-U1", std::nullopt), lot);

  const auto other = ledger.upsert_lot(db.oil, "ZZ-U1", std::nullopt);  // the same code, another product
  EXPECT_NE(other, lot);
  EXPECT_FALSE(db.value("SELECT expires_on::text FROM inventory.lots WHERE id = $1", other));
  EXPECT_EQ(db.value("SELECT count(*)::text FROM inventory.lots WHERE lot_code = 'ZZ-U1'"
                     " AND product_id IN ($1, $2)",
                     db.soap, db.oil),
            "2");
}

TEST(StockLedger, AppliesAndRejectsAdjustments) {
  Rollback db;
  infra::PgStockLedger ledger(db.unit);
  infra::PgStockStore stock(db.unit);
  const auto a = stock.insert_adjustment({db.soap, db.cfa, std::string("ZZ-A1"), std::string("2099-02-28"),
                                          "7.25", "count", db.user, "req-ledger"});
  auto found = ledger.lock_adjustment(a.id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, a.id);
  EXPECT_EQ(found->product_id, db.soap);
  EXPECT_EQ(found->location_id, db.cfa);
  EXPECT_EQ(found->lot_code, "ZZ-A1");
  EXPECT_EQ(found->expires_on, "2099-02-28");
  EXPECT_EQ(found->delta, qty("7.25"));
  EXPECT_EQ(found->requested_by, db.user);
  EXPECT_EQ(found->status, "pending");
  EXPECT_FALSE(ledger.lock_adjustment(-1));

  const auto lot = ledger.upsert_lot(db.soap, "ZZ-A1", std::string("2099-02-28"));
  const auto row = ledger.ensure_stock_row(db.soap, db.cfa, lot);
  const auto movement = ledger.book({.product_id = db.soap,
                                     .location_id = db.cfa,
                                     .stock_id = row,
                                     .lot_id = lot,
                                     .quantity = found->delta,
                                     .reason = "adjustment",
                                     .reference = "ADJ-" + std::to_string(a.id),
                                     .actor_id = db.user,
                                     .message_id = "zz-adj"});
  ledger.mark_adjustment_applied(a.id, movement);
  auto after = stock.find_adjustment(a.id);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, "applied");
  EXPECT_EQ(after->movement_id, movement);
  EXPECT_TRUE(after->decided_at);
  EXPECT_EQ(ledger.lock_adjustment(a.id)->status, "applied");

  const auto b = stock.insert_adjustment(
      {db.soap, db.cfa, std::nullopt, std::nullopt, "-3", "breakage", db.user, "req-ledger"});
  EXPECT_FALSE(ledger.lock_adjustment(b.id)->lot_code);
  EXPECT_EQ(ledger.lock_adjustment(b.id)->delta, qty("-3"));
  ledger.mark_adjustment_rejected(b.id, "only 0 on hand");
  after = stock.find_adjustment(b.id);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, "rejected");
  EXPECT_EQ(after->rejection_reason, "only 0 on hand");
  EXPECT_FALSE(after->movement_id);
  EXPECT_TRUE(after->decided_at);
}

TEST(StockLedger, CompletesOrFailsABatchCompletion) {
  Rollback db;
  infra::PgStockLedger ledger(db.unit);
  infra::PgBatchStore batches(db.unit);
  const auto wax = db.product("ZZ-WAX", "raw_material");
  db.txn.exec_params(
      "INSERT INTO catalog.bom_lines (product_id, material_id, quantity_per_unit) VALUES ($1, $2, 0.25),"
      " ($1, $3, 0.0005)",
      db.soap, wax, db.oil);  // wax was made after oil: a higher id
  const auto bom = ledger.bill_of_materials(db.soap);
  ASSERT_EQ(bom.size(), 2u);
  EXPECT_EQ(bom[0].line.material_id, db.oil);  // in material order
  EXPECT_EQ(bom[0].sku, "ZZ-OIL");
  EXPECT_EQ(bom[0].line.per_unit_e4, 5);
  EXPECT_EQ(bom[0].line.cost_cents, 125);
  EXPECT_EQ(bom[1].line.material_id, wax);
  EXPECT_EQ(bom[1].line.per_unit_e4, 2500);
  EXPECT_TRUE(ledger.bill_of_materials(db.oil).empty());

  const auto id = batches.insert({db.soap, db.factory, "100", db.user, "req-ledger"});
  batches.mark_started(id);
  batches.request_completion({id, "80", "ZZ-B1", std::string("2099-06-30")});
  ledger.fail_batch_completion(id, "only 2 ZZ-OIL on hand");
  auto b = batches.find(id, false);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->status, "in_progress");
  EXPECT_EQ(b->completion, "failed");
  EXPECT_EQ(b->failure_reason, "only 2 ZZ-OIL on hand");
  EXPECT_EQ(b->version, 4);

  const auto lot = ledger.insert_produced_lot(db.soap, "ZZ-B1", std::string("2099-06-30"));
  ASSERT_TRUE(lot);
  EXPECT_EQ(db.value("SELECT (manufactured_on = current_date)::text || ' ' || expires_on::text"
                     " FROM inventory.lots WHERE id = $1",
                     *lot),
            "true 2099-06-30");
  EXPECT_FALSE(ledger.insert_produced_lot(db.soap, "ZZ-B1", std::nullopt));  // the code is taken

  ledger.complete_batch(id, *lot, "0.31");
  b = batches.find(id, false);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->status, "completed");
  EXPECT_FALSE(b->completion);
  EXPECT_FALSE(b->failure_reason);
  EXPECT_EQ(b->lot_id, lot);
  EXPECT_EQ(b->cost_per_unit, "0.31");
  EXPECT_TRUE(b->completed_at);
  EXPECT_EQ(b->version, 5);
}

TEST(StockLedger, DispatchesAndCompletesATransfer) {
  Rollback db;
  infra::PgStockLedger ledger(db.unit);
  infra::PgTransferStore transfers(db.unit);
  const auto lot = db.lot(db.soap, "ZZ-L1");
  const auto id =
      transfers.insert({db.factory, db.cfa, db.user, "req-ledger", {{1, db.soap, std::nullopt, "3"}}});
  const auto line = transfers.lines(id).at(0).id;

  transfers.request_step(id, "dispatch");
  ledger.fail_dispatch(id, "only 1 available");
  auto t = transfers.find(id, false);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->status, "pending");
  EXPECT_FALSE(t->pending_step);
  EXPECT_EQ(t->failure_reason, "only 1 available");
  EXPECT_EQ(t->version, 3);

  transfers.request_step(id, "dispatch");
  ledger.add_pick(line, lot, qty("2.5"));
  ledger.add_pick(line, std::nullopt, qty("0.5"));
  ledger.mark_in_transit(id);
  t = transfers.find(id, false);
  EXPECT_EQ(t->status, "in_transit");
  EXPECT_FALSE(t->pending_step);
  EXPECT_FALSE(t->failure_reason);
  EXPECT_EQ(t->version, 5);
  EXPECT_EQ(db.value("SELECT (dispatched_at IS NOT NULL)::text FROM inventory.transfers WHERE id = $1", id),
            "true");
  auto lines = transfers.lines(id);
  ASSERT_EQ(lines.size(), 1u);
  ASSERT_EQ(lines[0].picks.size(), 2u);
  EXPECT_EQ(lines[0].picks[0].lot_id, lot);
  EXPECT_EQ(lines[0].picks[0].lot_code, "ZZ-L1");
  EXPECT_EQ(lines[0].picks[0].quantity, "2.500");
  EXPECT_FALSE(lines[0].picks[1].lot_id);
  EXPECT_EQ(lines[0].picks[1].quantity, "0.500");

  const auto row = ledger.ensure_stock_row(db.soap, db.cfa, lot);
  const auto movement = ledger.book({.product_id = db.soap,
                                     .location_id = db.cfa,
                                     .stock_id = row,
                                     .lot_id = lot,
                                     .quantity = qty("2.5"),
                                     .reason = "transfer_in",
                                     .reference = t->number,
                                     .actor_id = db.user,
                                     .message_id = "zz-tr"});
  ledger.record_discrepancy(line, qty("-0.5"), movement);
  EXPECT_EQ(transfers.lines(id).at(0).discrepancy, "-0.500");
  EXPECT_EQ(
      db.value("SELECT movement_id::text FROM inventory.transfer_discrepancies WHERE transfer_line_id = $1",
               line),
      std::to_string(movement));
  EXPECT_TRUE(ledger.has_movement(t->number, "transfer_in", db.cfa));

  ledger.mark_transfer_completed(id);
  t = transfers.find(id, false);
  EXPECT_EQ(t->status, "completed");
  EXPECT_EQ(t->version, 6);
  EXPECT_EQ(db.value("SELECT (completed_at IS NOT NULL)::text FROM inventory.transfers WHERE id = $1", id),
            "true");
}

TEST(StockLedger, HoldsAndReleasesTheStockOfARequest) {
  Rollback db;
  infra::PgStockLedger ledger(db.unit);
  infra::PgRequestStore requests(db.unit);
  infra::PgTransferStore transfers(db.unit);
  const auto row = db.stock(db.soap, db.factory, std::nullopt, "10");
  const auto request = requests.insert(
      {"transfer", db.soap, "4", db.factory, db.cfa, "low", "requested", db.user, 72, "req-ledger"});

  ledger.hold(request, {row, std::nullopt, qty("4")}, db.soap, db.factory);
  EXPECT_EQ(db.reserved(row), "4.000");
  EXPECT_EQ(db.on_hand(row), "10.000");
  EXPECT_EQ(db.stock_version(db.factory), "1");
  const auto held = db.txn.exec_params1(
      "SELECT stock_id, product_id, location_id, lot_id IS NULL, quantity::text, state, order_line_id IS NULL"
      " FROM inventory.reservations WHERE request_id = $1",
      request);
  EXPECT_EQ(held[0].as<std::int64_t>(), row);
  EXPECT_EQ(held[1].as<std::int64_t>(), db.soap);
  EXPECT_EQ(held[2].as<std::int64_t>(), db.factory);
  EXPECT_TRUE(held[3].as<bool>());
  EXPECT_EQ(held[4].as<std::string>(), "4.000");
  EXPECT_EQ(held[5].as<std::string>(), "reserved");
  EXPECT_TRUE(held[6].as<bool>());

  ledger.set_hold(request, "held");
  EXPECT_EQ(requests.find(request, false)->hold, "held");
  const auto transfer =
      transfers.insert({db.factory, db.cfa, db.user, "req-ledger", {{1, db.soap, std::nullopt, "4"}}});
  requests.link_transfer(request, transfer);
  EXPECT_EQ(ledger.lock_held_requests_of(transfer), std::vector<std::int64_t>{request});

  const auto changed = ledger.release_hold(request, "released");
  EXPECT_EQ(changed, (std::vector<infra::ProductAt>{{db.soap, db.factory}}));
  EXPECT_EQ(db.reserved(row), "0.000");
  EXPECT_EQ(db.stock_version(db.factory), "2");
  EXPECT_EQ(db.value("SELECT state FROM inventory.reservations WHERE request_id = $1", request), "released");
  EXPECT_EQ(requests.find(request, false)->hold, "released");
  EXPECT_TRUE(ledger.lock_held_requests_of(transfer).empty());
  EXPECT_TRUE(ledger.release_hold(request, "used").empty());   // nothing held any more
  EXPECT_EQ(requests.find(request, false)->hold, "released");  // and the hold is left alone

  const auto doomed = requests.insert(
      {"transfer", db.soap, "40", db.factory, db.cfa, "more", "requested", db.user, 72, "req-ledger"});
  ledger.fail_request(doomed, "only 10 available");
  const auto r = requests.find(doomed, false);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, "failed");
  EXPECT_EQ(r->hold, "none");
  EXPECT_EQ(r->failure_reason, "only 10 available");
  EXPECT_EQ(r->version, 2);
}

// --- the order ledger ---

TEST(OrderLedger, LocksAnOrderWithItsLinesInLineOrder) {
  Rollback db;
  infra::PgOrderLedger ledger(db.unit);
  const auto sale = db.sale("ZZ-SO-1", db.cfa);
  const auto second = db.line(sale, 2, db.oil, "1.5");
  const auto first = db.line(sale, 1, db.soap, "3");

  const auto o = ledger.lock_with_lines(sale);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->order.id, sale);
  EXPECT_EQ(o->order.number, "ZZ-SO-1");
  EXPECT_EQ(o->order.kind, OrderKind::sale);
  EXPECT_EQ(o->order.status, OrderStatus::pending);
  EXPECT_EQ(o->order.seller_id, db.cfa);
  EXPECT_FALSE(o->order.buyer_id);
  EXPECT_EQ(o->order.created_by, db.user);
  EXPECT_EQ(o->order.today, db.value("SELECT current_date::text"));
  ASSERT_EQ(o->lines.size(), 2u);
  EXPECT_EQ(o->lines[0].id, first);
  EXPECT_EQ(o->lines[0].line_no, 1);
  EXPECT_EQ(o->lines[0].product_id, db.soap);
  EXPECT_EQ(o->lines[0].sku, "ZZ-SOAP");
  EXPECT_EQ(o->lines[0].quantity, qty("3"));
  EXPECT_FALSE(o->lines[0].lot_code);
  EXPECT_FALSE(o->lines[0].expires_on);
  EXPECT_EQ(o->lines[1].id, second);
  EXPECT_EQ(o->lines[1].sku, "ZZ-OIL");
  EXPECT_EQ(o->lines[1].quantity, qty("1.5"));
  EXPECT_FALSE(ledger.lock_with_lines(-1));

  const auto plain = ledger.lock(sale);
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->number, "ZZ-SO-1");
  EXPECT_EQ(plain->status, OrderStatus::pending);
  EXPECT_FALSE(ledger.lock(-1));
  const auto lines = ledger.lines(sale);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].id, first);
  EXPECT_EQ(lines[1].id, second);
  EXPECT_TRUE(ledger.lines(-1).empty());
}

TEST(OrderLedger, LocksSeveralOrdersAtOnce) {
  Rollback db;
  infra::PgOrderLedger ledger(db.unit);
  const auto supplier =
      db.txn.exec1("INSERT INTO procurement.suppliers (name) VALUES ('ZZ-SUPPLIER') RETURNING id")[0]
          .as<std::int64_t>();
  const auto purchase =
      db.txn
          .exec_params1(
              "INSERT INTO sales.orders (number, kind, buyer_location_id, supplier_id, total,"
              " created_by) VALUES ('ZZ-PO-1', 'purchase', $1, $2, 0, $3) RETURNING id",
              db.cfa, supplier, db.user)[0]
          .as<std::int64_t>();
  db.line(purchase, 1, db.oil, "20", std::string("ZZ-P1"), std::string("2099-03-31"));
  const auto sale = db.sale("ZZ-SO-1", db.cfa);
  db.line(sale, 2, db.oil, "1");
  db.line(sale, 1, db.soap, "2");

  const auto orders = ledger.lock_with_lines({purchase, sale, -1});
  ASSERT_EQ(orders.size(), 2u);  // the missing one absent
  const auto& p = orders.at(purchase);
  EXPECT_EQ(p.order.id, purchase);
  EXPECT_EQ(p.order.kind, OrderKind::purchase);
  EXPECT_EQ(p.order.number, "ZZ-PO-1");
  EXPECT_FALSE(p.order.seller_id);
  EXPECT_EQ(p.order.buyer_id, db.cfa);
  ASSERT_EQ(p.lines.size(), 1u);
  EXPECT_EQ(p.lines[0].lot_code, "ZZ-P1");
  EXPECT_EQ(p.lines[0].expires_on, "2099-03-31");
  EXPECT_EQ(p.lines[0].quantity, qty("20"));
  const auto& s = orders.at(sale);
  EXPECT_EQ(s.order.kind, OrderKind::sale);
  EXPECT_EQ(s.order.seller_id, db.cfa);
  ASSERT_EQ(s.lines.size(), 2u);
  EXPECT_EQ(s.lines[0].line_no, 1);
  EXPECT_EQ(s.lines[0].sku, "ZZ-SOAP");
  EXPECT_EQ(s.lines[1].line_no, 2);
  EXPECT_TRUE(ledger.lock_with_lines(std::vector<std::int64_t>{}).empty());
}

TEST(OrderLedger, LocksTheStockOfSellersByProduct) {
  Rollback db;
  infra::PgOrderLedger ledger(db.unit);
  const auto lot = db.lot(db.soap, "ZZ-L1");
  const auto bare = db.stock(db.soap, db.cfa, std::nullopt, "5", "1");
  const auto in_lot = db.stock(db.soap, db.cfa, lot, "3");
  const auto oil = db.stock(db.oil, db.cfa, std::nullopt, "8");
  const auto at_factory = db.stock(db.soap, db.factory, std::nullopt, "100");

  auto stock = ledger.lock_seller_stock(db.cfa, {db.soap});
  ASSERT_EQ(stock.size(), 1u);
  ASSERT_EQ(stock.at(db.soap).size(), 2u);
  EXPECT_EQ(stock.at(db.soap)[0].stock_id, bare);
  EXPECT_EQ(stock.at(db.soap)[0].reserved, qty("1"));
  EXPECT_EQ(stock.at(db.soap)[0].available(), qty("4"));
  EXPECT_EQ(stock.at(db.soap)[1].stock_id, in_lot);
  EXPECT_EQ(stock.at(db.soap)[1].lot_id, lot);
  EXPECT_EQ(stock.at(db.soap)[1].expires_on, "2099-01-31");
  EXPECT_EQ(stock.at(db.soap)[1].on_hand, qty("3"));

  stock = ledger.lock_seller_stock(db.cfa, {db.soap, db.oil});
  ASSERT_EQ(stock.size(), 2u);
  ASSERT_EQ(stock.at(db.oil).size(), 1u);
  EXPECT_EQ(stock.at(db.oil)[0].stock_id, oil);
  EXPECT_EQ(stock.at(db.oil)[0].on_hand, qty("8"));
  EXPECT_TRUE(ledger.lock_seller_stock(db.cfa, {}).empty());

  const auto by_location =
      ledger.lock_stock({{db.cfa, db.soap}, {db.factory, db.soap}, {db.factory, db.oil}});
  ASSERT_EQ(by_location.size(), 2u);
  EXPECT_EQ(by_location.at(db.cfa).size(), 1u);  // oil at the CFA was not asked for
  EXPECT_EQ(by_location.at(db.cfa).at(db.soap).size(), 2u);
  ASSERT_EQ(by_location.at(db.factory).size(), 1u);  // no oil at the factory
  ASSERT_EQ(by_location.at(db.factory).at(db.soap).size(), 1u);
  EXPECT_EQ(by_location.at(db.factory).at(db.soap)[0].stock_id, at_factory);
  EXPECT_EQ(by_location.at(db.factory).at(db.soap)[0].on_hand, qty("100"));
}

TEST(OrderLedger, ReservesStockForOrderLines) {
  Rollback db;
  infra::PgOrderLedger ledger(db.unit);
  const auto lot = db.lot(db.soap, "ZZ-L1");
  const auto bare = db.stock(db.soap, db.cfa, std::nullopt, "10");
  const auto in_lot = db.stock(db.soap, db.cfa, lot, "5");
  const auto sale = db.sale("ZZ-SO-1", db.cfa);
  const auto first = db.line(sale, 1, db.soap, "3.5");
  const auto second = db.line(sale, 2, db.soap, "1");

  ledger.reserve({});  // nothing to reserve: no statement
  EXPECT_FALSE(db.stock_version(db.cfa));
  ledger.reserve({{first, bare, db.soap, db.cfa, std::nullopt, qty("2.5")},
                  {first, in_lot, db.soap, db.cfa, lot, qty("1")},
                  {second, bare, db.soap, db.cfa, std::nullopt, qty("1")}});  // two on one row
  EXPECT_EQ(db.reserved(bare), "3.500");
  EXPECT_EQ(db.reserved(in_lot), "1.000");
  EXPECT_EQ(db.on_hand(bare), "10.000");
  EXPECT_EQ(db.stock_version(db.cfa), "1");
  const auto rows = db.txn.exec_params(
      "SELECT r.order_line_id, r.stock_id, r.lot_id, r.quantity::text, r.state, r.location_id, r.product_id,"
      " r.request_id IS NULL FROM inventory.reservations r JOIN sales.order_lines l ON l.id = r.order_line_id"
      " WHERE l.order_id = $1 ORDER BY r.order_line_id, r.stock_id",
      sale);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0][0].as<std::int64_t>(), first);
  EXPECT_EQ(rows[0][1].as<std::int64_t>(), bare);
  EXPECT_TRUE(rows[0][2].is_null());
  EXPECT_EQ(rows[0][3].as<std::string>(), "2.500");
  EXPECT_EQ(rows[0][4].as<std::string>(), "reserved");
  EXPECT_EQ(rows[0][5].as<std::int64_t>(), db.cfa);
  EXPECT_EQ(rows[0][6].as<std::int64_t>(), db.soap);
  EXPECT_TRUE(rows[0][7].as<bool>());
  EXPECT_EQ(rows[1][2].as<std::int64_t>(), lot);
  EXPECT_EQ(rows[1][3].as<std::string>(), "1.000");
  EXPECT_EQ(rows[2][0].as<std::int64_t>(), second);

  const auto held = ledger.lock_reservations(sale, "reserved");
  ASSERT_EQ(held.size(), 3u);
  EXPECT_EQ(held[0].stock_id, bare);  // in stock row order
  EXPECT_EQ(held[2].stock_id, in_lot);
  EXPECT_EQ(held[2].lot_id, lot);
  EXPECT_EQ(held[2].product_id, db.soap);
  EXPECT_EQ(held[2].quantity, qty("1"));
  EXPECT_TRUE(ledger.lock_reservations(sale, "shipped").empty());
  EXPECT_EQ(ledger.lock_seller_stock(db.cfa, {db.soap}).at(db.soap)[0].available(), qty("6.5"));
}

TEST(OrderLedger, DecidesOrdersWithTheirHistoryAndEvents) {
  Rollback db;
  infra::PgOrderLedger ledger(db.unit);
  const auto accepted = db.sale("ZZ-SO-1", db.cfa);
  const auto accepted_line = db.line(accepted, 1, db.soap, "2");
  const auto refused = db.sale("ZZ-SO-2", db.cfa);
  const auto short_line = db.line(refused, 1, db.soap, "5");
  const auto odd_line = db.line(refused, 2, db.oil, "1");

  // Reasons with commas, quotes and a backslash: array elements the statement must quote.
  const std::string odd = R"(say "no", {twice} \ please)";
  ledger.reject_lines({});  // nothing to reject: no statement
  ledger.reject_lines({{short_line, "only 3 available, 5 needed"}, {odd_line, odd}});
  EXPECT_EQ(db.value("SELECT rejection_reason FROM sales.order_lines WHERE id = $1", short_line),
            "only 3 available, 5 needed");
  EXPECT_EQ(db.value("SELECT rejection_reason FROM sales.order_lines WHERE id = $1", odd_line), odd);
  EXPECT_FALSE(db.value("SELECT rejection_reason FROM sales.order_lines WHERE id = $1", accepted_line));

  const auto confirmed_event = db.uuid();
  const auto rejected_event = db.uuid();
  const std::string note = R"(a \"quoted\" \\ note)";  // JSON escapes, inside a text[] element
  ledger.decide(
      {{accepted, "confirmed", std::nullopt, "pending", "zz-req-1", confirmed_event, "order.confirmed",
        R"({"type":"order.confirmed","data":{"order_id":)" + std::to_string(accepted) + "}}"},
       {refused, "rejected", std::string("not enough ZZ-SOAP"), "pending", "zz-req-2", rejected_event,
        "order.rejected", R"({"type":"order.rejected","data":{"note":")" + note + R"("}})"}});

  auto o = db.txn.exec_params1(
      "SELECT status, rejection_reason IS NULL, version, confirmed_at IS NOT NULL, closed_at IS NOT NULL"
      " FROM sales.orders WHERE id = $1",
      accepted);
  EXPECT_EQ(o[0].as<std::string>(), "confirmed");
  EXPECT_TRUE(o[1].as<bool>());
  EXPECT_EQ(o[2].as<int>(), 2);
  EXPECT_TRUE(o[3].as<bool>());
  EXPECT_FALSE(o[4].as<bool>());
  o = db.txn.exec_params1(
      "SELECT status, rejection_reason, version, confirmed_at IS NOT NULL, closed_at IS NOT NULL"
      " FROM sales.orders WHERE id = $1",
      refused);
  EXPECT_EQ(o[0].as<std::string>(), "rejected");
  EXPECT_EQ(o[1].as<std::string>(), "not enough ZZ-SOAP");
  EXPECT_EQ(o[2].as<int>(), 2);
  EXPECT_FALSE(o[3].as<bool>());
  EXPECT_TRUE(o[4].as<bool>());
  EXPECT_EQ(ledger.lock(accepted)->status, OrderStatus::confirmed);

  const auto history = db.txn.exec_params(
      "SELECT order_id, from_status, to_status, note, request_id FROM sales.order_events"
      " WHERE order_id IN ($1, $2) ORDER BY id",
      accepted, refused);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0][0].as<std::int64_t>(), accepted);  // in the given order
  EXPECT_EQ(history[0][1].as<std::string>(), "pending");
  EXPECT_EQ(history[0][2].as<std::string>(), "confirmed");
  EXPECT_TRUE(history[0][3].is_null());
  EXPECT_EQ(history[0][4].as<std::string>(), "zz-req-1");
  EXPECT_EQ(history[1][0].as<std::int64_t>(), refused);
  EXPECT_EQ(history[1][2].as<std::string>(), "rejected");
  EXPECT_EQ(history[1][3].as<std::string>(), "not enough ZZ-SOAP");

  const auto events = db.txn.exec_params(
      "SELECT id::text, type, envelope->'data'->>'order_id', envelope->'data'->>'note' FROM messaging.outbox"
      " WHERE id IN ($1::uuid, $2::uuid) ORDER BY seq",
      confirmed_event, rejected_event);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0][0].as<std::string>(), confirmed_event);  // in the given order
  EXPECT_EQ(events[0][1].as<std::string>(), "order.confirmed");
  EXPECT_EQ(events[0][2].as<std::string>(), std::to_string(accepted));
  EXPECT_EQ(events[1][0].as<std::string>(), rejected_event);
  EXPECT_EQ(events[1][1].as<std::string>(), "order.rejected");
  EXPECT_EQ(events[1][3].as<std::string>(), R"(a "quoted" \ note)");

  ledger.decide({});  // nothing to decide: no statement
  EXPECT_EQ(db.value("SELECT version::text FROM sales.orders WHERE id = $1", accepted), "2");
}

TEST(OrderLedger, ShipsReleasesAndReceivesReservations) {
  Rollback db;
  infra::PgOrderLedger ledger(db.unit);
  const auto soap = db.stock(db.soap, db.cfa, std::nullopt, "10");
  const auto oil = db.stock(db.oil, db.cfa, std::nullopt, "4");
  const auto sale = db.sale("ZZ-SO-1", db.cfa);
  const auto soap_line = db.line(sale, 1, db.soap, "3");
  const auto oil_line = db.line(sale, 2, db.oil, "2");
  ledger.reserve({{soap_line, soap, db.soap, db.cfa, std::nullopt, qty("3")},
                  {oil_line, oil, db.oil, db.cfa, std::nullopt, qty("2")}});
  EXPECT_EQ(db.stock_version(db.cfa), "1");

  const auto held = ledger.lock_reservations(sale, "reserved");
  ASSERT_EQ(held.size(), 2u);
  const auto& soap_held = held[0].stock_id == soap ? held[0] : held[1];
  const auto& oil_held = held[0].stock_id == soap ? held[1] : held[0];
  EXPECT_EQ(soap_held.product_id, db.soap);
  EXPECT_EQ(oil_held.product_id, db.oil);
  EXPECT_EQ(oil_held.quantity, qty("2"));

  ledger.ship(soap_held.id);
  EXPECT_EQ(db.reservation_state(soap_held.id), "shipped");
  EXPECT_EQ(db.reserved(soap), "0.000");
  EXPECT_EQ(db.on_hand(soap), "10.000");  // the caller books the movement

  const auto before = std::stoll(db.stock_version(db.cfa).value_or("0"));
  ledger.release(oil_held.id);
  EXPECT_EQ(db.reservation_state(oil_held.id), "released");
  EXPECT_EQ(db.reserved(oil), "0.000");
  EXPECT_EQ(db.on_hand(oil), "4.000");
  EXPECT_EQ(db.stock_version(db.cfa), std::to_string(before + 1));  // cached reads invalidated

  EXPECT_TRUE(ledger.lock_reservations(sale, "reserved").empty());
  const auto shipped = ledger.lock_reservations(sale, "shipped");
  ASSERT_EQ(shipped.size(), 1u);
  EXPECT_EQ(shipped[0].id, soap_held.id);
  EXPECT_EQ(shipped[0].quantity, qty("3"));
  ledger.mark_received(soap_held.id);
  EXPECT_EQ(db.reservation_state(soap_held.id), "received");
  EXPECT_EQ(db.reserved(soap), "0.000");  // receiving leaves the seller's stock alone
  EXPECT_EQ(ledger.lock_reservations(sale, "received").size(), 1u);
}
