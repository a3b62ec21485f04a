// ims-worker --role stock|alerts|labels|reports|webhooks: one consumer of the role's queue, and
// the role's own threads after commit (the alerts worker's email sender, the webhooks worker's
// delivery senders, the reports worker's pruner).
#include <iostream>
#include <string>

#include "alerts/email_sender.hpp"
#include "alerts/handlers.hpp"
#include "consumer.hpp"
#include "ims/infra/config.hpp"
#include "labels/handlers.hpp"
#include "reports/handlers.hpp"
#include "reports/report_pruner.hpp"
#include "stock/handlers.hpp"
#include "webhooks/delivery_sender.hpp"
#include "webhooks/handlers.hpp"

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
  std::unique_ptr<infra::MetricsEndpoint> endpoint;
  if (config->metrics_port > 0) {
    endpoint = std::make_unique<infra::MetricsEndpoint>(metrics, config->http_host, config->metrics_port);
  }
  std::map<std::string, workers::MessageHandler> handlers;
  infra::PreparedStatements statements;
  std::map<std::string, workers::BatchHandler> batch_handlers;
  std::unique_ptr<workers::alerts::EmailSender> sender;
  std::unique_ptr<workers::webhooks::DeliverySender> webhook_sender;
  std::unique_ptr<workers::reports::ReportPruner> report_pruner;
  std::unique_ptr<workers::stock::OrderDecisions> order_decisions;  // outlives the consumer
  if (role == "stock") {
    order_decisions = std::make_unique<workers::stock::OrderDecisions>(metrics);
    handlers = workers::stock::handlers(*config, *order_decisions);
    batch_handlers = {{"order.created", [decisions = order_decisions.get()](
                                            pqxx::work&, std::vector<workers::MessageContext>& messages) {
                         workers::stock::orders_created(messages, *decisions);
                       }}};
  } else if (role == "alerts") {
    handlers = workers::alerts::handlers(workers::alerts::settings_from(*config));
    sender = std::make_unique<workers::alerts::EmailSender>(*config, log.with("part", "email"), metrics);
  } else if (role == "labels") {
    handlers = workers::labels::handlers(workers::labels::settings_from(*config));
  } else if (role == "reports") {
    const auto settings = workers::reports::settings_from(*config);
    handlers = workers::reports::handlers(settings);
    report_pruner = std::make_unique<workers::reports::ReportPruner>(*config, settings,
                                                                     log.with("part", "pruner"), metrics);
  } else if (role == "webhooks") {
    handlers = workers::webhooks::handlers();
    webhook_sender =
        std::make_unique<workers::webhooks::DeliverySender>(*config, log.with("part", "sender"), metrics);
  }
  workers::Consumer consumer(*config, role, log, metrics, std::move(handlers), std::move(statements),
                             std::move(batch_handlers));
  consumer.run(stop);
  return 0;
}
