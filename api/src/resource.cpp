#include "ims/api/resource.hpp"

#include "ims/infra/user_store.hpp"

namespace ims::api {

std::optional<Response> precondition(const Request& request, int version, const std::string& what) {
  auto tag = request.header("if-match");
  if (!tag || *tag == "*") return std::nullopt;
  std::string v = *tag;
  if (v.rfind("W/", 0) == 0) v = v.substr(2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  if (v == std::to_string(version)) return std::nullopt;
  return problem(domain::Error::of(domain::ErrorCode::precondition_failed,
                                   "the " + what + " has changed (now version " + std::to_string(version) + "); fetch it again"));
}

Response versioned(int status, const nlohmann::json& body) {
  return json_response(status, body.dump()).header("ETag", "\"" + std::to_string(body["version"].get<int>()) + "\"");
}

void audit_change(Context& ctx, pqxx::work& txn, std::int64_t actor_id, const std::string& action, const std::string& entity,
                  std::int64_t entity_id, const std::optional<nlohmann::json>& before,
                  const std::optional<nlohmann::json>& after) {
  infra::audit::record(txn, {actor_id, action, entity, std::to_string(entity_id),
                             before ? std::optional(before->dump()) : std::nullopt,
                             after ? std::optional(after->dump()) : std::nullopt, ctx.request.request_id});
}

Response refusal_for(const FieldReader& in) {
  auto err = in.error();
  for (const auto& f : err.fields) {
    if (f.message == "is taken") return problem(domain::Error{domain::ErrorCode::conflict, f.field + " is taken", err.fields, 0});
  }
  return problem(err);
}

}  // namespace ims::api
