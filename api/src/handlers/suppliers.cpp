// /suppliers: who raw materials are bought from. Manufacturer and admin.
// Decode → use case (api/src/use_cases/suppliers.cpp) → encode.
#include "ims/api/resource.hpp"
#include "ims/api/use_cases/suppliers.hpp"
#include "ims/domain/user_rules.hpp"
#include "ims/infra/pg.hpp"

namespace ims::api {
namespace {

using domain::Error;
using domain::ErrorCode;
using infra::PgAuditTrail;
using infra::PgSupplierStore;
using infra::UnitOfWork;

Response not_found() {
  return problem(Error::of(ErrorCode::not_found, "no such supplier"));
}

infra::SupplierFields read_fields(FieldReader& in) {
  infra::SupplierFields f{in.required_string("name", 200), in.optional_string("email", 254),
                          in.optional_string("phone", 40), in.optional_string("payment_terms", 100)};
  if (in.has("name") && f.name.empty()) in.fail("name", "must not be empty");
  if (f.email) {
    if (auto why = domain::check_email(*f.email)) in.fail("email", *why);
  }
  return f;
}

Response encoded(int status, const domain::Result<infra::SupplierRecord>& supplier) {
  return supplier ? versioned(status, supplier_json(*supplier)) : problem(supplier.error());
}

Response list(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_suppliers);
  if (!auth) return problem(auth.error());
  auto page = read_page(ctx.request);
  if (!page) return problem(page.error());
  infra::SupplierFilter filter{std::nullopt, std::nullopt, page->after_id, page->limit};
  if (auto q = ctx.request.query_param("q"); q && !q->empty()) filter.q = utf8_prefix(*q, 100);
  if (auto a = ctx.request.query_param("is_active")) filter.is_active = *a == "true";
  auto rows = ctx.resources.db.unit([&](UnitOfWork& u) {
    PgSupplierStore suppliers(u);
    return list_suppliers(filter, suppliers);
  });
  return json_response(200, page_of(*rows, filter.limit, supplier_json).dump());
}

Response get(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_suppliers);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  return encoded(200, ctx.resources.db.unit([&](UnitOfWork& u) {
    PgSupplierStore suppliers(u);
    return get_supplier(*id, suppliers);
  }));
}

Response create(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_suppliers);
  if (!auth) return problem(auth.error());
  nlohmann::json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  auto fields = read_fields(in);
  if (!in.ok()) return problem(in.error());
  auto created = ctx.resources.db.unit([&](UnitOfWork& u) {
    PgSupplierStore suppliers(u);
    PgAuditTrail audit(u);
    return create_supplier(caller(ctx, *auth), fields, suppliers, audit);
  });
  if (!created) return problem(created.error());
  return encoded(201, created).header("Location", "/api/v1/suppliers/" + std::to_string(created->id));
}

Response update(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_suppliers);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  nlohmann::json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  SupplierChange change{*id, ctx.request.header("if-match"), read_fields(in)};
  if (!in.ok()) return problem(in.error());
  return encoded(200, ctx.resources.db.unit([&](UnitOfWork& u) {
    PgSupplierStore suppliers(u);
    PgAuditTrail audit(u);
    return update_supplier(caller(ctx, *auth), change, suppliers, audit);
  }));
}

Response set_status(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_suppliers);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  nlohmann::json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  SupplierStatusChange change{*id, ctx.request.header("if-match"), in.required_bool("is_active")};
  if (!in.ok()) return problem(in.error());
  return encoded(200, ctx.resources.db.unit([&](UnitOfWork& u) {
    PgSupplierStore suppliers(u);
    PgAuditTrail audit(u);
    return set_supplier_status(caller(ctx, *auth), change, suppliers, audit);
  }));
}

Response remove(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_suppliers);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  auto removed = ctx.resources.db.unit([&](UnitOfWork& u) {
    PgSupplierStore suppliers(u);
    PgAuditTrail audit(u);
    return delete_supplier(caller(ctx, *auth), {*id}, suppliers, audit);
  });
  return removed ? no_content() : problem(removed.error());
}

}  // namespace

void add_supplier_routes(Router<Handler>& router) {
  router.add("GET", "/api/v1/suppliers", list);
  router.add("POST", "/api/v1/suppliers", create);
  router.add("GET", "/api/v1/suppliers/{id}", get);
  router.add("PUT", "/api/v1/suppliers/{id}", update);
  router.add("DELETE", "/api/v1/suppliers/{id}", remove);
  router.add("PATCH", "/api/v1/suppliers/{id}/status", set_status);
}

}  // namespace ims::api
