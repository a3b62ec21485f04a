#pragma once
// SQL of approval requests that the API's request rules need (more moves here with issue 14).
#include <cstdint>

#include <pqxx/pqxx>

namespace ims::infra::requests {

// Whether `source` is an active location up `requester_location`'s chain: its upstream, or a factory.
bool source_is_up_the_chain(pqxx::work& txn, std::int64_t source, std::int64_t requester_location);

// Takes the requester's transaction-scoped lock (so concurrent requests count exactly) and returns
// how many of the requester's transfer requests hold, or are about to hold, stock.
int lock_and_count_open_holds(pqxx::work& txn, std::int64_t requester);

}  // namespace ims::infra::requests
