// Benchmark: stock adjustments end to end (POST → applied by the stock worker) and the stock
// worker's drain rate. Runs against a running stack (scripts/run, or the test stack):
//   build/bench/ims-bench-adjustments [--requests N] [--concurrency C]
// Reads IMS_HTTP_PORT and IMS_DATABASE_URL like every IMS process. Prints a table.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "ims/infra/pg.hpp"
#include "support/http_client.hpp"

using namespace ims::test;
using Clock = std::chrono::steady_clock;

namespace {

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  int requests = 5000, concurrency = 16;
  for (int i = 1; i + 1 < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--requests")
      requests = std::stoi(argv[++i]);
    else if (a == "--concurrency")
      concurrency = std::stoi(argv[++i]);
  }
  const std::string db_url = env_or("IMS_DATABASE_URL", "postgresql://ims:ims@127.0.0.1:25432/ims");
  const auto token = token_for("manufacturer");
  const auto sku = "BENCH-" + unique_suffix();
  auto product = api("POST", "/api/v1/products",
                     nlohmann::json{{"sku", sku},
                                    {"name", "Benchmark " + sku},
                                    {"kind", "finished_good"},
                                    {"unit_of_measure", "pcs"},
                                    {"price", 1},
                                    {"cost", 1}}
                         .dump(),
                     {{bearer(token)}});
  if (product.status != 201) {
    std::cerr << "cannot create the benchmark product: " << product.body << "\n";
    return 1;
  }
  const auto product_id = product.json()["id"].get<long>();
  ims::infra::PgSession lookup(db_url);
  const auto factory = lookup.transact([](pqxx::work& txn) {
    return txn.exec("SELECT id FROM inventory.locations WHERE code = 'FACTORY-01'")[0][0].as<long>();
  });
  const std::string body_prefix = "{\"product_id\":" + std::to_string(product_id) +
                                  ",\"location_id\":" + std::to_string(factory) +
                                  ",\"quantity_delta\":1,\"reason\":\"" + sku + "\"}";

  std::vector<std::vector<double>> latencies(concurrency);
  std::atomic<int> next{0}, errors{0};
  const auto started = Clock::now();
  std::vector<std::thread> clients;
  for (int c = 0; c < concurrency; ++c) {
    clients.emplace_back([&, c] {
      while (next++ < requests) {
        const auto t0 = Clock::now();
        auto r = api("POST", "/api/v1/stock/adjustments", body_prefix, {{bearer(token)}});
        latencies[c].push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        if (r.status != 202) ++errors;
      }
    });
  }
  for (auto& t : clients) t.join();
  const double intake_s = std::chrono::duration<double>(Clock::now() - started).count();

  ims::infra::PgSession db(db_url);
  long done = 0;
  while (done < requests - errors) {
    done = db.transact([&](pqxx::work& txn) {
      return txn
          .exec_params1(
              "SELECT count(*) FROM inventory.adjustments WHERE reason = $1 AND status <> 'pending'", sku)[0]
          .as<long>();
    });
    if (Clock::now() - started > std::chrono::minutes(10)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const double total_s = std::chrono::duration<double>(Clock::now() - started).count();
  auto stats = db.transact([&](pqxx::work& txn) {
    return txn.exec_params1(
        "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM decided_at - created_at)) * "
        "1000,"
        "       percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM decided_at - created_at)) * "
        "1000,"
        "       extract(epoch FROM max(decided_at) - min(decided_at)),"
        "       count(*) FILTER (WHERE status = 'applied')"
        " FROM inventory.adjustments WHERE reason = $1",
        sku);
  });
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  const double drain_s = stats[2].as<double>();
  std::printf("| measure | value |\n|---|---|\n");
  std::printf("| adjustments posted | %d at %d concurrent clients (%d errors) |\n", requests, concurrency,
              errors.load());
  std::printf("| intake (POST → 202) | %.0f req/s |\n", requests / intake_s);
  std::printf("| POST latency p50 / p99 | %.2f / %.2f ms |\n", percentile(all, 0.5), percentile(all, 0.99));
  std::printf("| recorded → applied p50 / p99 | %.1f / %.1f ms |\n", stats[0].as<double>(),
              stats[1].as<double>());
  std::printf("| stock worker throughput | %.0f adjustments/s (first to last decision) |\n",
              drain_s > 0 ? done / drain_s : 0.0);
  std::printf("| all applied after | %.2f s (%ld applied) |\n", total_s, stats[3].as<long>());
  return errors == 0 && done == requests ? 0 : 1;
}
