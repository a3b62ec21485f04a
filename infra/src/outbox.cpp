#include "ims/infra/outbox.hpp"

#include <sodium.h>

#include <chrono>
#include <cstdio>
#include <ctime>

namespace ims::infra {

std::string uuid_v4() {
  unsigned char b[16];
  randombytes_buf(b, sizeof b);
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  char out[37];
  std::snprintf(out, sizeof out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
                b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return out;
}

std::optional<double> epoch_seconds(const std::string& occurred_at) {
  std::tm tm{};
  int millis = 0;
  int consumed = 0;
  // NOLINTNEXTLINE(cert-err34-c): the field count and the consumed length are both checked
  if (std::sscanf(occurred_at.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &millis, &consumed) != 7 ||
      consumed != static_cast<int>(occurred_at.size()))
    return std::nullopt;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  const std::time_t t = timegm(&tm);
  if (t < 0) return std::nullopt;
  return static_cast<double>(t) + millis / 1000.0;
}

namespace {
std::string now_iso8601() {
  const auto now = std::chrono::system_clock::now();
  const auto t = std::chrono::system_clock::to_time_t(now);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}
}  // namespace

PreparedEvent prepare_event(const EventDraft& e) {
  PreparedEvent out{uuid_v4(), {}};
  out.envelope = nlohmann::json{{"id", out.id},
                                {"type", e.type},
                                {"version", event_version},
                                {"occurred_at", now_iso8601()},
                                {"correlation_id", e.correlation_id},
                                {"actor_id", nullptr},
                                {"data", e.data}};
  if (e.actor_id) out.envelope["actor_id"] = *e.actor_id;
  return out;
}

std::string append_event(pqxx::work& txn, const EventDraft& e) {
  auto event = prepare_event(e);
  // One round trip: the row and the relay's wake-up (delivered at commit, once per transaction).
  txn.exec_params(
      std::string(
          "WITH e AS (INSERT INTO messaging.outbox (id, type, envelope) VALUES ($1::uuid, $2, $3::jsonb)"
          " RETURNING 1) SELECT pg_notify('") +
          outbox_channel + "', '') FROM e",
      event.id, e.type, event.envelope.dump());
  return event.id;
}

std::optional<Envelope> parse_envelope(const std::string& body, std::string& why) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded()) {
    why = "body is not JSON";
    return std::nullopt;
  }
  if (!j.is_object()) {
    why = "envelope is not a JSON object";
    return std::nullopt;
  }
  Envelope e;
  auto text = [&](const char* key, std::string& out) {
    if (!j.contains(key) || !j[key].is_string() || j[key].get<std::string>().empty()) {
      why = std::string("envelope field '") + key + "' is missing or not a string";
      return false;
    }
    out = j[key].get<std::string>();
    return true;
  };
  if (!text("id", e.id) || !text("type", e.type) || !text("occurred_at", e.occurred_at)) return std::nullopt;
  if (!j.contains("version") || !j["version"].is_number_integer()) {
    why = "envelope field 'version' is missing or not an integer";
    return std::nullopt;
  }
  e.version = j["version"].get<int>();
  if (!j.contains("data") || !j["data"].is_object()) {
    why = "envelope field 'data' is missing or not an object";
    return std::nullopt;
  }
  e.data = j["data"];
  if (j.contains("correlation_id") && j["correlation_id"].is_string()) e.correlation_id = j["correlation_id"];
  if (j.contains("actor_id") && j["actor_id"].is_number_integer())
    e.actor_id = j["actor_id"].get<std::int64_t>();
  return e;
}

}  // namespace ims::infra
