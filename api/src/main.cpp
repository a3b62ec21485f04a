// ims-api: wires the concrete parts together and serves until SIGINT/SIGTERM.
#include <algorithm>
#include <csignal>
#include <ctime>
#include <iostream>

#include "ims/api/app.hpp"
#include "ims/api/executor.hpp"
#include "ims/api/outbox_relay.hpp"
#include "ims/api/server.hpp"
#include "ims/infra/config.hpp"
#include "ims/infra/revocation_cache.hpp"

namespace ims::openapi {
std::vector<std::pair<std::string_view, std::string_view>> embedded_files();
}

int main() {
  using namespace ims;
  auto config = infra::load_config(infra::process_env());
  if (!config) {
    std::cerr << "ims-api: " << config.error().message << "\n";
    for (const auto& f : config.error().fields) std::cerr << "  " << f.field << ": " << f.message << "\n";
    return 2;
  }
  const infra::Config& cfg = *config;
  auto log = infra::Log::create("ims-api", cfg.log_level);

  // Signals are taken by this thread alone (sigwait below); every thread started later inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  infra::Metrics metrics("ims-api");
  infra::TokenCodec tokens(cfg.jwt_secret, cfg.jwt_issuer, cfg.access_token_ttl_s);
  infra::PasswordHasher passwords(cfg.password_opslimit, cfg.password_memlimit_kib);
  // Token revocation answers kept up to a second, dropped at once by a revocation on any replica.
  infra::RevocationCache revocations;
  revocations.start(cfg.redis_url);
  api::App app(api::Services{cfg, tokens, passwords, metrics, log,
                             [] { return static_cast<std::int64_t>(std::time(nullptr)); },
                             std::string(openapi::embedded_files().front().second), &revocations});
  api::BoundedExecutor<api::Resources> executor(
      cfg.executor_threads, static_cast<std::size_t>(cfg.executor_queue_limit),
      [&cfg, &metrics] {
        return std::make_unique<api::Resources>(cfg.database_url, cfg.redis_url, &metrics.db_sessions());
      },
      std::chrono::milliseconds(cfg.executor_max_wait_ms),
      std::chrono::milliseconds(cfg.executor_latency_target_ms));
  // Heartbeats well inside the server's request timer, which a quiet stream would otherwise trip.
  api::EventFeed feed(
      cfg.database_url, log.with("component", "event-feed"), metrics,
      std::chrono::seconds(std::max(1, std::min(15, cfg.request_timeout_s / 2))),
      api::FeedLimits{cfg.events_max_streams_per_user, cfg.events_max_streams, cfg.redis_url});
  feed.start();
  api::HttpServer server(app, executor, feed, cfg);
  try {
    server.start();
  } catch (const std::exception& e) {
    log.error("cannot start the HTTP server", {{"error", e.what()}, {"port", std::to_string(cfg.http_port)}});
    return 1;
  }
  api::OutboxRelay relay(cfg, log.with("component", "outbox-relay"), metrics);
  relay.start();
  log.info("listening",
           {{"address", "http://" + cfg.http_host + ":" + std::to_string(cfg.http_port)}, {"env", cfg.env}});
  int received = 0;
  sigwait(&signals, &received);
  log.info("stopping", {{"signal", std::to_string(received)}});
  feed.stop();  // ends the streams, so the server can close their connections
  server.stop();
  executor.stop();
  relay.stop();
  log.info("stopped");
  return 0;
}
