#include "ims/api/outbox_relay.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <pqxx/pqxx>

#include "ims/infra/amqp.hpp"
#include "ims/infra/errors.hpp"
#include "ims/infra/outbox.hpp"
#include "ims/infra/pg.hpp"

namespace ims::api {
namespace {

class Wakeup : public pqxx::notification_receiver {
 public:
  explicit Wakeup(pqxx::connection_base& c) : pqxx::notification_receiver(c, infra::outbox_channel) {}
  void operator()(const std::string&, int) override {}
};

}  // namespace

struct OutboxRelay::State {
  prometheus::Gauge& backlog;
  prometheus::Counter& published;
  prometheus::Counter& errors;
  prometheus::Histogram& lag;
  std::unique_ptr<pqxx::connection> db;
  std::unique_ptr<Wakeup> wakeup;
  std::unique_ptr<infra::AmqpConnection> broker;
};

OutboxRelay::OutboxRelay(const infra::Config& config, infra::Log log, infra::Metrics& metrics)
    : config_(config), log_(std::move(log)) {
  auto& r = metrics.registry();
  // An aggregate with reference members: clang 14 has no parenthesized aggregate init for make_unique.
  // NOLINTNEXTLINE(modernize-make-unique)
  state_.reset(new State{prometheus::BuildGauge()
                             .Name("ims_outbox_backlog")
                             .Help("Events written but not yet published")
                             .Register(r)
                             .Add({}),
                         prometheus::BuildCounter()
                             .Name("ims_outbox_published_total")
                             .Help("Events published and confirmed")
                             .Register(r)
                             .Add({}),
                         prometheus::BuildCounter()
                             .Name("ims_outbox_relay_errors_total")
                             .Help("Relay rounds that failed (broker or database)")
                             .Register(r)
                             .Add({}),
                         prometheus::BuildHistogram()
                             .Name("ims_outbox_publish_lag_seconds")
                             .Help("Time from an event's commit to its confirmed publication")
                             .Register(r)
                             .Add({}, prometheus::Histogram::BucketBoundaries{0.001, 0.005, 0.01, 0.025, 0.05,
                                                                              0.1, 0.25, 0.5, 1, 5, 30, 120}),
                         nullptr, nullptr, nullptr});
}

OutboxRelay::~OutboxRelay() {
  stop();
}

void OutboxRelay::start() {
  thread_ = std::thread([this] { run(); });
}

void OutboxRelay::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_.exchange(true)) return;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void OutboxRelay::pause(std::chrono::milliseconds d) {
  std::unique_lock lock(mutex_);
  cv_.wait_for(lock, d, [this] { return stopping_.load(); });
}

void OutboxRelay::connect() {
  auto& s = *state_;
  if (!s.db || !s.db->is_open()) {
    s.wakeup.reset();
    s.db = std::make_unique<pqxx::connection>(infra::with_connect_timeout(config_.database_url, 3));
    s.wakeup = std::make_unique<Wakeup>(*s.db);
  }
  if (!s.broker) {
    auto broker = std::make_unique<infra::AmqpConnection>(config_.amqp_url);
    infra::declare_topology(*broker);
    broker->enable_confirms();
    s.broker = std::move(broker);
    log_.info("outbox relay connected");
  }
}

std::size_t OutboxRelay::relay_round() {
  // One round: claim, publish, wait for confirms, mark, commit.
  auto& s = *state_;
  pqxx::work txn(*s.db);
  auto rows = txn.exec_params(
      "SELECT id::text, type, envelope::text, coalesce(envelope->>'correlation_id', ''),"
      "       extract(epoch FROM clock_timestamp() - created_at)"
      " FROM messaging.outbox WHERE published_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED",
      config_.outbox_batch);
  if (rows.empty()) return 0;
  std::string ids = "{";
  for (const auto& row : rows) {
    s.broker->publish({infra::events_exchange,
                       row[1].as<std::string>(),
                       row[2].as<std::string>(),
                       row[0].as<std::string>(),
                       row[3].as<std::string>(),
                       row[1].as<std::string>(),
                       {}});
    ids += (ids.size() > 1 ? "," : "") + row[0].as<std::string>();
  }
  ids += "}";
  s.broker->wait_for_confirms();
  txn.exec_params("UPDATE messaging.outbox SET published_at = now() WHERE id = ANY($1::uuid[])", ids);
  txn.commit();
  s.published.Increment(static_cast<double>(rows.size()));
  for (const auto& row : rows) s.lag.Observe(row[4].as<double>());
  return rows.size();
}

void OutboxRelay::run() {
  auto& s = *state_;
  auto backoff = std::chrono::milliseconds(200);
  auto last_backlog = std::chrono::steady_clock::time_point{};
  while (!stopping_) {
    try {
      connect();
      const std::size_t claimed = relay_round();
      backoff = std::chrono::milliseconds(200);
      const auto now = std::chrono::steady_clock::now();
      if (now - last_backlog > std::chrono::seconds(1)) {
        pqxx::nontransaction q(*s.db);
        s.backlog.Set(
            q.exec("SELECT count(*) FROM messaging.outbox WHERE published_at IS NULL")[0][0].as<double>());
        last_backlog = now;
      }
      // Published rows and old idempotency keys are deleted by the scheduler's prune job.
      if (claimed == static_cast<std::size_t>(config_.outbox_batch)) continue;  // more waiting
      s.db->await_notification(0, 250'000);                                     // woken by NOTIFY, else poll
    } catch (const std::exception& e) {
      s.errors.Increment();
      log_.warn("outbox relay round failed; retrying",
                {{"error", e.what()}, {"retry_ms", std::to_string(backoff.count())}});
      // Unconfirmed rows stay unpublished and go out again: duplicates are possible, loss is not.
      s.broker.reset();
      if (s.db && !s.db->is_open()) s.db.reset();
      pause(backoff);
      backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));  // back soon after a restart
    }
  }
  s.wakeup.reset();
  s.broker.reset();
  s.db.reset();
}

}  // namespace ims::api
