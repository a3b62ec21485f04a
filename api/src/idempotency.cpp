// Idempotency-Key on POST (DESIGN §5): the same key and body get the first response again; the
// same key with another body is 422; keys live 24 h. Keys belong to the caller (the token's
// subject), so two users' keys never collide. Authentication endpoints are excluded: their
// responses are credentials, which are never stored.
//
// The key is written in the transaction of the request's effect (PgSession::before_commit), so a
// crash before that commit leaves nothing behind and the retry runs; a crash after it leaves the
// key, and the retry never applies the effect twice. The key goes with the request's first unit of
// work that writes (every POST handler has one): a request refused before writing anything (most
// 4xx) records no key, and its retry is checked afresh.
#include "ims/api/idempotency.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "ims/infra/crypto.hpp"

namespace ims::api {

namespace {
std::string request_hash(const Request& request) {
  return infra::sha256_hex(request.method + " " + request.path + "\n" + request.body);
}
bool sane_key(const std::string& key) {
  return !key.empty() && key.size() <= 200 &&
         std::all_of(key.begin(), key.end(), [](unsigned char c) { return c >= 0x21 && c <= 0x7e; });
}
}  // namespace

bool idempotency_applies(const Request& request) {
  return request.method == "POST" && request.header("idempotency-key").has_value() &&
         request.path.rfind("/api/v1/auth/", 0) != 0;
}

IdempotencyLookup look_up_idempotency_key(Resources& resources, std::int64_t actor_id,
                                          const Request& request) {
  const auto key = *request.header("idempotency-key");
  if (!sane_key(key)) {
    return {IdempotencyLookup::Kind::refused,
            problem(domain::Error::validation(
                {{"Idempotency-Key", "must be 1 to 200 visible ASCII characters"}}))};
  }
  const auto hash = request_hash(request);
  return resources.db.transact([&](pqxx::work& txn) -> IdempotencyLookup {
    // Expired keys are forgotten.
    txn.exec_params(
        "DELETE FROM messaging.idempotency_keys WHERE actor_id = $1 AND key = $2 AND created_at < now() - "
        "interval '24 hours'",
        actor_id, key);
    auto rows = txn.exec_params(
        "SELECT request_hash, status, content_type, headers::text, body,"
        "       EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = k.owner_pid AND a.backend_start = "
        "k.owner_started)"
        "       AND k.created_at > now() - interval '2 minutes'"
        " FROM messaging.idempotency_keys k WHERE actor_id = $1 AND key = $2",
        actor_id, key);
    if (rows.empty()) return {IdempotencyLookup::Kind::run, {}};
    const auto& row = rows[0];
    if (row[0].as<std::string>() != hash) {
      return {IdempotencyLookup::Kind::refused,
              problem(domain::Error::validation({{"Idempotency-Key", "was used for a different request"}},
                                                "Idempotency-Key reused with another request"))};
    }
    if (row[1].is_null()) {
      // Committed, response not stored yet: the first request is finishing — or its process died in
      // the instant between the two, and its answer is lost (the effect is not repeated either way).
      if (!row[5].as<bool>()) return {IdempotencyLookup::Kind::refused, answer_lost()};
      auto err =
          domain::Error::of(domain::ErrorCode::conflict, "a request with this key is still being processed");
      err.retry_after_seconds = 1;
      return {IdempotencyLookup::Kind::refused, problem(err)};
    }
    Response replay;
    replay.status = row[1].as<int>();
    replay.content_type = row[2].is_null() ? "" : row[2].as<std::string>();
    replay.body = row[4].is_null() ? "" : row[4].as<std::string>();
    auto headers = nlohmann::json::parse(row[3].is_null() ? "{}" : row[3].as<std::string>());
    for (const auto& [name, value] : headers.items()) replay.header(name, value.get<std::string>());
    replay.header("Idempotent-Replayed", "true");
    return {IdempotencyLookup::Kind::replay, std::move(replay)};
  });
}

IdempotencyRecorder::IdempotencyRecorder(Resources& resources, std::int64_t actor_id, const Request& request)
    : resources_(resources), actor_id_(actor_id), request_(request), hash_(request_hash(request)) {
  resources_.db.before_commit = [this](pqxx::work& txn) {
    pending_ = false;
    if (recorded_) return;
    try {
      // Only a transaction that wrote something carries the request's effect.
      auto inserted = txn.exec_params(
          "INSERT INTO messaging.idempotency_keys (actor_id, key, method, path, request_hash, owner_pid, "
          "owner_started)"
          " SELECT $1, $2, $3, $4, $5, pg_backend_pid(), (SELECT backend_start FROM pg_stat_activity WHERE "
          "pid = pg_backend_pid())"
          " WHERE pg_current_xact_id_if_assigned() IS NOT NULL RETURNING 1",
          actor_id_, *request_.header("idempotency-key"), request_.method, request_.path, hash_);
      pending_ = !inserted.empty();
    } catch (const pqxx::unique_violation&) {
      throw IdempotencyRace();
    }
  };
  resources_.db.after_commit = [this] {
    recorded_ = recorded_ || pending_;
    pending_ = false;
  };
}

IdempotencyRecorder::~IdempotencyRecorder() {
  resources_.db.before_commit = nullptr;
  resources_.db.after_commit = nullptr;
}

Response answer_lost() {
  return problem(domain::Error::of(domain::ErrorCode::conflict,
                                   "the request with this key was carried out, but its answer was lost; "
                                   "look the resource up instead of retrying"));
}

void IdempotencyRecorder::settle(const Response& response) {
  resources_.db.before_commit = nullptr;
  resources_.db.after_commit = nullptr;
  if (!recorded_) return;
  nlohmann::json headers = nlohmann::json::object();
  for (const auto& [name, value] : response.headers) {
    if (name == "Location" || name == "ETag") headers[name] = value;
  }
  resources_.db.transact([&](pqxx::work& txn) {
    txn.exec_params(
        "UPDATE messaging.idempotency_keys SET status = $3, content_type = $4, headers = $5::jsonb, body = $6"
        " WHERE actor_id = $1 AND key = $2 AND status IS NULL",
        actor_id_, *request_.header("idempotency-key"), response.status, response.content_type,
        headers.dump(), response.body);
  });
}

}  // namespace ims::api
