#pragma once
// Events as a use case writes them: the draft, its envelope, and the Outbox a use case announces
// through. No libpqxx here; the PostgreSQL outbox is infra/outbox.hpp.
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace ims::infra {

inline constexpr int event_version = 1;
inline constexpr const char* outbox_channel = "ims_outbox";

struct EventDraft {
  std::string type;            // also the routing key, e.g. stock.adjustment.requested
  nlohmann::json data;         // the event's own fields
  std::string correlation_id;  // the HTTP request id, carried through every worker
  std::optional<std::int64_t> actor_id;
};

// The envelope of an event, for statements that insert the outbox row themselves (folding it into
// a larger statement); they must also pg_notify(outbox_channel, '').
struct PreparedEvent {
  std::string id;
  nlohmann::json envelope;
};
PreparedEvent prepare_event(const EventDraft& event);

// A parsed envelope {id, type, version, occurred_at, correlation_id, actor_id, data}.
struct Envelope {
  std::string id;
  std::string type;
  int version = 0;
  std::string occurred_at;
  std::string correlation_id;
  std::optional<std::int64_t> actor_id;
  nlohmann::json data;
};

// nullopt with `why` set when the body is not a well-formed envelope.
std::optional<Envelope> parse_envelope(const std::string& body, std::string& why);

std::string uuid_v4();

// An envelope's occurred_at (2026-12-04T04:03:47.123Z) as seconds since the epoch; nullopt if it is
// not in that form.
std::optional<double> epoch_seconds(const std::string& occurred_at);

// Where a use case announces what happened; in production the outbox of the use case's own
// transaction, in unit tests a list.
class Outbox {
 public:
  virtual ~Outbox() = default;
  virtual std::string append(const EventDraft& event) = 0;  // returns the event id
};

}  // namespace ims::infra
