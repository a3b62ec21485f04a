// /locations: the chain factory → CFA → stockist → retail. Read by all; written by admin.
#include "ims/api/resource.hpp"
#include <regex>

#include "ims/infra/user_store.hpp"

namespace ims::api {
namespace {

using domain::Error;
using domain::ErrorCode;
using nlohmann::json;

constexpr const char* columns = "id, code, name, kind, upstream_location_id, is_active, version";

json location_json(const pqxx::row& r) {
  return json{{"id", r[0].as<std::int64_t>()}, {"code", r[1].as<std::string>()}, {"name", r[2].as<std::string>()},
              {"kind", r[3].as<std::string>()}, {"upstream_location_id", id_or_null(r[4])}, {"is_active", r[5].as<bool>()},
              {"version", r[6].as<int>()}};
}

std::optional<json> find(pqxx::work& txn, std::int64_t id, bool lock = false) {
  auto rows = txn.exec_params(std::string("SELECT ") + columns + " FROM inventory.locations WHERE id = $1" + (lock ? " FOR UPDATE" : ""), id);
  if (rows.empty()) return std::nullopt;
  return location_json(rows[0]);
}

Response not_found() { return problem(Error::of(ErrorCode::not_found, "no such location")); }

struct Fields {
  std::string code, name, kind;
  std::optional<std::int64_t> upstream;
};

Fields read_fields(FieldReader& in) {
  Fields f{in.required_string("code", 32), in.required_string("name", 200), in.required_string("kind", 16),
           in.optional_id("upstream_location_id")};
  if (in.has("code") && !std::regex_match(f.code, std::regex("^[A-Z0-9][A-Z0-9_-]{1,31}$"))) {
    in.fail("code", "must be 2 to 32 uppercase letters, digits, '-' or '_'");
  }
  const auto kind = domain::parse_location_kind(f.kind);
  if (in.has("kind") && !kind) in.fail("kind", "must be factory, cfa, stockist or retail");
  if (kind == domain::LocationKind::factory && f.upstream) in.fail("upstream_location_id", "a factory heads the chain: none");
  if (kind && kind != domain::LocationKind::factory && !f.upstream) in.fail("upstream_location_id", "is required for this kind");
  return f;
}

void check_upstream(pqxx::work& txn, FieldReader& in, const Fields& f, std::int64_t self) {
  if (!f.upstream) return;
  if (txn.exec_params("SELECT 1 FROM inventory.locations WHERE id = $1", *f.upstream).empty()) {
    in.fail("upstream_location_id", "does not exist");
    return;
  }
  // The chain may not loop back to this location.
  auto loops = txn.exec_params1(
      "WITH RECURSIVE up AS (SELECT id, upstream_location_id FROM inventory.locations WHERE id = $1"
      " UNION SELECT l.id, l.upstream_location_id FROM inventory.locations l JOIN up ON l.id = up.upstream_location_id)"
      " SELECT count(*) FROM up WHERE id = $2",
      *f.upstream, self)[0].as<long>();
  if (loops > 0) in.fail("upstream_location_id", "would make the chain loop");
}


Response list(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_locations);
  if (!auth) return problem(auth.error());
  auto page = read_page(ctx.request);
  if (!page) return problem(page.error());
  auto kind = ctx.request.query_param("kind");
  if (kind && !domain::parse_location_kind(*kind)) return problem(Error::validation({{"kind", "must be factory, cfa, stockist or retail"}}));
  std::optional<std::string> pattern;
  if (auto q = ctx.request.query_param("q"); q && !q->empty()) pattern = "%" + utf8_prefix(*q, 100) + "%";
  auto rows = ctx.resources.db.transact([&](pqxx::work& txn) {
    return txn.exec_params(std::string("SELECT ") + columns +
                               " FROM inventory.locations WHERE ($1::bigint IS NULL OR id > $1) AND ($2::text IS NULL OR kind = $2)"
                               " AND ($3::text IS NULL OR code ILIKE $3 OR name ILIKE $3) ORDER BY id LIMIT $4",
                           page->after_id, kind, pattern, page->limit + 1);
  });
  return json_response(200, page_of(rows, page->limit, location_json).dump());
}

Response get(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_locations);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  auto l = ctx.resources.db.transact([&](pqxx::work& txn) { return find(txn, *id); });
  return l ? versioned(200, *l) : not_found();
}

Response create(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::write_locations);
  if (!auth) return problem(auth.error());
  json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  auto f = read_fields(in);
  if (!in.ok()) return problem(in.error());
  auto created = ctx.resources.db.transact([&](pqxx::work& txn) -> std::optional<json> {
    check_upstream(txn, in, f, 0);
    if (!txn.exec_params("SELECT 1 FROM inventory.locations WHERE code = $1", f.code).empty()) in.fail("code", "is taken");
    if (!in.ok()) return std::nullopt;
    auto id = txn.exec_params1("INSERT INTO inventory.locations (code, name, kind, upstream_location_id) VALUES ($1, $2, $3, $4) RETURNING id",
                               f.code, f.name, f.kind, f.upstream)[0].as<std::int64_t>();
    auto l = find(txn, id);
    audit_change(ctx, txn, auth->actor.user_id, "location.create", "location", id, std::nullopt, l);
    return l;
  });
  if (!created) return refusal_for(in);
  return versioned(201, *created).header("Location", "/api/v1/locations/" + std::to_string((*created)["id"].get<std::int64_t>()));
}

Response update(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::write_locations);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  auto f = read_fields(in);
  if (!in.ok()) return problem(in.error());
  std::optional<Response> refusal;
  auto updated = ctx.resources.db.transact([&](pqxx::work& txn) -> std::optional<json> {
    auto before = find(txn, *id, true);
    if (!before) return refusal = not_found(), std::nullopt;
    if ((refusal = precondition(ctx.request, (*before)["version"], "location"))) return std::nullopt;
    check_upstream(txn, in, f, *id);
    if (!txn.exec_params("SELECT 1 FROM inventory.locations WHERE code = $1 AND id <> $2", f.code, *id).empty()) in.fail("code", "is taken");
    if (!in.ok()) return refusal = refusal_for(in), std::nullopt;
    txn.exec_params("UPDATE inventory.locations SET code = $2, name = $3, kind = $4, upstream_location_id = $5,"
                    " version = version + 1, updated_at = now() WHERE id = $1",
                    *id, f.code, f.name, f.kind, f.upstream);
    auto after = find(txn, *id);
    audit_change(ctx, txn, auth->actor.user_id, "location.update", "location", *id, before, after);
    return after;
  });
  return refusal ? *refusal : versioned(200, *updated);
}

Response remove(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::write_locations);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  // Referenced locations (users, stock, movements, downstream locations): the foreign keys answer 409.
  bool found = ctx.resources.db.transact([&](pqxx::work& txn) {
    auto before = find(txn, *id, true);
    if (!before) return false;
    txn.exec_params("DELETE FROM inventory.locations WHERE id = $1", *id);
    audit_change(ctx, txn, auth->actor.user_id, "location.delete", "location", *id, before, std::nullopt);
    return true;
  });
  return found ? no_content() : not_found();
}

}  // namespace

void add_location_routes(Router<Handler>& router) {
  router.add("GET", "/api/v1/locations", list);
  router.add("POST", "/api/v1/locations", create);
  router.add("GET", "/api/v1/locations/{id}", get);
  router.add("PUT", "/api/v1/locations/{id}", update);
  router.add("DELETE", "/api/v1/locations/{id}", remove);
}

}  // namespace ims::api
