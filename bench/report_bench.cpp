// The reports worker's memory and time on a large ledger (issue 11: "a 1,000,000-row movements
// report stays under 64 MB of worker memory"). Builds its own database on the stack's PostgreSQL
// (never the stack's own data), fills inventory.movements with generate_series, then makes one
// movements report per format through the worker's own use case (cursor → <name>.part → rename),
// each in a fresh child process, and prints the rows, file size, time and the child's peak
// resident memory (VmHWM).
//   build/bench/ims-bench-report [--movements 1000000] [--formats csv,json,xlsx]
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include <pqxx/pqxx>

#include "bench_database.hpp"
#include "ims/infra/report_store.hpp"
#include "reports/use_cases.hpp"

namespace {

// A field of /proc/self/status in KiB ("VmHWM", "VmRSS").
long status_kib(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
  }
  return -1;
}

// In a child: request and make one report; prints one table row.
int make_one(const std::string& url, ims::domain::ReportFormat format, const std::string& dir) {
  using namespace ims;
  const long start_kib = status_kib("VmRSS");
  pqxx::connection db(url);
  const auto t0 = std::chrono::steady_clock::now();
  std::optional<workers::reports::ReportOutcome> out;
  std::int64_t size = 0;
  {
    pqxx::work txn(db);
    infra::PgReportStore store(txn);
    infra::PgReportSource source(txn);
    auto created = store.create({domain::ReportType::movements, format,
                                 domain::ReportParams{"2000-01-01", "2100-01-01", std::nullopt, std::nullopt},
                                 std::nullopt, std::nullopt, std::nullopt, "bench"});
    out = workers::reports::make_report(store, source, created->id, {dir, "", 30});
    size = store.find(created->id)->size_bytes.value_or(0);
    txn.commit();
  }
  const auto s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "| " << domain::to_string(format) << " | " << (out ? out->row_count : 0) << " | "
            << size / (1024.0 * 1024.0) << " MiB | " << s << " s | " << status_kib("VmHWM") / 1024.0
            << " MiB (" << start_kib / 1024.0 << " MiB at start) |" << std::endl;
  return out && out->status == domain::ReportStatus::ready ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  long movements = 1'000'000;
  std::string formats = "csv,json,xlsx";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--movements") movements = std::stol(argv[i + 1]);
    if (a == "--formats") formats = argv[i + 1];
  }
  ims::bench::BenchDatabase bench("ims_bench_report");
  const auto bench_url = bench.url();
  const auto t0 = std::chrono::steady_clock::now();
  {
    pqxx::connection db(bench_url);
    pqxx::work txn(db);
    txn.exec("INSERT INTO inventory.locations (code, name, kind) VALUES ('L1', 'Factory', 'factory')");
    txn.exec(
        "INSERT INTO inventory.locations (code, name, kind, upstream_location_id)"
        " SELECT 'L' || g, 'Warehouse ' || g, 'cfa', (SELECT id FROM inventory.locations WHERE code = 'L1')"
        " FROM generate_series(2, 4) g");
    txn.exec(
        "INSERT INTO catalog.products (sku, name, kind, unit_of_measure, price, cost)"
        " SELECT 'B' || g, 'Bench product ' || g, 'finished_good', 'pcs', 10, 4 FROM generate_series(1, "
        "1000) g");
    txn.exec(
        "INSERT INTO inventory.lots (product_id, lot_code, expires_on)"
        " SELECT id, 'LOT-' || id, current_date + 90 FROM catalog.products");
    // Spread over the last 60 days; every reason; a reference on each, like a real ledger.
    txn.exec(
        "INSERT INTO inventory.movements (product_id, location_id, lot_id, quantity, reason, reference, "
        "message_id, at)"
        " SELECT p.id, l.id, lt.id, (g % 50) + 1.5, "
        "(ARRAY['receipt','sale','shipment','transfer_out','transfer_in',"
        "'adjustment'])[1 + g % 6], 'ORD-' || g, 'bench-' || g, now() - (g % 86400) * interval '1 minute'"
        " FROM generate_series(1, " +
        std::to_string(movements) +
        ") g JOIN catalog.products p ON p.id = 1 + g % 1000 JOIN inventory.locations l ON l.code = 'L' || (1 "
        "+ g % 4)"
        " JOIN inventory.lots lt ON lt.product_id = p.id");
    txn.commit();
    pqxx::nontransaction q(db);
    q.exec("ANALYZE");
  }
  const auto fill_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto dir = std::filesystem::temp_directory_path() / ("ims-bench-report-" + std::to_string(getpid()));
  std::cout << movements << " movements (filled in " << fill_s
            << " s); one report per format, each in a fresh process\n\n"
            << "| format | rows | file | time | peak resident memory |\n|---|---|---|---|---|" << std::endl;
  int failures = 0;
  std::stringstream list(formats);
  for (std::string f; std::getline(list, f, ',');) {
    auto format = ims::domain::parse_report_format(f);
    if (!format) {
      std::cerr << "unknown format " << f << "\n";
      return 2;
    }
    const pid_t child = fork();
    if (child == 0) _exit(make_one(bench_url, *format, dir.string()));
    int status = 0;
    waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ++failures;
  }
  std::filesystem::remove_all(dir);
  return failures == 0 ? 0 : 1;
}
