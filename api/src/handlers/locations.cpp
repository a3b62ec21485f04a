// /locations: the chain factory → CFA → stockist → retail. Read by all; written by admin.
// Decode → use case (api/src/use_cases/locations.cpp) → encode.
#include <regex>

#include "ims/api/resource.hpp"
#include "ims/api/use_cases/locations.hpp"
#include "ims/infra/pg.hpp"

namespace ims::api {
namespace {

using domain::Error;
using domain::ErrorCode;
using infra::PgAuditTrail;
using infra::PgLocationStore;
using infra::UnitOfWork;

constexpr const char* kinds = "must be factory, cfa, stockist or retail";

Response not_found() {
  return problem(Error::of(ErrorCode::not_found, "no such location"));
}

infra::LocationFields read_fields(FieldReader& in) {
  infra::LocationFields f{in.required_string("code", 32), in.required_string("name", 200),
                          in.required_string("kind", 16), in.optional_id("upstream_location_id")};
  if (in.has("code") && !std::regex_match(f.code, std::regex("^[A-Z0-9][A-Z0-9_-]{1,31}$"))) {
    in.fail("code", "must be 2 to 32 uppercase letters, digits, '-' or '_'");
  }
  const auto kind = domain::parse_location_kind(f.kind);
  if (in.has("kind") && !kind) in.fail("kind", kinds);
  const bool factory = kind == domain::LocationKind::factory;
  if (factory && f.upstream_location_id) in.fail("upstream_location_id", "a factory heads the chain: none");
  if (kind && !factory && !f.upstream_location_id)
    in.fail("upstream_location_id", "is required for this kind");
  return f;
}

Response encoded(int status, const domain::Result<infra::LocationRecord>& location) {
  return location ? versioned(status, location_json(*location)) : problem(location.error());
}

Response list(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_locations);
  if (!auth) return problem(auth.error());
  auto page = read_page(ctx.request);
  if (!page) return problem(page.error());
  infra::LocationFilter filter{ctx.request.query_param("kind"), std::nullopt, page->after_id, page->limit};
  if (filter.kind && !domain::parse_location_kind(*filter.kind))
    return problem(Error::validation({{"kind", kinds}}));
  if (auto q = ctx.request.query_param("q"); q && !q->empty()) filter.q = utf8_prefix(*q, 100);
  auto rows = ctx.resources.db.unit([&](UnitOfWork& u) {
    PgLocationStore locations(u);
    return list_locations(filter, locations);
  });
  return json_response(200, page_of(*rows, filter.limit, location_json).dump());
}

Response get(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_locations);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  return encoded(200, ctx.resources.db.unit([&](UnitOfWork& u) {
    PgLocationStore locations(u);
    return get_location(*id, locations);
  }));
}

Response create(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::write_locations);
  if (!auth) return problem(auth.error());
  nlohmann::json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  auto fields = read_fields(in);
  if (!in.ok()) return problem(in.error());
  auto created = ctx.resources.db.unit([&](UnitOfWork& u) {
    PgLocationStore locations(u);
    PgAuditTrail audit(u);
    return create_location(caller(ctx, *auth), fields, locations, audit);
  });
  if (!created) return problem(created.error());
  return encoded(201, created).header("Location", "/api/v1/locations/" + std::to_string(created->id));
}

Response update(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::write_locations);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  nlohmann::json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  LocationChange change{*id, ctx.request.header("if-match"), read_fields(in)};
  if (!in.ok()) return problem(in.error());
  return encoded(200, ctx.resources.db.unit([&](UnitOfWork& u) {
    PgLocationStore locations(u);
    PgAuditTrail audit(u);
    return update_location(caller(ctx, *auth), change, locations, audit);
  }));
}

Response remove(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::write_locations);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  auto removed = ctx.resources.db.unit([&](UnitOfWork& u) {
    PgLocationStore locations(u);
    PgAuditTrail audit(u);
    return delete_location(caller(ctx, *auth), {*id}, locations, audit);
  });
  return removed ? no_content() : problem(removed.error());
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
