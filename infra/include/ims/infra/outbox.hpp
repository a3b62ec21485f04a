#pragma once
// Writing events: every command appends its event to messaging.outbox in the same transaction as
// the state it announces (DESIGN §4). Only the relay publishes.
#include <string>

#include <pqxx/pqxx>

#include "ims/infra/event.hpp"
#include "ims/infra/pg.hpp"

namespace ims::infra {

// Appends the event and wakes the relay (NOTIFY is delivered at commit). Returns the event id.
std::string append_event(pqxx::work& txn, const EventDraft& event);

class PgOutbox final : public Outbox {
 public:
  explicit PgOutbox(pqxx::work& txn) : txn_(txn) {}
  explicit PgOutbox(UnitOfWork& unit) : txn_(unit.txn()) {}
  std::string append(const EventDraft& event) override { return append_event(txn_, event); }

 private:
  pqxx::work& txn_;
};

}  // namespace ims::infra
