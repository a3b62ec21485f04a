// ims-scheduler: one leader at a time through a PostgreSQL advisory lock held on its own session;
// a standby takes over when the leader's session ends. The leader runs the jobs: for now, expiring
// approval requests pending past their SLA (their holds are then given back by the stock worker).
// The inventory check and the schedules API arrive with their issue.
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <iostream>
#include <memory>

#include <pqxx/pqxx>

#include "ims/infra/config.hpp"
#include "ims/infra/log.hpp"
#include "ims/infra/metrics.hpp"
#include "ims/infra/outbox.hpp"
#include "ims/infra/pg.hpp"
#include "ims/infra/process.hpp"

int main() {
  using namespace ims;
  auto config = infra::load_config(infra::process_env());
  if (!config) {
    std::cerr << "ims-scheduler: " << config.error().message << "\n";
    for (const auto& f : config.error().fields) std::cerr << "  " << f.field << ": " << f.message << "\n";
    return 2;
  }
  infra::StopSignal stop;
  auto log = infra::Log::create("ims-scheduler", config->log_level);
  infra::Metrics metrics("ims-scheduler");
  auto& leader = prometheus::BuildGauge()
                     .Name("ims_scheduler_leader")
                     .Help("1 while this scheduler holds the leader lock")
                     .Register(metrics.registry())
                     .Add({});
  std::unique_ptr<infra::MetricsEndpoint> endpoint;
  if (config->metrics_port > 0) endpoint = std::make_unique<infra::MetricsEndpoint>(metrics, config->http_host, config->metrics_port);

  constexpr long long leader_lock_key = 0x494d53'534348;  // "IMSSCH"
  std::unique_ptr<pqxx::connection> session;
  bool is_leader = false;
  auto last_expiry = std::chrono::steady_clock::time_point{};
  // Requests pending past their SLA expire, each with its request.expired event, in one transaction.
  auto expire_requests = [&](pqxx::connection& db) {
    pqxx::work txn(db);
    auto rows = txn.exec(
        "UPDATE inventory.requests SET status = 'expired', updated_at = now(), version = version + 1"
        " WHERE status = 'pending' AND expires_at < now()"
        " RETURNING id, number, action, product_id, from_location_id, to_location_id");
    for (const auto& r : rows) {
      infra::append_event(txn, {"request.expired",
                                {{"request_id", r[0].as<std::int64_t>()},
                                 {"number", r[1].as<std::string>()},
                                 {"action", r[2].as<std::string>()},
                                 {"status", "expired"},
                                 {"product_id", r[3].as<std::int64_t>()},
                                 {"from_location_id", r[4].as<std::int64_t>()},
                                 {"to_location_id", r[5].is_null() ? nlohmann::json(nullptr) : nlohmann::json(r[5].as<std::int64_t>())}},
                                "scheduler",
                                std::nullopt});
    }
    txn.commit();
    if (!rows.empty()) log.info("requests expired", {{"count", std::to_string(rows.size())}});
  };
  while (!stop.received()) {
    try {
      if (!session || !session->is_open()) {
        session = std::make_unique<pqxx::connection>(infra::with_connect_timeout(config->database_url, 3));
        is_leader = false;
      }
      pqxx::nontransaction q(*session);
      if (!is_leader) {
        is_leader = q.exec("SELECT pg_try_advisory_lock(" + std::to_string(leader_lock_key) + ")")[0][0].as<bool>();
        if (is_leader) log.info("became leader");
      } else {
        q.exec("SELECT 1");  // notices a lost session (and so a lost lock) promptly
      }
      if (is_leader && std::chrono::steady_clock::now() - last_expiry >= std::chrono::seconds(10)) {
        q.commit();
        expire_requests(*session);
        last_expiry = std::chrono::steady_clock::now();
      }
    } catch (const std::exception& e) {
      if (is_leader) log.warn("lost leadership", {{"error", e.what()}});
      session.reset();
      is_leader = false;
    }
    leader.Set(is_leader ? 1 : 0);
    stop.wait_for(std::chrono::seconds(2));
  }
  log.info("stopped");
  return 0;
}
