#include "consumer.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <algorithm>
#include <chrono>
#include <set>

#include <nlohmann/json.hpp>

#include "ims/infra/errors.hpp"
#include "ims/infra/pg.hpp"

namespace ims::workers {

// The longest wait between tries at a broker or database that is away.
constexpr std::chrono::milliseconds reconnect_cap{2000};

struct Consumer::Meters {
  prometheus::Family<prometheus::Counter>& consumed;
  prometheus::Counter& failed;
  prometheus::Counter& dead_lettered;
  prometheus::Histogram& duration;
  prometheus::Gauge& connected;
};

Consumer::Consumer(const infra::Config& config, std::string role, infra::Log log, infra::Metrics& metrics,
                   std::map<std::string, MessageHandler> handlers, infra::PreparedStatements statements,
                   std::map<std::string, BatchHandler> batch_handlers, TallySink tally_sink)
    : config_(config),
      role_(std::move(role)),
      queue_("ims." + role_),
      log_(std::move(log)),
      handlers_(std::move(handlers)),
      batch_handlers_(std::move(batch_handlers)),
      tally_sink_(std::move(tally_sink)) {
  statements.emplace_back("inbox_insert",
                          "INSERT INTO messaging.inbox (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO "
                          "NOTHING RETURNING 1");
  statements.emplace_back("inbox_insert_many",
                          "INSERT INTO messaging.inbox (consumer, message_id) SELECT $1, unnest($2::text[])"
                          " ON CONFLICT DO NOTHING RETURNING message_id");
  db_ =
      std::make_unique<infra::PgSession>(config.database_url, std::move(statements), &metrics.db_sessions());
  auto& r = metrics.registry();
  const prometheus::Labels q{{"queue", queue_}};
  // An aggregate with reference members: clang 14 has no parenthesized aggregate init for make_unique.
  // NOLINTNEXTLINE(modernize-make-unique)
  meters_.reset(
      new Meters{prometheus::BuildCounter()
                     .Name("ims_messages_consumed_total")
                     .Help("Messages taken off the queue, by outcome (processed, duplicate, ignored)")
                     .Register(r),
                 prometheus::BuildCounter()
                     .Name("ims_messages_failed_total")
                     .Help("Handler failures (each attempt)")
                     .Register(r)
                     .Add(q),
                 prometheus::BuildCounter()
                     .Name("ims_messages_dead_lettered_total")
                     .Help("Messages sent to the dead-letter queue")
                     .Register(r)
                     .Add(q),
                 prometheus::BuildHistogram()
                     .Name("ims_message_handler_duration_seconds")
                     .Help("Time to process one message, transaction included")
                     .Register(r)
                     .Add(q, prometheus::Histogram::BucketBoundaries{0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                                     0.025, 0.05, 0.1, 0.25, 1}),
                 prometheus::BuildGauge()
                     .Name("ims_worker_broker_connected")
                     .Help("1 while the worker holds a connection to RabbitMQ")
                     .Register(r)
                     .Add(q)});
}

Consumer::~Consumer() = default;

void Consumer::run(infra::StopSignal& stop) {
  auto backoff = std::chrono::milliseconds(250);
  while (!stop.received()) {
    try {
      broker_ = std::make_unique<infra::AmqpConnection>(config_.amqp_url);
      infra::declare_topology(*broker_);
      broker_->start_consuming(queue_, config_.worker_prefetch);
      meters_->connected.Set(1);
      backoff = std::chrono::milliseconds(250);
      log_.info("consuming", {{"queue", queue_}});
      consume(stop);
    } catch (const infra::DependencyUnavailable& e) {
      meters_->connected.Set(0);
      broker_.reset();
      dead_letters_.reset();
      log_.warn("broker unavailable; retrying",
                {{"error", e.what()}, {"retry_ms", std::to_string(backoff.count())}});
      stop.wait_for(backoff);
      // Capped at 2 s: one connection per worker costs a recovering broker nothing, and a longer cap
      // kept workers idle up to 10 s after a short restart.
      backoff = std::min(backoff * 2, reconnect_cap);
    }
  }
  meters_->connected.Set(0);
  broker_.reset();
  log_.info("stopped");
}

struct Consumer::Item {
  infra::Delivery delivery;
  infra::Envelope event;
  const MessageHandler* handler = nullptr;
  infra::Log log;
  Tally tally;  // what its work counted, published once committed
};

namespace {
constexpr std::size_t max_batch = 64;

// A text[] literal's element: double-quoted, with quotes and backslashes escaped.
std::string array_element(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// Failures that concern the whole transaction, not one message: retried as a whole.
bool whole_transaction_failure(const std::exception& e) {
  return dynamic_cast<const infra::DependencyUnavailable*>(&e) ||
         dynamic_cast<const pqxx::broken_connection*>(&e) ||
         dynamic_cast<const pqxx::transaction_rollback*>(&e) || dynamic_cast<const pqxx::in_doubt_error*>(&e);
}
}  // namespace

void Consumer::consume(infra::StopSignal& stop) {
  while (!stop.wait_for(std::chrono::milliseconds(0))) {
    auto first = broker_->next_delivery(500);
    if (!first) continue;
    // Whatever else is already here rides in the same commit (a group commit on the consuming side).
    std::vector<infra::Delivery> batch;
    batch.push_back(std::move(*first));
    while (batch.size() < max_batch) {
      auto more = broker_->next_delivery(0);
      if (!more) break;
      batch.push_back(std::move(*more));
    }
    process_batch(batch, stop);
  }
}

void Consumer::process_batch(std::vector<infra::Delivery>& batch, infra::StopSignal& stop) {
  std::vector<Item> items;
  items.reserve(batch.size());
  for (auto& d : batch) {
    std::string why;
    auto event = infra::parse_envelope(d.body, why);
    if (event && !d.message_id.empty() && d.message_id != event->id) {
      why = "message_id property and envelope id differ";
      event.reset();
    }
    if (!event) {
      dead_letter(d, "malformed: " + why);
      broker_->ack(d.delivery_tag);
      continue;
    }
    auto handler = handlers_.find(event->type);
    if (handler == handlers_.end()) handler = handlers_.find("*");
    if (handler == handlers_.end()) {  // bound by a wildcard but not this role's business
      meters_->consumed.Add({{"queue", queue_}, {"outcome", "ignored"}}).Increment();
      broker_->ack(d.delivery_tag);
      continue;
    }
    auto log = log_.with("correlation_id", event->correlation_id).with("message_id", event->id);
    items.push_back(Item{std::move(d), std::move(*event), &handler->second, std::move(log)});
  }
  if (items.empty()) return;
  bool interrupted = false;
  auto failed = run_together(items, stop, interrupted);
  if (interrupted) return;
  for (auto* item : failed) process_one(*item, stop);  // alone, with its own retries and dead-lettering
}

// One transaction's messages, each under a savepoint of its own, or a run of messages of a type with
// a batch handler under one savepoint together. One round trip per message for the bookkeeping:
// close the previous message's savepoint, open this one's and record it in the inbox, as one
// multi-statement query.
struct Consumer::Together {
  pqxx::work& txn;
  const std::string& role;
  const std::map<std::string, BatchHandler>& batch_handlers;
  const infra::Log& log;
  std::vector<Item>& items;
  std::vector<int> outcome;  // 1 processed, 0 duplicate, -1 failed alone
  bool open_savepoint = false;

  std::string next_savepoint() {
    std::string sql =
        std::string(open_savepoint ? "RELEASE SAVEPOINT ims_message; " : "") + "SAVEPOINT ims_message";
    open_savepoint = true;
    return sql;
  }
  void roll_back() {
    txn.exec("ROLLBACK TO SAVEPOINT ims_message; RELEASE SAVEPOINT ims_message");
    open_savepoint = false;
  }

  void run_alone(std::size_t i) {
    auto& item = items[i];
    item.tally.clear();  // from a batch run that was rolled back
    // A failure here is the database's, not the message's: the whole batch is retried.
    auto inserted =
        txn.exec(next_savepoint() + "; INSERT INTO messaging.inbox (consumer, message_id) VALUES (" +
                 txn.quote(role) + ", " + txn.quote(item.event.id) + ") ON CONFLICT DO NOTHING RETURNING 1");
    try {
      if (!inserted.empty()) {  // processed before: no second effect
        MessageContext ctx{txn, item.event, item.event.id, item.log, item.delivery.body, item.tally};
        (*item.handler)(ctx);
      }
      outcome[i] = inserted.empty() ? 0 : 1;
    } catch (const std::exception& e) {
      if (whole_transaction_failure(e)) throw;
      roll_back();  // this message alone is undone
      item.tally.clear();
      outcome[i] = -1;
    }
  }

  // Messages [first, end), all of one type, through its batch handler.
  void run_batch(std::size_t first, std::size_t end, const BatchHandler& batch) {
    std::string ids = "{";
    for (std::size_t j = first; j < end; ++j)
      ids += (j > first ? "," : "") + array_element(items[j].event.id);
    ids += "}";
    txn.exec(next_savepoint());
    std::set<std::string> fresh;
    for (const auto& r : txn.exec_prepared("inbox_insert_many", role, ids))
      fresh.insert(r[0].as<std::string>());
    // A message delivered twice in the run (a relay that republished it when a confirm was lost
    // across a broker restart) is inserted once; only its first delivery goes to the handler.
    std::vector<MessageContext> contexts;
    std::vector<bool> handled(end - first, false);
    for (std::size_t j = first; j < end; ++j) {
      if (fresh.erase(items[j].event.id) == 0) continue;
      handled[j - first] = true;
      contexts.push_back(
          {txn, items[j].event, items[j].event.id, items[j].log, items[j].delivery.body, items[j].tally});
    }
    try {
      if (!contexts.empty()) batch(txn, contexts);
      for (std::size_t j = first; j < end; ++j) outcome[j] = handled[j - first] ? 1 : 0;
    } catch (const std::exception& e) {
      if (whole_transaction_failure(e)) throw;
      // Back to before the run; each of its messages then goes alone.
      roll_back();
      log.warn("batch handler failed; running its messages one by one",
               {{"type", items[first].event.type}, {"error", e.what()}});
      for (std::size_t j = first; j < end; ++j) run_alone(j);
    }
  }

  void run() {
    outcome.assign(items.size(), 0);
    open_savepoint = false;
    for (std::size_t i = 0; i < items.size();) {
      auto batch = batch_handlers.find(items[i].event.type);
      std::size_t end = i + 1;
      while (batch != batch_handlers.end() && end < items.size() &&
             items[end].event.type == items[i].event.type)
        ++end;
      if (batch == batch_handlers.end() || end - i < 2) {
        run_alone(i++);
        continue;
      }
      run_batch(i, end, batch->second);
      i = end;
    }
  }  // the commit releases the last savepoint
};

std::vector<Consumer::Item*> Consumer::run_together(std::vector<Item>& items, infra::StopSignal& stop,
                                                    bool& interrupted) {
  auto backoff = std::chrono::milliseconds(100);
  for (;;) {
    const auto started = std::chrono::steady_clock::now();
    std::vector<int> outcome;
    for (auto& item : items) item.tally.clear();  // an attempt that did not commit counted nothing
    try {
      db_->transact([&](pqxx::work& txn) {
        if (first_step_) first_step_(txn);
        Together together{txn, role_, batch_handlers_, log_, items, {}};
        together.run();
        outcome = std::move(together.outcome);
      });
    } catch (const std::exception& e) {
      if (!whole_transaction_failure(e)) throw;
      // The database is away (or the batch lost a serialization race): keep the messages, try again.
      meters_->failed.Increment();
      log_.warn("batch not committed; retrying", {{"error", e.what()},
                                                  {"messages", std::to_string(items.size())},
                                                  {"retry_ms", std::to_string(backoff.count())}});
      if (stop.wait_for(backoff)) {
        for (auto& item : items) broker_->reject(item.delivery.delivery_tag, true);
        interrupted = true;
        return {};
      }
      backoff = std::min(backoff * 2, reconnect_cap);
      continue;
    }
    return acknowledge(items, outcome, started);
  }
}

std::vector<Consumer::Item*> Consumer::acknowledge(std::vector<Item>& items, const std::vector<int>& outcome,
                                                   std::chrono::steady_clock::time_point started) {
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::vector<Item*> failed;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (outcome[i] < 0) {
      failed.push_back(&items[i]);
      continue;
    }
    meters_->duration.Observe(seconds / static_cast<double>(items.size()));
    publish(items[i].tally);
    meters_->consumed.Add({{"queue", queue_}, {"outcome", outcome[i] ? "processed" : "duplicate"}})
        .Increment();
    broker_->ack(items[i].delivery.delivery_tag);  // only after commit
  }
  return failed;
}

void Consumer::process_one(Item& item, infra::StopSignal& stop) {
  const auto& d = item.delivery;
  auto backoff = std::chrono::milliseconds(100);
  for (;;) {
    const auto started = std::chrono::steady_clock::now();
    try {
      const bool fresh = db_->transact([&](pqxx::work& txn) {
        item.tally.clear();  // an attempt that did not commit counted nothing
        if (first_step_) first_step_(txn);
        auto inserted = txn.exec_prepared("inbox_insert", role_, item.event.id);
        if (inserted.empty()) return false;  // processed before: no second effect
        MessageContext ctx{txn, item.event, item.event.id, item.log, item.delivery.body, item.tally};
        (*item.handler)(ctx);
        return true;
      });
      publish(item.tally);
      meters_->duration.Observe(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
      meters_->consumed.Add({{"queue", queue_}, {"outcome", fresh ? "processed" : "duplicate"}}).Increment();
      broker_->ack(d.delivery_tag);  // only after commit
      return;
    } catch (const infra::DependencyUnavailable& e) {
      // The database is away: keep the message and try again; it is not the message's fault.
      meters_->failed.Increment();
      item.log.warn("dependency unavailable; retrying message",
                    {{"error", e.what()}, {"retry_ms", std::to_string(backoff.count())}});
      if (stop.wait_for(backoff)) {
        broker_->reject(d.delivery_tag, true);
        return;
      }
      backoff = std::min(backoff * 2, reconnect_cap);
    } catch (const MalformedMessage& e) {
      give_up(item, std::string("malformed: ") + e.what());
      return;
    } catch (const nlohmann::json::exception& e) {
      give_up(item, std::string("malformed: ") + e.what());  // a field of the wrong type: no retry mends it
      return;
    } catch (const std::exception& e) {
      handler_failed(item, e, stop);
      return;
    }
  }
}

void Consumer::give_up(Item& item, const std::string& reason) {
  meters_->failed.Increment();
  dead_letter(item.delivery, reason);
  broker_->ack(item.delivery.delivery_tag);
}

void Consumer::handler_failed(Item& item, const std::exception& e, infra::StopSignal& stop) {
  const auto& d = item.delivery;
  item.log.error(
      "handler failed",
      {{"type", item.event.type}, {"error", e.what()}, {"delivery_count", std::to_string(d.delivery_count)}});
  if (d.delivery_count + 1 >= infra::delivery_limit) {
    give_up(item, std::string("failed ") + std::to_string(infra::delivery_limit) + " times: " + e.what());
    return;
  }
  meters_->failed.Increment();
  // Back off before handing it back, so a short-lived cause (a deploy ahead of its migration) does
  // not burn every delivery within milliseconds.
  stop.wait_for(std::chrono::milliseconds(
      std::min<long long>(200LL << std::min<long long>(d.delivery_count, 4), 3000)));
  broker_->reject(d.delivery_tag, true);
}

void Consumer::publish(const Tally& tally) const {
  if (!tally_sink_) return;
  for (const auto& entry : tally.entries()) tally_sink_(entry);
}

void Consumer::dead_letter(const infra::Delivery& d, const std::string& reason) {
  if (!dead_letters_) {
    dead_letters_ = std::make_unique<infra::AmqpConnection>(config_.amqp_url);
    dead_letters_->enable_confirms();
  }
  dead_letters_->publish(
      {infra::dead_letter_exchange,
       role_,
       d.body,
       d.message_id.empty() ? infra::uuid_v4() : d.message_id,
       "",
       "dead_letter",
       {{"x-ims-reason", reason.substr(0, 1000)}, {"x-ims-original-routing-key", d.routing_key}}});
  dead_letters_->wait_for_confirms();
  meters_->dead_lettered.Increment();
  log_.warn("message dead-lettered", {{"reason", reason}, {"routing_key", d.routing_key}});
}

}  // namespace ims::workers
