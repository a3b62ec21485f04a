// Benchmark: orders (issue 4). Against a running stack (scripts/run, or the test stack):
//   build/bench/ims-bench-orders [--seconds 20] [--concurrency 32] [--no-pgbench] [--overload 60]
//                                [--max-intake ORDERS_PER_S]
// Prints one table with three parts:
//   (a) intake — POST /orders with 1–3 lines from C keep-alive clients for S seconds, the stock
//       worker paused (SIGSTOP) so intake is measured alone: requests/s, p50/p99, errors, and
//       ims-api's peak resident memory;
//   (b) confirmation — the worker resumed on the backlog (a) left: orders/s draining it; then an
//       open-loop load at half (a)'s rate for S seconds: POST → confirmed p50/p99 (from the
//       database's own timestamps: created_at at intake, confirmed_at by the worker);
//   (c) the limit — pgbench against the same database in the same run, running the same SQL as
//       the intake path (the API's own statement texts) and as the confirmation path (the stock
//       worker's prepared statements), and the ratios IMS ÷ pgbench.
//   (d) with --overload SECONDS: calm, twice the maximum intake for SECONDS, calm again — what is
//       refused, the accepted p99 against the calm one, and nothing accepted lost (issue 15).
//       The maximum intake is (a)'s accepted rate, or --max-intake (one measured with another
//       setting, say without IMS_EXECUTOR_LATENCY_TARGET_MS, which refuses some of (a)).
// Reads IMS_HTTP_PORT, IMS_DATABASE_URL and IMS_DATA_DIR (for the processes' pid files).
#include <curl/curl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "ims/infra/order_ledger.hpp"
#include "ims/infra/order_statements.hpp"
#include "ims/infra/pg.hpp"
#include "ims/infra/stock_ledger.hpp"
#include "support/http_client.hpp"

using namespace ims::test;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

namespace {

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// One keep-alive connection per client, as a real HTTP client pool would hold.
class Client {
 public:
  Client() : curl_(curl_easy_init()) {}
  ~Client() { curl_easy_cleanup(curl_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  long post(const std::string& url, const std::string& body, const std::string& auth) {
    std::string sink;
    curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
    headers = curl_slist_append(headers, auth.c_str());
    headers = curl_slist_append(headers, "Expect:");
    curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(
        curl_, CURLOPT_WRITEFUNCTION, +[](char* p, size_t s, size_t n, void* out) {
          static_cast<std::string*>(out)->append(p, s * n);
          return s * n;
        });
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, 15000L);
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    const auto rc = curl_easy_perform(curl_);
    curl_slist_free_all(headers);
    long status = 0;
    if (rc == CURLE_OK) curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &status);
    return status;
  }

 private:
  CURL* curl_;
};

long pid_of(const std::string& name) {
  std::ifstream in(env_or("IMS_DATA_DIR", ".ims/run") + "/pids/" + name + ".pid");
  long pid = 0;
  in >> pid;
  return pid > 0 && ::kill(static_cast<pid_t>(pid), 0) == 0 ? pid : 0;
}

double rss_mb(long pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}

struct Setup {
  std::string token;
  long location = 0;
  std::vector<long> products;
};

Setup prepare() {
  Setup s;
  s.token = token_for("manufacturer");
  const auto admin = token_for("admin");
  const auto tag = unique_suffix();
  const auto stockist = api("GET", "/api/v1/locations?limit=500", "", {{bearer(admin)}}).json();
  long upstream = 0;
  for (const auto& l : stockist["items"]) {
    if (l["code"] == "STK-MUMBAI") upstream = l["id"];
  }
  auto loc = api("POST", "/api/v1/locations",
                 json{{"code", "BENCH-" + tag.substr(0, 20)},
                      {"name", "Benchmark store " + tag},
                      {"kind", "retail"},
                      {"upstream_location_id", upstream}}
                     .dump(),
                 {{bearer(admin)}});
  if (loc.status != 201) throw std::runtime_error("bench location: " + loc.body);
  s.location = loc.json()["id"];
  for (int i = 0; i < 3; ++i) {
    auto p = api("POST", "/api/v1/products",
                 json{{"sku", "BENCH-" + tag + "-" + std::to_string(i)},
                      {"name", "Benchmark " + tag},
                      {"kind", "finished_good"},
                      {"unit_of_measure", "pcs"},
                      {"price", "10.00"},
                      {"cost", "4.00"}}
                     .dump(),
                 {{bearer(s.token)}});
    if (p.status != 201) throw std::runtime_error("bench product: " + p.body);
    s.products.push_back(p.json()["id"]);
    auto adj = api("POST", "/api/v1/stock/adjustments",
                   json{{"product_id", s.products.back()},
                        {"location_id", s.location},
                        {"quantity_delta", 10'000'000},
                        {"reason", "benchmark stock"}}
                       .dump(),
                   {{bearer(s.token)}});
    if (adj.status != 202) throw std::runtime_error("bench stock: " + adj.body);
  }
  return s;
}

std::string order_body(const Setup& s, std::mt19937& rng, const std::string& customer) {
  const int n = std::uniform_int_distribution<int>(1, 3)(rng);
  json lines = json::array();
  for (int i = 0; i < n; ++i) lines.push_back({{"product_id", s.products[i]}, {"quantity", 1}});
  return json{{"kind", "sale"}, {"seller_location_id", s.location}, {"customer", customer}, {"lines", lines}}
      .dump();
}

struct LoadResult {
  long sent = 0, errors = 0;  // errors: every answer but 202
  long refused = 0;           // of the errors, 503 and 429: told at once to come back
  double seconds = 0, p50 = 0, p99 = 0, peak_rss_mb = 0;  // p50 and p99 of the 202s
  double refused_p99 = 0;                                 // how long a refusal took
};

// Closed loop (rate 0: as fast as the server answers) or open loop at `rate` orders/s in total.
LoadResult load(const Setup& s, int clients, double seconds, double rate, const std::string& customer,
                long api_pid) {
  std::vector<std::vector<double>> latencies(static_cast<std::size_t>(clients));
  std::vector<std::vector<double>> refusals(static_cast<std::size_t>(clients));
  std::atomic<long> sent{0}, errors{0}, refused{0};
  std::atomic<bool> done{false};
  const auto url = base_url() + "/api/v1/orders";
  const auto auth = bearer(s.token);
  const auto started = Clock::now();
  double peak = 0;
  std::thread sampler([&] {
    while (!done) {
      if (api_pid) peak = std::max(peak, rss_mb(api_pid));
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(clients));
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      Client client;
      std::mt19937 rng(static_cast<unsigned>(c) * 7919u + 1u);
      const auto interval =
          rate > 0 ? std::chrono::duration<double>(clients / rate) : std::chrono::duration<double>(0);
      auto next = started +
                  std::chrono::duration_cast<Clock::duration>(interval * (static_cast<double>(c) / clients));
      while (seconds_since(started) < seconds) {
        if (rate > 0) {
          std::this_thread::sleep_until(next);
          next += std::chrono::duration_cast<Clock::duration>(interval);
        }
        const auto body = order_body(s, rng, customer);
        const auto t0 = Clock::now();
        const auto status = client.post(url, body, auth);
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        ++sent;
        if (status == 202) {
          latencies[c].push_back(ms);
        } else {
          ++errors;
        }
        if (status == 503 || status == 429) {
          ++refused;
          refusals[c].push_back(ms);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  LoadResult r;
  r.seconds = seconds_since(started);
  done = true;
  sampler.join();
  std::vector<double> all, refused_all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  for (auto& l : refusals) refused_all.insert(refused_all.end(), l.begin(), l.end());
  r.sent = sent;
  r.errors = errors;
  r.refused = refused;
  r.refused_p99 = percentile(refused_all, 0.99);
  r.p50 = percentile(all, 0.5);
  r.p99 = percentile(all, 0.99);
  r.peak_rss_mb = peak;
  return r;
}

long orders_of(ims::infra::PgSession& db, const std::string& customer) {
  return db.transact([&](pqxx::work& txn) {
    return txn.exec_params1("SELECT count(*) FROM sales.orders WHERE customer = $1", customer)[0].as<long>();
  });
}

long undecided(ims::infra::PgSession& db, const std::string& customer) {
  return db.transact([&](pqxx::work& txn) {
    return txn
        .exec_params1("SELECT count(*) FROM sales.orders WHERE customer = $1 AND status = 'pending'",
                      customer)[0]
        .as<long>();
  });
}

void wait_decided(ims::infra::PgSession& db, const std::string& customer) {
  const auto deadline = Clock::now() + std::chrono::minutes(10);
  while (undecided(db, customer) > 0 && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

// $N → the pgbench expression for it, in one pass; a placeholder with no argument is an error (an
// intake statement that gained a parameter must not turn into a silently wrong pgbench script).
std::string bind(const std::string& sql, const std::vector<std::string>& args) {
  std::string out;
  for (std::size_t at = 0; at < sql.size();) {
    std::size_t end = at + 1;
    while (sql[at] == '$' && end < sql.size() && std::isdigit(static_cast<unsigned char>(sql[end]))) ++end;
    if (sql[at] != '$' || end == at + 1) {
      out += sql[at++];
      continue;
    }
    const auto n = std::stoul(sql.substr(at + 1, end - at - 1));
    if (n == 0 || n > args.size())
      throw std::runtime_error("statement has $" + std::to_string(n) + " but no argument for it");
    out += args[n - 1];
    at = end;
  }
  return out;
}

std::string statement(const std::string& name) {
  static const auto all = [] {
    auto out = ims::infra::PgOrderLedger::statements();
    auto stock = ims::infra::PgStockLedger::statements();
    out.insert(out.end(), stock.begin(), stock.end());
    return out;
  }();
  for (const auto& [n, sql] : all) {
    if (n == name) return sql;
  }
  throw std::runtime_error("no worker statement " + name);
}

// pgbench runs every statement as written; one statement per line.
std::string one_line(std::string sql) {
  std::replace(sql.begin(), sql.end(), '\n', ' ');
  return sql;
}

// The intake transaction: the lookup and the insert, with the API's statement texts. The outbox
// row is written already published (so the relay leaves it alone and the worker never sees it).
std::string intake_script() {
  std::string insert = ims::infra::order_insert_sql;
  const std::string outbox = "INSERT INTO messaging.outbox (id, type, envelope)";
  insert.replace(insert.find(outbox), outbox.size(),
                 "INSERT INTO messaging.outbox (id, type, envelope, published_at)");
  const std::string values = "'{data,number}', to_jsonb(o.number)) FROM o RETURNING 1)";
  insert.replace(insert.find(values), values.size(),
                 "'{data,number}', to_jsonb(o.number)), now() FROM o RETURNING 1)");
  insert.replace(insert.find("pg_notify('ims_outbox'"), std::string("pg_notify('ims_outbox'").size(),
                 "pg_notify('ims_bench'");
  // pgbench would read ":MI" and ":SS" in the timestamp format as its variables.
  const std::string format = "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'";
  insert.replace(insert.find(format), format.size(), "'YYYY-MM-DD\"T\"HH24\"h\"MI\"m\"SS.MS\"Z\"'");
  const std::string lines =
      "(SELECT jsonb_agg(jsonb_build_object('line_no', g, 'product_id', (ARRAY[:p1, :p2, :p3]::bigint[])[g], "
      "'quantity', '1',"
      " 'unit_price', '10.00', 'lot_code', NULL, 'expires_on', NULL)) FROM generate_series(1, (:n)::int) g)";
  std::string s = "\\set n random(1, 3)\nBEGIN;\n";
  s += one_line(bind(ims::infra::order_lookup_sql, {"(ARRAY[:p1, :p2, :p3]::bigint[])::text",
                                                    "(ARRAY[:loc]::bigint[])::text", "NULL::bigint"})) +
       ";\n";
  s += one_line(bind(insert, {lines, "'sale'", ":loc", "NULL::bigint", "NULL::bigint", "'pgbench'", ":actor",
                              "'pgbench'", "gen_random_uuid()",
                              "'{\"type\": \"order.created\", \"data\": {}}'", "NULL::bigint"})) +
       ";\n";
  s += "END;\n";
  return s;
}

// The confirmation transaction of one order as the stock worker runs it, with its prepared
// statement texts: inbox row in a savepoint, lock the order and read its lines, lock the products'
// stock, reserve every line, decide (with history and event), and per product announce the level.
std::string confirm_script() {
  std::string s = "BEGIN;\n";
  s += "SAVEPOINT ims_message;\n";  // the worker sends these two in one round trip; pgbench cannot
  s += "INSERT INTO messaging.inbox (consumer, message_id) VALUES ('pgbench', gen_random_uuid()::text) ON "
       "CONFLICT DO NOTHING RETURNING 1;\n";
  // Which order this transaction confirms: the next of those the intake run left pending (the
  // worker is handed it by its message; here a sequence deals them out, one per transaction).
  s += "SELECT q.id AS oid, (SELECT count(*) FROM sales.order_lines x WHERE x.order_id = q.id) AS n"
       " FROM public.ims_bench_queue q WHERE q.n = (SELECT nextval('public.ims_bench_pick'))\n\\gset\n";
  s += one_line(bind(statement("ledger_order_lock_with_lines"), {":oid"})) + ";\n";
  const std::string products =
      "(SELECT array_agg(product_id ORDER BY line_no) FROM sales.order_lines WHERE order_id = :oid)";
  s += one_line(bind(statement("ledger_seller_stock_lock"), {":loc", products})) + ";\n";
  const std::string stock_ids =
      "(SELECT array_agg(s.id ORDER BY l.line_no) FROM sales.order_lines l JOIN inventory.stock s"
      " ON s.product_id = l.product_id AND s.location_id = :loc AND s.lot_id IS NULL WHERE l.order_id = "
      ":oid)";
  s += one_line(
           bind(statement("ledger_reservations_make"),
                {"(SELECT array_agg(id ORDER BY line_no) FROM sales.order_lines WHERE order_id = :oid)",
                 stock_ids, products, "array_fill((:loc)::bigint, ARRAY[(:n)::int])",
                 "array_fill(NULL::bigint, ARRAY[(:n)::int])", "array_fill(1::numeric, ARRAY[(:n)::int])"})) +
       ";\n";
  s += one_line(bind(statement("ledger_orders_decide"),
                     {"ARRAY[(:oid)::bigint]", "ARRAY['confirmed']", "ARRAY[NULL::text]", "ARRAY['pending']",
                      "ARRAY['pgbench']", "ARRAY[gen_random_uuid()]", "ARRAY['order.confirmed']",
                      "ARRAY['{\"data\": {}}']"})) +
       ";\n";
  for (int i = 1; i <= 3; ++i) {
    const auto p = ":p" + std::to_string(i);
    if (i > 1) s += "\\if :n >= " + std::to_string(i) + "\n";
    s += one_line(bind(statement("stock_announce"), {p, ":loc", "gen_random_uuid()", "'{\"data\": {}}'"})) +
         ";\n";
    if (i > 1) s += "\\endif\n";
  }
  s += "RELEASE SAVEPOINT ims_message;\nEND;\n";
  return s;
}

double pgbench(const std::string& script, const std::string& name, int clients,
               const std::string& duration_flag, const Setup& s, long actor) {
  const auto path = "/tmp/ims-bench-" + name + ".sql";
  std::ofstream(path) << script;
  const auto binary = env_or("PGBENCH", "/usr/lib/postgresql/15/bin/pgbench");
  std::ostringstream cmd;
  cmd << binary << " -n -M prepared -c " << clients << " -j " << std::min(clients, 2) << " " << duration_flag
      << " -f " << path << " -D loc=" << s.location << " -D p1=" << s.products[0]
      << " -D p2=" << s.products[1] << " -D p3=" << s.products[2] << " -D actor=" << actor << " '"
      << env_or("IMS_DATABASE_URL", "postgresql://ims:ims@127.0.0.1:25432/ims") << "' 2>&1";
  FILE* pipe = ::popen(cmd.str().c_str(), "r");
  std::string out;
  char buf[4096];
  while (pipe && std::fgets(buf, sizeof buf, pipe)) out += buf;
  if (pipe) ::pclose(pipe);
  std::smatch m;
  static const std::regex tps(R"(tps = ([0-9.]+) \(without initial connection time\))");
  if (!std::regex_search(out, m, tps)) {
    std::cerr << "pgbench " << name << " failed:\n" << out << "\n";
    return 0;
  }
  return std::stod(m[1]);
}

}  // namespace

// (d) overload (issue 15, part 3): calm at a tenth of the maximum intake, then twice the maximum for
// `seconds` with four times the clients, then calm again; the stock worker running throughout.
// IMS must refuse at once (503/429) what it cannot take, keep the accepted requests' p99 within 3x
// the calm p99, lose none of what it accepted, and be calm again at once.
void overload(ims::infra::PgSession& db, const Setup& s, int concurrency, int seconds, double intake_rate,
              long api_pid, const std::string& tag) {
  const auto before = "bench-calm-" + tag, during = "bench-over-" + tag, after = "bench-after-" + tag;
  const auto calm = load(s, concurrency, 10, intake_rate * 0.1, before, api_pid);
  const auto over = load(s, concurrency * 4, seconds, intake_rate * 2, during, api_pid);
  const auto again = load(s, concurrency, 10, intake_rate * 0.1, after, api_pid);
  long lost = 0, accepted = 0;
  for (const auto& [customer, run] :
       {std::pair{before, calm}, std::pair{during, over}, std::pair{after, again}}) {
    wait_decided(db, customer);
    const long taken = run.sent - run.errors;
    accepted += taken;
    lost += taken - orders_of(db, customer) + undecided(db, customer);
  }
  std::printf(
      "| (d) overload | calm: open loop at %.0f orders/s, 10 s: p50 / p99 | %.1f / %.1f ms (%ld errors) |\n",
      intake_rate * 0.1, calm.p50, calm.p99, calm.errors);
  std::printf(
      "| (d) overload | at 2x max intake (%.0f orders/s offered, %.0f sent), %d clients, %d s | %ld accepted "
      "(%.0f/s), %ld refused 503/429, %ld other errors |\n",
      intake_rate * 2, static_cast<double>(over.sent) / over.seconds, concurrency * 4, seconds,
      over.sent - over.errors, static_cast<double>(over.sent - over.errors) / over.seconds, over.refused,
      over.errors - over.refused);
  std::printf(
      "| (d) overload | … accepted p50 / p99; refusals p99 | %.1f / %.1f ms (%.1fx the calm p99); %.1f ms "
      "|\n",
      over.p50, over.p99, calm.p99 > 0 ? over.p99 / calm.p99 : 0, over.refused_p99);
  std::printf("| (d) overload | calm again at once: p50 / p99 | %.1f / %.1f ms (%ld errors) |\n", again.p50,
              again.p99, again.errors);
  std::printf(
      "| (d) overload | accepted in the three runs, lost (not recorded or never decided) | %ld, %ld |\n",
      accepted, lost);
}

int main(int argc, char** argv) {
  int seconds = 20, concurrency = 32, overload_seconds = 0;
  double max_intake = 0;  // --max-intake: the rate (b) and (d) take as the maximum, instead of (a)'s
  bool with_pgbench = true;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--seconds" && i + 1 < argc)
      seconds = std::stoi(argv[++i]);
    else if (a == "--concurrency" && i + 1 < argc)
      concurrency = std::stoi(argv[++i]);
    else if (a == "--no-pgbench")
      with_pgbench = false;
    else if (a == "--overload" && i + 1 < argc)
      overload_seconds = std::stoi(argv[++i]);
    else if (a == "--max-intake" && i + 1 < argc)
      max_intake = std::stod(argv[++i]);
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  ims::infra::PgSession db(env_or("IMS_DATABASE_URL", "postgresql://ims:ims@127.0.0.1:25432/ims"));
  const auto s = prepare();
  const auto actor = db.transact([](pqxx::work& txn) {
    return txn.exec("SELECT id FROM auth.users WHERE username = 'manufacturer'")[0][0].as<long>();
  });
  const long api_pid = pid_of("ims-api");
  const long worker_pid = pid_of("ims-worker-stock");
  std::this_thread::sleep_for(std::chrono::seconds(2));  // the opening stock is applied
  const auto tag = unique_suffix();

  // (a) intake alone: the stock worker paused, so its work does not share the two cores.
  const auto intake_customer = "bench-intake-" + tag;
  if (worker_pid) ::kill(static_cast<pid_t>(worker_pid), SIGSTOP);
  const auto intake = load(s, concurrency, seconds, 0, intake_customer, api_pid);
  // (b1) the worker resumed on the backlog intake left behind.
  const auto drain_started = Clock::now();
  if (worker_pid) ::kill(static_cast<pid_t>(worker_pid), SIGCONT);
  wait_decided(db, intake_customer);
  const double drain_s = seconds_since(drain_started);
  // What the server took: a refusal (503/429) is not intake.
  const double intake_rate =
      max_intake > 0 ? max_intake : static_cast<double>(intake.sent - intake.errors) / intake.seconds;
  const double drain_rate = static_cast<double>(intake.sent - intake.errors) / drain_s;

  // (b2) POST → confirmed at half the maximum intake rate, the worker running; and at a quarter,
  // to show the latency when the worker is not the bound.
  struct Paced {
    double fraction;
    LoadResult load;
    pqxx::row confirm;
  };
  std::vector<Paced> paced_runs;
  for (double fraction : {0.5, 0.25}) {
    const auto customer = "bench-paced-" + std::to_string(static_cast<int>(fraction * 100)) + "-" + tag;
    auto result = load(s, concurrency, seconds, intake_rate * fraction, customer, api_pid);
    wait_decided(db, customer);
    auto confirm = db.transact([&](pqxx::work& txn) {
      return txn.exec_params1(
          "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM confirmed_at - created_at)) "
          "* 1000,"
          "       percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM confirmed_at - "
          "created_at)) * 1000,"
          "       count(*) FILTER (WHERE status = 'confirmed'), count(*)"
          " FROM sales.orders WHERE customer = $1",
          customer);
    });
    paced_runs.push_back({fraction, result, confirm});
  }

  // (c) pgbench: the same transactions against the same database, now.
  double pg_intake = 0, pg_confirm_1 = 0, pg_confirm_4 = 0;
  if (with_pgbench) {
    pg_intake = pgbench(intake_script(), "intake", concurrency, "-T " + std::to_string(seconds), s, actor);
    db.transact([&](pqxx::work& txn) {
      txn.exec(
          "DROP TABLE IF EXISTS public.ims_bench_queue; DROP SEQUENCE IF EXISTS public.ims_bench_pick;"
          " CREATE SEQUENCE public.ims_bench_pick;"
          " CREATE TABLE public.ims_bench_queue AS SELECT row_number() OVER (ORDER BY id) AS n, id FROM "
          "sales.orders"
          " WHERE seller_location_id = " +
          std::to_string(s.location) +
          " AND status = 'pending' AND customer = 'pgbench';"
          " CREATE UNIQUE INDEX ON public.ims_bench_queue (n); ANALYZE public.ims_bench_queue");
    });
    pg_confirm_1 =
        pgbench(confirm_script(), "confirm", 1, "-T " + std::to_string(std::max(5, seconds / 2)), s, actor);
    pg_confirm_4 =
        pgbench(confirm_script(), "confirm4", 4, "-T " + std::to_string(std::max(5, seconds / 2)), s, actor);
    db.transact([](pqxx::work& txn) {
      txn.exec("DROP TABLE IF EXISTS public.ims_bench_queue; DROP SEQUENCE IF EXISTS public.ims_bench_pick");
    });
  }

  std::printf("| part | measure | value |\n|---|---|---|\n");
  std::printf(
      "| (a) intake | POST /orders, 1–3 lines, %d keep-alive clients, %d s | %.0f req/s (%ld orders, %ld "
      "errors) |\n",
      concurrency, seconds, intake_rate, intake.sent, intake.errors);
  std::printf("| (a) intake | latency p50 / p99 | %.1f / %.1f ms |\n", intake.p50, intake.p99);
  std::printf("| (a) intake | ims-api peak resident memory | %.0f MB |\n", intake.peak_rss_mb);
  std::printf("| (b) confirmation | stock worker draining the %ld-order backlog | %.0f orders/s |\n",
              intake.sent, drain_rate);
  for (const auto& run : paced_runs) {
    const auto& c = run.confirm;
    std::printf(
        "| (b) confirmation | open loop at %.0f orders/s (%.0f%% of max intake), %d s: POST p50 / p99 | %.1f "
        "/ %.1f ms (%ld errors) |\n",
        intake_rate * run.fraction, run.fraction * 100, seconds, run.load.p50, run.load.p99, run.load.errors);
    std::printf(
        "| (b) confirmation | … POST → confirmed p50 / p99 | %.1f / %.1f ms (%ld of %ld confirmed) |\n",
        c[0].as<double>(), c[1].as<double>(), c[2].as<long>(), c[3].as<long>());
  }
  if (with_pgbench) {
    std::printf("| (c) pgbench | intake transaction, %d clients | %.0f tps |\n", concurrency, pg_intake);
    std::printf("| (c) pgbench | confirmation transaction, 1 client (as the one stock worker) | %.0f tps |\n",
                pg_confirm_1);
    std::printf("| (c) pgbench | confirmation transaction, 4 clients | %.0f tps |\n", pg_confirm_4);
    std::printf("| ratio | intake: IMS ÷ pgbench | %.2f |\n", pg_intake > 0 ? intake_rate / pg_intake : 0);
    std::printf("| ratio | confirmation: worker drain ÷ pgbench (1 client) | %.2f |\n",
                pg_confirm_1 > 0 ? drain_rate / pg_confirm_1 : 0);
    std::printf("| ratio | confirmation: worker drain ÷ pgbench (4 clients) | %.2f |\n",
                pg_confirm_4 > 0 ? drain_rate / pg_confirm_4 : 0);
  }
  if (overload_seconds > 0) overload(db, s, concurrency, overload_seconds, intake_rate, api_pid, tag);
  return 0;
}
