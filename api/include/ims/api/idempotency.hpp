#pragma once
// Idempotency-Key on POST (DESIGN §5; docs/decisions.md "Idempotency keys commit with their effect").
#include <cstdint>
#include <stdexcept>

#include "ims/api/app.hpp"

namespace ims::api {

bool idempotency_applies(const Request& request);

// What an earlier request with the same key says about this one.
struct IdempotencyLookup {
  enum class Kind { run, replay, refused } kind;
  Response response;  // for replay and refused
};
IdempotencyLookup look_up_idempotency_key(Resources& resources, std::int64_t actor_id,
                                          const Request& request);
// The answer for a key whose effect committed but whose response could not be stored.
Response answer_lost();

// A concurrent request with the same key committed first: this one's transaction rolled back.
struct IdempotencyRace : std::runtime_error {
  IdempotencyRace() : std::runtime_error("idempotency key taken by a concurrent request") {}
};

// While alive, every unit of work that writes records the key in its own transaction (once), so the
// key exists if and only if the request's effect committed.
class IdempotencyRecorder {
 public:
  IdempotencyRecorder(Resources& resources, std::int64_t actor_id, const Request& request);
  ~IdempotencyRecorder();
  IdempotencyRecorder(const IdempotencyRecorder&) = delete;
  IdempotencyRecorder& operator=(const IdempotencyRecorder&) = delete;

  bool recorded() const { return recorded_; }
  // Stores the response for replays (a separate small transaction after the effect's commit).
  void settle(const Response& response);

 private:
  Resources& resources_;
  std::int64_t actor_id_;
  const Request& request_;
  std::string hash_;
  bool pending_ = false;   // written in the transaction now committing
  bool recorded_ = false;  // committed
};

}  // namespace ims::api
