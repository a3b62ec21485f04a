// Idempotency-Key on POST (DESIGN §5): the same key and body get the first response again; the
// same key with another body is 422; keys live 24 h. Keys belong to the caller (the token's
// subject), so two users' keys never collide. Authentication endpoints are excluded: their
// responses are credentials, which are never stored.
#include "ims/api/idempotency.hpp"

#include <nlohmann/json.hpp>

#include "ims/infra/crypto.hpp"

namespace ims::api {

namespace {
constexpr int in_flight_grace_s = 60;
}

bool idempotency_applies(const Request& request) {
  return request.method == "POST" && request.header("idempotency-key").has_value() &&
         request.path.rfind("/api/v1/auth/", 0) != 0;
}

IdempotencyClaim claim_idempotency_key(Resources& resources, std::int64_t actor_id, const Request& request) {
  const auto key = *request.header("idempotency-key");
  if (key.empty() || key.size() > 200) {
    return {IdempotencyClaim::Kind::refused,
            problem(domain::Error::validation({{"Idempotency-Key", "must be 1 to 200 characters"}}))};
  }
  const auto hash = infra::sha256_hex(request.method + " " + request.path + "\n" + request.body);
  return resources.db.transact([&](pqxx::work& txn) -> IdempotencyClaim {
    // Expired keys are forgotten.
    txn.exec_params(
        "DELETE FROM messaging.idempotency_keys WHERE actor_id = $1 AND key = $2 AND created_at < now() - interval '24 hours'",
        actor_id, key);
    auto inserted = txn.exec_params(
        "INSERT INTO messaging.idempotency_keys (actor_id, key, method, path, request_hash) VALUES ($1, $2, $3, $4, $5)"
        " ON CONFLICT DO NOTHING RETURNING 1",
        actor_id, key, request.method, request.path, hash);
    if (!inserted.empty()) return {IdempotencyClaim::Kind::first, {}};
    auto row = txn.exec_params1(
        "SELECT request_hash, status, content_type, headers::text, body, created_at < now() - make_interval(secs => $3)"
        " FROM messaging.idempotency_keys WHERE actor_id = $1 AND key = $2",
        actor_id, key, in_flight_grace_s);
    if (row[0].as<std::string>() != hash) {
      return {IdempotencyClaim::Kind::refused,
              problem(domain::Error::validation({{"Idempotency-Key", "was used for a different request"}},
                                                "Idempotency-Key reused with another request"))};
    }
    if (row[1].is_null()) {
      return {IdempotencyClaim::Kind::refused,
              problem(domain::Error::of(domain::ErrorCode::conflict,
                                        row[5].as<bool>() ? "the first request with this key never finished; check the resource"
                                                          : "a request with this key is still being processed"))};
    }
    Response replay;
    replay.status = row[1].as<int>();
    replay.content_type = row[2].is_null() ? "" : row[2].as<std::string>();
    replay.body = row[4].is_null() ? "" : row[4].as<std::string>();
    auto headers = nlohmann::json::parse(row[3].is_null() ? "{}" : row[3].as<std::string>());
    for (const auto& [name, value] : headers.items()) replay.header(name, value.get<std::string>());
    replay.header("Idempotent-Replayed", "true");
    return {IdempotencyClaim::Kind::replay, std::move(replay)};
  });
}

void settle_idempotency_key(Resources& resources, std::int64_t actor_id, const Request& request, const Response& response) {
  const auto key = *request.header("idempotency-key");
  resources.db.transact([&](pqxx::work& txn) {
    // Failures that say nothing about the request (5xx) free the key for a retry.
    if (response.status >= 500) {
      txn.exec_params("DELETE FROM messaging.idempotency_keys WHERE actor_id = $1 AND key = $2", actor_id, key);
      return;
    }
    nlohmann::json headers = nlohmann::json::object();
    for (const auto& [name, value] : response.headers) {
      if (name == "Location" || name == "ETag") headers[name] = value;
    }
    txn.exec_params(
        "UPDATE messaging.idempotency_keys SET status = $3, content_type = $4, headers = $5::jsonb, body = $6"
        " WHERE actor_id = $1 AND key = $2",
        actor_id, key, response.status, response.content_type, headers.dump(), response.body);
  });
}

}  // namespace ims::api
