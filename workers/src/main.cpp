// ims-worker --role stock|alerts|labels|reports|webhooks
// Declares the messaging topology for its role (idempotently, reconnecting with backoff while the
// broker is away), exposes /metrics, and stops cleanly on SIGTERM. Message handling per role
// arrives with the issues that define each role's work.
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <algorithm>
#include <iostream>
#include <string>

#include "ims/infra/amqp.hpp"
#include "ims/infra/config.hpp"
#include "ims/infra/errors.hpp"
#include "ims/infra/log.hpp"
#include "ims/infra/metrics.hpp"
#include "ims/infra/process.hpp"

int main(int argc, char** argv) {
  using namespace ims;
  std::string role;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--role") role = argv[i + 1];
  }
  if (!infra::queue_bindings().contains(role)) {
    std::cerr << "usage: ims-worker --role stock|alerts|labels|reports|webhooks\n";
    return 2;
  }
  auto config = infra::load_config(infra::process_env());
  if (!config) {
    std::cerr << "ims-worker: " << config.error().message << "\n";
    for (const auto& f : config.error().fields) std::cerr << "  " << f.field << ": " << f.message << "\n";
    return 2;
  }
  infra::StopSignal stop;
  auto log = infra::Log::create("ims-worker", config->log_level).with("role", role);
  infra::Metrics metrics("ims-worker-" + role);
  auto& connected = prometheus::BuildGauge()
                        .Name("ims_worker_broker_connected")
                        .Help("1 while the worker holds a connection to RabbitMQ")
                        .Register(metrics.registry())
                        .Add({{"queue", "ims." + role}});
  std::unique_ptr<infra::MetricsEndpoint> endpoint;
  if (config->metrics_port > 0) endpoint = std::make_unique<infra::MetricsEndpoint>(metrics, config->http_host, config->metrics_port);

  std::unique_ptr<infra::AmqpConnection> broker;
  int backoff_ms = 250;
  while (!stop.received()) {
    if (!broker) {
      try {
        broker = std::make_unique<infra::AmqpConnection>(config->amqp_url);
        infra::declare_topology(*broker);
        connected.Set(1);
        backoff_ms = 250;
        log.info("topology declared", {{"queue", "ims." + role}});
      } catch (const infra::DependencyUnavailable& e) {
        broker.reset();
        connected.Set(0);
        log.warn("broker unavailable; retrying", {{"error", e.what()}, {"retry_ms", std::to_string(backoff_ms)}});
        stop.wait_for(std::chrono::milliseconds(backoff_ms));
        backoff_ms = std::min(backoff_ms * 2, 10'000);
        continue;
      }
    }
    stop.wait_for(std::chrono::seconds(1));
  }
  log.info("stopped");
  return 0;
}
