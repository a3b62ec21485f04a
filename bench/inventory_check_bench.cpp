// The inventory check's set-based queries on a database of a given size (issue 10: reconciliation
// "well under a second for 100,000 stock rows"). Builds its own database on the stack's PostgreSQL
// (never the stack's own data), migrates it, fills it with generate_series, then times each query
// of infra/stock_check_store and the whole use case several times and prints the medians.
//   build/bench/ims-bench-inventory-check [--stock-rows 100000] [--movements-per-row 3] [--runs 5]
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "bench_database.hpp"
#include "ims/infra/stock_check_store.hpp"
#include "stock/check_inventory.hpp"

namespace {

class CountingOutbox final : public ims::infra::Outbox {
 public:
  std::size_t events = 0;
  std::string append(const ims::infra::EventDraft&) override { return std::to_string(++events); }
};

double median_ms(int runs, const std::function<void()>& fn) {
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    const auto start = std::chrono::steady_clock::now();
    fn();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  long rows = 100'000;
  int per_row = 3;
  int runs = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--stock-rows") rows = std::stol(argv[i + 1]);
    if (a == "--movements-per-row") per_row = std::stoi(argv[i + 1]);
    if (a == "--runs") runs = std::stoi(argv[i + 1]);
  }
  ims::bench::BenchDatabase bench("ims_bench_check");
  const auto bench_url = bench.url();
  auto db_holder = std::make_unique<pqxx::connection>(bench_url);
  auto& db = *db_holder;
  const long locations = 4;
  const long products = (rows + locations - 1) / locations;
  const auto t0 = std::chrono::steady_clock::now();
  {
    pqxx::work txn(db);
    txn.exec("INSERT INTO inventory.locations (code, name, kind) VALUES ('L1', 'Factory', 'factory')");
    txn.exec(
        "INSERT INTO inventory.locations (code, name, kind, upstream_location_id)"
        " SELECT 'L' || g, 'Warehouse ' || g, 'cfa', (SELECT id FROM inventory.locations WHERE code = 'L1') "
        "FROM generate_series(2, 4) g");
    txn.exec(
        "INSERT INTO catalog.products (sku, name, kind, unit_of_measure, price, cost)"
        " SELECT 'B' || g, 'Bench product ' || g, 'finished_good', 'pcs', 10, 4 FROM generate_series(1, " +
        std::to_string(products) + ") g");
    // Each row: per_row receipts of 5 (so on_hand = 5 × per_row), a tenth with a lot expiring soon.
    txn.exec(
        "INSERT INTO inventory.lots (product_id, lot_code, expires_on)"
        " SELECT id, 'LOT-' || id, current_date + (id % 60)::int FROM catalog.products WHERE id % 10 = 0");
    txn.exec(
        "INSERT INTO inventory.stock (product_id, location_id, lot_id, on_hand)"
        " SELECT p.id, l.id, lot.id, 5 * " +
        std::to_string(per_row) +
        " FROM catalog.products p CROSS JOIN inventory.locations l LEFT JOIN inventory.lots lot ON "
        "lot.product_id = p.id"
        " ORDER BY p.id, l.id LIMIT " +
        std::to_string(rows));
    txn.exec(
        "INSERT INTO inventory.movements (product_id, location_id, lot_id, quantity, reason)"
        " SELECT s.product_id, s.location_id, s.lot_id, 5, 'receipt' FROM inventory.stock s, "
        "generate_series(1, " +
        std::to_string(per_row) + ")");
    // A reorder rule for every fifth row, a fifth of those at or below min; ten rows drift.
    txn.exec(
        "INSERT INTO inventory.reorder_rules (product_id, location_id, min_quantity, max_quantity)"
        " SELECT product_id, location_id, CASE WHEN id % 25 = 0 THEN 100 ELSE 1 END, 200 FROM "
        "inventory.stock WHERE id % 5 = 0"
        " ON CONFLICT DO NOTHING");
    txn.exec("UPDATE inventory.stock SET on_hand = on_hand + 1 WHERE id % (" + std::to_string(rows) +
             " / 10) = 1");
    txn.commit();
  }
  {
    pqxx::nontransaction q(db);
    q.exec("ANALYZE");
  }
  const auto fill_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  long stock_rows = 0, movements = 0, rules = 0;
  {
    pqxx::work txn(db);
    stock_rows = txn.exec("SELECT count(*) FROM inventory.stock")[0][0].as<long>();
    movements = txn.exec("SELECT count(*) FROM inventory.movements")[0][0].as<long>();
    rules = txn.exec("SELECT count(*) FROM inventory.reorder_rules")[0][0].as<long>();
  }
  std::size_t drift_rows = 0, low_rows = 0, expiring_rows = 0, events = 0;
  auto timed = [&](const char* what, const std::function<void(ims::infra::PgStockCheckStore&)>& fn) {
    const auto ms = median_ms(runs, [&] {
      pqxx::work txn(db);
      ims::infra::PgStockCheckStore store(txn);
      fn(store);
      // rolled back: every run sees the same data (no drafts, no marks)
    });
    std::cout << "| " << what << " | " << ms << " ms |\n";
  };
  std::cout << "stock rows " << stock_rows << ", movements " << movements << ", reorder rules " << rules
            << " (filled in " << fill_s << " s); median of " << runs
            << " runs\n\n| query | median |\n|---|---|\n";
  timed("reconciliation (stock vs Σ movements)", [&](auto& s) { drift_rows = s.drift().size(); });
  timed("low stock (every reorder rule)", [&](auto& s) { low_rows = s.low_stock().size(); });
  timed("expiring lots (30 days)", [&](auto& s) { expiring_rows = s.expiring_lots(30).size(); });
  timed("whole check (drafts included, rolled back)", [&](auto& s) {
    CountingOutbox outbox;
    ims::workers::stock::check_inventory(s, outbox, {nullptr, 30, "bench"});
    events = outbox.events;
  });
  std::cout << "\nfound: " << drift_rows << " drifting rows, " << low_rows << " low rules, " << expiring_rows
            << " expiring lot rows; the whole check announces " << events << " events\n";
  db_holder.reset();  // before the database is dropped
  return 0;
}
