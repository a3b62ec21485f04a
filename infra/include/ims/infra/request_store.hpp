#pragma once
// SQL of approval requests that the API's request rules need (more moves here with issue 14).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

namespace ims::infra::requests {

// Whether `source` is an active location up `requester_location`'s chain: its upstream, or a factory.
bool source_is_up_the_chain(pqxx::work& txn, std::int64_t source, std::int64_t requester_location);

// Takes the requester's transaction-scoped lock (so concurrent requests count exactly) and returns
// how many of the requester's transfer requests hold, or are about to hold, stock.
int lock_and_count_open_holds(pqxx::work& txn, std::int64_t requester);

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
std::vector<ExpiredRequest> expire_overdue(pqxx::work& txn);

}  // namespace ims::infra::requests
