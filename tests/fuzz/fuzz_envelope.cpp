// The event envelope as the workers decode an AMQP message body (ims::infra::parse_envelope, called
// by workers/src/consumer.cpp for every delivery) and as the live feed filters it for a scoped user
// (ims::api::in_scope, api/src/event_feed.cpp).
//
// Input: the message body.
#include <sodium.h>

#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fuzz_check.hpp"
#include "ims/api/event_feed.hpp"
#include "ims/domain/policy.hpp"
#include "ims/infra/outbox.hpp"

using nlohmann::json;

namespace {

bool text_field(const json& j, const char* key) {
  return j.contains(key) && j[key].is_string() && !j[key].get<std::string>().empty();
}

// What the envelope contract (outbox.hpp) accepts, read independently of parse_envelope.
bool well_formed(const json& j) {
  return j.is_object() && text_field(j, "id") && text_field(j, "type") && text_field(j, "occurred_at") &&
         j.contains("version") && j["version"].is_number_integer() && j.contains("data") &&
         j["data"].is_object();
}

void check_parsed(const json& j, const ims::infra::Envelope& e, const std::string& body) {
  FUZZ_CHECK(
      e.id == j["id"] && e.type == j["type"] && e.occurred_at == j["occurred_at"] && e.data == j["data"],
      body);
  const auto& v = j["version"];
  const bool fits_int = v.is_number_unsigned() ? v.get<std::uint64_t>() <= std::numeric_limits<int>::max()
                                               : v.get<std::int64_t>() >= std::numeric_limits<int>::min() &&
                                                     v.get<std::int64_t>() <= std::numeric_limits<int>::max();
  if (fits_int)
    FUZZ_CHECK(e.version == v.get<int>(), body);  // beyond int it is truncated; nothing reads it yet
  const bool has_correlation = j.contains("correlation_id") && j["correlation_id"].is_string();
  FUZZ_CHECK(e.correlation_id == (has_correlation ? j["correlation_id"].get<std::string>() : ""), body);
  const bool has_actor = j.contains("actor_id") && j["actor_id"].is_number_integer();
  FUZZ_CHECK(e.actor_id.has_value() == has_actor, body);

  // What the relay would publish for the same event decodes to the same event.
  const auto republished = ims::infra::prepare_event({e.type, e.data, e.correlation_id, e.actor_id});
  std::string why;
  const auto again = ims::infra::parse_envelope(republished.envelope.dump(), why);
  FUZZ_CHECK(again.has_value(), "re-encoded envelope refused: " + why);
  FUZZ_CHECK(again->id == republished.id && again->id.size() == 36 && again->type == e.type &&
                 again->data == e.data && again->correlation_id == e.correlation_id &&
                 again->actor_id == e.actor_id && again->version == ims::infra::event_version,
             body);
}

// Scoped users see an event only when its data names their location (as an integer).
void check_scope(const std::string& type, const std::string& body, const json& j) {
  static const char* fields[] = {"location_id", "seller_location_id", "buyer_location_id", "from_location_id",
                                 "to_location_id"};
  std::vector<std::int64_t> locations{1, 7};
  const bool has_data = j.is_object() && j.contains("data") && j["data"].is_object();
  if (has_data) {
    for (const char* f : fields) {
      if (!j["data"].contains(f) || !j["data"][f].is_number_integer()) continue;
      const auto& v = j["data"][f];
      if (!v.is_number_unsigned() || v.get<std::uint64_t>() <= std::numeric_limits<std::int64_t>::max()) {
        locations.push_back(v.get<std::int64_t>());
      }
    }
  }
  const bool feed = ims::api::feed_type(type);
  for (auto role : ims::domain::all_roles) {
    const ims::domain::Actor nowhere{1, role, std::nullopt};
    const bool unscoped = !ims::domain::is_location_scoped(role);
    FUZZ_CHECK(ims::api::in_scope(nowhere, type, body) == (feed && unscoped), type);
    for (auto location : locations) {
      if (location < 1) continue;  // location ids are positive
      bool names_it = false;
      for (const char* f : fields) {
        if (!has_data || !j["data"].contains(f)) continue;
        const auto& v = j["data"][f];
        if (v.is_number_unsigned())
          names_it |= v.get<std::uint64_t>() == static_cast<std::uint64_t>(location);
        else if (v.is_number_integer())
          names_it |= v.get<std::int64_t>() == location;
      }
      const ims::domain::Actor actor{1, role, location};
      FUZZ_CHECK(ims::api::in_scope(actor, type, body) == (feed && (unscoped || names_it)),
                 type + " for location " + std::to_string(location));
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (sodium_init() < 0) std::abort();  // uuid_v4 draws from libsodium
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto body = ims::fuzz::text_of(data, size);
  std::string why;
  const auto envelope = ims::infra::parse_envelope(body, why);
  const auto j = json::parse(body, nullptr, false);
  const bool expected = !j.is_discarded() && well_formed(j);
  FUZZ_CHECK(envelope.has_value() == expected,
             (envelope ? std::string("accepted: ") : "refused (" + why + "): ") + body);
  if (envelope) {
    check_parsed(j, *envelope, body);
  } else {
    FUZZ_CHECK(!why.empty(), "a refusal without a reason");
  }
  check_scope(envelope ? envelope->type : "stock.changed", body, j);
  return 0;
}
