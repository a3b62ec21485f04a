#pragma once
// inventory.requests, the approval requests: the store the request use cases take and its
// PostgreSQL implementation (prepared statements, typed records); and, below, the free functions the
// scheduler's expiry job shares.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ims/infra/pg_statements.hpp"

namespace ims::infra {

class UnitOfWork;

struct RequestRecord {
  std::int64_t id = 0;
  std::string number;
  std::string action;  // transfer | adjustment | write_off
  std::int64_t product_id = 0;
  std::string quantity;  // a decimal as PostgreSQL prints it; signed for an adjustment
  std::int64_t from_location_id = 0;
  std::optional<std::int64_t> to_location_id;
  std::string reason;
  std::string status;
  std::string hold;  // none | requested | held | released | failed …
  std::optional<std::string> failure_reason;
  std::int64_t requested_by = 0;
  std::optional<std::int64_t> decided_by;
  std::optional<std::string> decision_comment;
  std::optional<std::string> decided_at;
  std::string expires_at;
  std::optional<std::int64_t> transfer_id;
  std::optional<std::int64_t> adjustment_id;
  int version = 1;
  std::string created_at;
  std::string updated_at;
};

struct NewRequest {
  std::string action;
  std::int64_t product_id = 0;
  std::string quantity;
  std::int64_t from_location_id = 0;
  std::optional<std::int64_t> to_location_id;
  std::string reason;
  std::string hold;  // requested for a transfer (the stock worker places it), else none
  std::int64_t requested_by = 0;
  int sla_hours = 0;  // expires_at = now + this
  std::string request_id;
};

struct RequestFilter {
  std::optional<std::int64_t> after_id;
  std::optional<std::string> status;
  std::optional<std::int64_t> requested_by;
  int limit = 50;
};

// The adjustment an approved adjustment or write-off request becomes (the stock worker books it).
struct NewAdjustment {
  std::int64_t product_id = 0;
  std::int64_t location_id = 0;
  std::string quantity_delta;
  std::string reason;
  std::int64_t requested_by = 0;
  std::string request_id;
};

class RequestStore {
 public:
  virtual ~RequestStore() = default;
  virtual bool product_active(std::int64_t product_id) = 0;
  virtual bool location_active(std::int64_t location_id) = 0;
  // Whether `source` is an active location up `requester_location`'s chain: its upstream, or a factory.
  virtual bool source_is_up_the_chain(std::int64_t source, std::int64_t requester_location) = 0;
  // Takes the requester's transaction-scoped lock (so concurrent requests count exactly) and
  // returns how many of the requester's transfer requests hold, or are about to hold, stock.
  virtual int lock_and_count_open_holds(std::int64_t requester) = 0;
  virtual std::int64_t insert(const NewRequest& request) = 0;
  virtual std::optional<RequestRecord> find(std::int64_t id, bool for_update) = 0;
  virtual std::vector<RequestRecord> page(const RequestFilter& filter) = 0;  // newest first, limit + 1
  virtual void link_transfer(std::int64_t id, std::int64_t transfer_id) = 0;
  virtual std::int64_t insert_adjustment(const NewAdjustment& adjustment) = 0;
  virtual void link_adjustment(std::int64_t id, std::int64_t adjustment_id) = 0;
  // The decision: status, who, the comment, when; bumps the version.
  virtual void decide(std::int64_t id, const std::string& status, std::int64_t decided_by,
                      const std::optional<std::string>& comment) = 0;
};

class PgRequestStore final : public RequestStore {
 public:
  explicit PgRequestStore(UnitOfWork& unit) : unit_(unit) {}
  bool product_active(std::int64_t product_id) override;
  bool location_active(std::int64_t location_id) override;
  bool source_is_up_the_chain(std::int64_t source, std::int64_t requester_location) override;
  int lock_and_count_open_holds(std::int64_t requester) override;
  std::int64_t insert(const NewRequest& request) override;
  std::optional<RequestRecord> find(std::int64_t id, bool for_update) override;
  std::vector<RequestRecord> page(const RequestFilter& filter) override;
  void link_transfer(std::int64_t id, std::int64_t transfer_id) override;
  std::int64_t insert_adjustment(const NewAdjustment& adjustment) override;
  void link_adjustment(std::int64_t id, std::int64_t adjustment_id) override;
  void decide(std::int64_t id, const std::string& status, std::int64_t decided_by,
              const std::optional<std::string>& comment) override;

  static PreparedStatements statements();

 private:
  UnitOfWork& unit_;
};

}  // namespace ims::infra

namespace ims::infra::requests {

// A request that has just expired, with what its request.expired event names.
struct ExpiredRequest {
  std::int64_t id = 0;
  std::string number;
  std::string action;
  std::int64_t product_id = 0;
  std::int64_t from_location_id = 0;
  std::optional<std::int64_t> to_location_id;
};

// Moves every request pending past its SLA (expires_at) to expired and returns them; the caller
// appends their events in the same transaction (the stock worker then gives their holds back).
std::vector<ExpiredRequest> expire_overdue(UnitOfWork& unit);

}  // namespace ims::infra::requests
