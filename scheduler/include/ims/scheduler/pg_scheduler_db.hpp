#pragma once
// The scheduler's SchedulerDb over PostgreSQL: transactions on the leader's own session (the one
// holding the advisory lock, so a lost session stops the work with the lock), through the stores.
#include <string>
#include <utility>

#include <pqxx/pqxx>

#include "ims/scheduler/jobs.hpp"

namespace ims::scheduler {

class PgSchedulerDb : public SchedulerDb {
 public:
  PgSchedulerDb(pqxx::connection& session, std::string time_zone)
      : session_(session), time_zone_(std::move(time_zone)) {}

  // Retried whole on serialization failure or deadlock (a few times), like infra::PgSession.
  void transact(const std::function<void(SchedulerTxn&)>& fn) override;

 private:
  pqxx::connection& session_;
  std::string time_zone_;
};

}  // namespace ims::scheduler
