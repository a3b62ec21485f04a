// ims-worker --role stock|alerts|labels|reports|webhooks: one consumer of the role's queue, and
// the role's own threads after commit (the alerts worker's email sender, the webhooks worker's
// delivery senders, the reports worker's pruner).
#include <iostream>
#include <string>

#include "alerts/alert_gauges.hpp"
#include "alerts/email_sender.hpp"
#include "alerts/handlers.hpp"
#include "consumer.hpp"
#include "ims/infra/config.hpp"
#include "ims/infra/ledger_lock.hpp"
#include "labels/handlers.hpp"
#include "reports/handlers.hpp"
#include "reports/report_pruner.hpp"
#include "stock/handlers.hpp"
#include "webhooks/delivery_sender.hpp"
#include "webhooks/handlers.hpp"

namespace {
using namespace ims;

// What a role consumes with, and the threads it runs beside its consumer (they stop before it).
struct Role {
  std::map<std::string, workers::MessageHandler> handlers;
  std::map<std::string, workers::BatchHandler> batch_handlers;
  workers::TallySink tally_sink;
  // Run first in each of its transactions (Consumer::before_each_transaction), if any.
  std::function<void(pqxx::work&)> before_each_transaction;
  std::unique_ptr<workers::alerts::EmailSender> sender;
  std::unique_ptr<workers::alerts::AlertGauges> alert_gauges;
  std::unique_ptr<workers::webhooks::DeliverySender> webhook_sender;
  std::unique_ptr<workers::reports::ReportPruner> report_pruner;
};

Role wire(const std::string& role, const infra::Config& config, const infra::Log& log,
          infra::Metrics& metrics) {
  Role r;
  if (role == "stock") {
    r.handlers = workers::stock::handlers(config);
    r.tally_sink = workers::stock::tally_sink(metrics);
    r.batch_handlers = {{"order.created", [](pqxx::work&, std::vector<workers::MessageContext>& messages) {
                           workers::stock::orders_created(messages);
                         }}};
    // The ledger: one stock transaction at a time, whichever replica runs it.
    r.before_each_transaction = infra::lock_stock_ledger;
  } else if (role == "alerts") {
    r.handlers = workers::alerts::handlers(workers::alerts::settings_from(config));
    r.sender = std::make_unique<workers::alerts::EmailSender>(config, log.with("part", "email"), metrics);
    r.alert_gauges =
        std::make_unique<workers::alerts::AlertGauges>(config, log.with("part", "gauges"), metrics);
  } else if (role == "labels") {
    r.handlers = workers::labels::handlers(workers::labels::settings_from(config));
    r.tally_sink = workers::labels::tally_sink(metrics);
  } else if (role == "reports") {
    const auto settings = workers::reports::settings_from(config);
    r.handlers = workers::reports::handlers(settings);
    r.tally_sink = workers::reports::tally_sink(metrics);
    r.report_pruner = std::make_unique<workers::reports::ReportPruner>(config, settings,
                                                                       log.with("part", "pruner"), metrics);
  } else if (role == "webhooks") {
    r.handlers = workers::webhooks::handlers();
    r.webhook_sender =
        std::make_unique<workers::webhooks::DeliverySender>(config, log.with("part", "sender"), metrics);
  }
  return r;
}

}  // namespace

int main(int argc, char** argv) {
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
  auto wired = wire(role, *config, log, metrics);
  workers::Consumer consumer(*config, role, log, metrics, std::move(wired.handlers), {},
                             std::move(wired.batch_handlers), std::move(wired.tally_sink));
  if (wired.before_each_transaction)
    consumer.before_each_transaction(std::move(wired.before_each_transaction));
  consumer.run(stop);
  return 0;
}
