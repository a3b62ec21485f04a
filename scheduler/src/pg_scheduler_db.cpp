#include "ims/scheduler/pg_scheduler_db.hpp"

#include "ims/infra/outbox.hpp"

namespace ims::scheduler {
namespace {

namespace store = infra::schedules;

class PgSchedulerTxn : public SchedulerTxn {
 public:
  PgSchedulerTxn(pqxx::work& txn, const std::string& zone) : txn_(txn), zone_(zone) {}

  domain::CivilMinute current_minute() override { return store::current_minute(txn_, zone_); }
  std::optional<infra::JobRecord> lock_next_due() override { return store::lock_next_due(txn_); }
  std::vector<infra::JobRecord> lock_unplanned() override { return store::lock_unplanned(txn_); }
  std::optional<infra::JobRecord> lock_job(const std::string& name) override {
    return store::find(txn_, name, true);
  }
  std::optional<infra::JobRunRecord> lock_next_queued_manual() override {
    return store::lock_next_queued_manual(txn_);
  }
  std::optional<infra::JobRunRecord> lock_run(std::int64_t id) override {
    return store::find_run(txn_, id, true);
  }
  std::optional<std::int64_t> insert_scheduled_run(const std::string& job, const std::string& slot) override {
    return store::insert_scheduled_run(txn_, job, slot);
  }
  void insert_failed_scheduled_run(const std::string& job, const std::string& slot,
                                   const nlohmann::json& detail) override {
    store::insert_failed_scheduled_run(txn_, job, slot, detail);
  }
  void start_run(std::int64_t id) override { store::start_run(txn_, id); }
  void finish_run(std::int64_t id, domain::RunOutcome outcome, const nlohmann::json& detail) override {
    store::finish_run(txn_, id, outcome, detail);
  }
  void record_outcome(const std::string& job, domain::RunOutcome outcome) override {
    store::record_outcome(txn_, job, outcome);
  }
  void set_next_run(const std::string& job, const std::optional<domain::CivilMinute>& next) override {
    store::set_next_run(txn_, job, next, zone_);
  }
  std::string publish(const std::string& type, const nlohmann::json& data, const std::string& correlation_id,
                      std::optional<std::int64_t> actor_id) override {
    return infra::append_event(txn_, {type, data, correlation_id, actor_id});
  }
  std::vector<infra::requests::ExpiredRequest> expire_requests() override {
    infra::UnitOfWork unit(txn_);
    return infra::requests::expire_overdue(unit);
  }
  infra::PruneCounts prune(const infra::PruneLimits& limits) override { return store::prune(txn_, limits); }

 private:
  pqxx::work& txn_;
  const std::string& zone_;
};

}  // namespace

void PgSchedulerDb::transact(const std::function<void(SchedulerTxn&)>& fn) {
  constexpr int attempts = 3;
  for (int attempt = 1;; ++attempt) {
    try {
      pqxx::work txn(session_);
      PgSchedulerTxn port(txn, time_zone_);
      fn(port);
      txn.commit();
      return;
    } catch (const pqxx::transaction_rollback&) {
      if (attempt >= attempts) throw;
    }
  }
}

}  // namespace ims::scheduler
