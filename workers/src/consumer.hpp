#pragma once
// The consume loop every worker role shares (DESIGN §4): prefetch, decode the envelope, run the
// handler inside one database transaction that also writes the inbox row, commit, then ack.
//  - malformed messages go to the role's dead-letter queue at once, the reason in x-ims-reason;
//  - transient failures (database, broker) are retried with backoff without giving the message up;
//  - a handler that keeps failing is dead-lettered once the queue's delivery limit is reached;
//  - SIGTERM finishes the message in hand, then stops.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <vector>
#include <string>

#include <pqxx/pqxx>

#include "ims/infra/amqp.hpp"
#include "ims/infra/config.hpp"
#include "ims/infra/log.hpp"
#include "ims/infra/metrics.hpp"
#include "ims/infra/outbox.hpp"
#include "ims/infra/pg.hpp"
#include "ims/infra/process.hpp"

namespace ims::workers {

// Thrown by a handler when the message itself can never be processed (bad data, unknown record).
class MalformedMessage : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What a message's work counts for the role's metrics (movements booked, labels rendered and how
// long they took): handed to the role's TallySink only once the message's transaction commits, and
// forgotten if its work is rolled back, so a metric never counts what did not happen.
class Tally {
 public:
  struct Entry {
    std::string what;   // which measure, e.g. "movement"
    std::string label;  // its bounded label value, e.g. the movement's reason
    double value = 1;   // an amount to add, or an observation (seconds)
  };
  void add(std::string what, std::string label, double value = 1) {
    entries_.push_back({std::move(what), std::move(label), value});
  }
  const std::vector<Entry>& entries() const { return entries_; }
  void clear() { entries_.clear(); }

 private:
  std::vector<Entry> entries_;
};
// The role's metrics for what its messages counted, called after commit.
using TallySink = std::function<void(const Tally::Entry&)>;

// A sink's series, one per label value, added to its family once and kept: prometheus-cpp's
// Family::Add builds a new metric and looks it up under the family's lock on every call, which,
// once per order, cost the stock worker a fifth of its drain rate. Used by the consumer's thread
// only (sinks run there).
template <typename Metric>
class SeriesByLabel {
 public:
  using Make = std::function<Metric&(const std::string& label)>;
  explicit SeriesByLabel(Make make) : make_(std::move(make)) {}
  Metric& operator[](const std::string& label) {
    auto& series = series_[label];
    if (!series) series = &make_(label);
    return *series;
  }

 private:
  Make make_;
  std::map<std::string, Metric*> series_;
};

struct MessageContext {
  pqxx::work& txn;
  const infra::Envelope& event;
  const std::string& message_id;
  const infra::Log& log;
  const std::string& body;  // the envelope exactly as published
  Tally& tally;             // counted only if this message's work commits
};

// Keyed by event type; "*" takes every type without a handler of its own (the webhooks role).
using MessageHandler = std::function<void(MessageContext&)>;
// Runs several messages of one type together (set-based SQL instead of one message at a time). If
// it throws, the transaction goes back to before it and each message runs alone through the
// type's MessageHandler, so a batch handler is only ever an optimisation of that handler.
using BatchHandler = std::function<void(pqxx::work&, std::vector<MessageContext>&)>;

class Consumer {
 public:
  Consumer(const infra::Config& config, std::string role, infra::Log log, infra::Metrics& metrics,
           std::map<std::string, MessageHandler> handlers, infra::PreparedStatements statements = {},
           std::map<std::string, BatchHandler> batch_handlers = {}, TallySink tally_sink = {});
  ~Consumer();

  // Runs until a stop signal; reconnects with backoff whenever the broker goes away.
  void run(infra::StopSignal& stop);

  // A step every transaction of this role runs first, before its messages' work: the stock role
  // takes the ledger's lock there (infra::lock_stock_ledger), so its replicas compete for messages
  // but apply them one transaction at a time instead of deadlocking on hot stock rows.
  void before_each_transaction(std::function<void(pqxx::work&)> step) { first_step_ = std::move(step); }

 private:
  struct Meters;
  struct Item;
  struct Together;
  void consume(infra::StopSignal& stop);
  // Classifies a batch (malformed → dead letters, not ours → ack), then runs the rest together.
  void process_batch(std::vector<infra::Delivery>& batch, infra::StopSignal& stop);
  // The handled messages in one transaction, a savepoint each; returns those that failed alone.
  std::vector<Item*> run_together(std::vector<Item>& items, infra::StopSignal& stop, bool& interrupted);
  // Acks what committed (counting it); returns the messages that failed and go alone.
  std::vector<Item*> acknowledge(std::vector<Item>& items, const std::vector<int>& outcome,
                                 std::chrono::steady_clock::time_point started);
  void process_one(Item& item, infra::StopSignal& stop);
  void give_up(Item& item, const std::string& reason);  // dead-lettered and acked
  // A handler's own failure: handed back after a pause, or dead-lettered on its last delivery.
  void handler_failed(Item& item, const std::exception& e, infra::StopSignal& stop);
  void dead_letter(const infra::Delivery& delivery, const std::string& reason);
  void publish(const Tally& tally) const;  // after commit

  const infra::Config& config_;
  std::string role_;
  std::string queue_;
  infra::Log log_;
  std::map<std::string, MessageHandler> handlers_;
  std::map<std::string, BatchHandler> batch_handlers_;
  TallySink tally_sink_;
  std::unique_ptr<Meters> meters_;
  std::unique_ptr<infra::AmqpConnection> broker_;
  std::unique_ptr<infra::AmqpConnection> dead_letters_;
  std::unique_ptr<infra::PgSession> db_;
  std::function<void(pqxx::work&)> first_step_;
};

}  // namespace ims::workers
