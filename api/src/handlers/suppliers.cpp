// /suppliers: who raw materials are bought from. Manufacturer and admin.
#include "ims/api/resource.hpp"
#include "ims/domain/user_rules.hpp"
#include "ims/infra/user_store.hpp"

namespace ims::api {
namespace {

using domain::Error;
using domain::ErrorCode;
using nlohmann::json;

constexpr const char* columns = "id, name, email, phone, payment_terms, is_active, version";

json supplier_json(const pqxx::row& r) {
  return json{{"id", r[0].as<std::int64_t>()}, {"name", r[1].as<std::string>()}, {"email", text_or_null(r[2])},
              {"phone", text_or_null(r[3])}, {"payment_terms", text_or_null(r[4])}, {"is_active", r[5].as<bool>()},
              {"version", r[6].as<int>()}};
}

std::optional<json> find(pqxx::work& txn, std::int64_t id, bool lock = false) {
  auto rows = txn.exec_params(std::string("SELECT ") + columns + " FROM procurement.suppliers WHERE id = $1" + (lock ? " FOR UPDATE" : ""), id);
  if (rows.empty()) return std::nullopt;
  return supplier_json(rows[0]);
}

Response not_found() { return problem(Error::of(ErrorCode::not_found, "no such supplier")); }

struct Fields {
  std::string name;
  std::optional<std::string> email, phone, payment_terms;
};

Fields read_fields(FieldReader& in) {
  Fields f{in.required_string("name", 200), in.optional_string("email", 254), in.optional_string("phone", 40),
           in.optional_string("payment_terms", 100)};
  if (in.has("name") && f.name.empty()) in.fail("name", "must not be empty");
  if (f.email) {
    if (auto why = domain::check_email(*f.email)) in.fail("email", *why);
  }
  return f;
}


Response list(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_suppliers);
  if (!auth) return problem(auth.error());
  auto page = read_page(ctx.request);
  if (!page) return problem(page.error());
  std::optional<std::string> pattern;
  if (auto q = ctx.request.query_param("q"); q && !q->empty()) pattern = "%" + utf8_prefix(*q, 100) + "%";
  std::optional<bool> active;
  if (auto a = ctx.request.query_param("is_active")) active = *a == "true";
  auto rows = ctx.resources.db.transact([&](pqxx::work& txn) {
    return txn.exec_params(std::string("SELECT ") + columns +
                               " FROM procurement.suppliers WHERE ($1::bigint IS NULL OR id > $1)"
                               " AND ($2::text IS NULL OR name ILIKE $2 OR email ILIKE $2) AND ($3::boolean IS NULL OR is_active = $3)"
                               " ORDER BY id LIMIT $4",
                           page->after_id, pattern, active, page->limit + 1);
  });
  return json_response(200, page_of(rows, page->limit, supplier_json).dump());
}

Response get(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_suppliers);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  auto s = ctx.resources.db.transact([&](pqxx::work& txn) { return find(txn, *id); });
  return s ? versioned(200, *s) : not_found();
}

Response create(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_suppliers);
  if (!auth) return problem(auth.error());
  json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  auto f = read_fields(in);
  if (!in.ok()) return problem(in.error());
  auto created = ctx.resources.db.transact([&](pqxx::work& txn) {
    auto id = txn.exec_params1("INSERT INTO procurement.suppliers (name, email, phone, payment_terms) VALUES ($1, $2, $3, $4) RETURNING id",
                               f.name, f.email, f.phone, f.payment_terms)[0].as<std::int64_t>();
    auto s = find(txn, id);
    audit_change(ctx, txn, auth->actor.user_id, "supplier.create", "supplier", id, std::nullopt, s);
    return *s;
  });
  return versioned(201, created).header("Location", "/api/v1/suppliers/" + std::to_string(created["id"].get<std::int64_t>()));
}

Response update(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_suppliers);
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
    if ((refusal = precondition(ctx.request, (*before)["version"], "supplier"))) return std::nullopt;
    txn.exec_params("UPDATE procurement.suppliers SET name = $2, email = $3, phone = $4, payment_terms = $5,"
                    " version = version + 1, updated_at = now() WHERE id = $1",
                    *id, f.name, f.email, f.phone, f.payment_terms);
    auto after = find(txn, *id);
    audit_change(ctx, txn, auth->actor.user_id, "supplier.update", "supplier", *id, before, after);
    return after;
  });
  return refusal ? *refusal : versioned(200, *updated);
}

Response set_status(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_suppliers);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  const bool active = in.required_bool("is_active");
  if (!in.ok()) return problem(in.error());
  std::optional<Response> refusal;
  auto updated = ctx.resources.db.transact([&](pqxx::work& txn) -> std::optional<json> {
    auto before = find(txn, *id, true);
    if (!before) return refusal = not_found(), std::nullopt;
    if ((refusal = precondition(ctx.request, (*before)["version"], "supplier"))) return std::nullopt;
    txn.exec_params("UPDATE procurement.suppliers SET is_active = $2, version = version + 1, updated_at = now() WHERE id = $1", *id, active);
    auto after = find(txn, *id);
    audit_change(ctx, txn, auth->actor.user_id, active ? "supplier.activate" : "supplier.deactivate", "supplier", *id, before, after);
    return after;
  });
  return refusal ? *refusal : versioned(200, *updated);
}

Response remove(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_suppliers);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  std::optional<Response> refusal;
  ctx.resources.db.transact([&](pqxx::work& txn) {
    auto before = find(txn, *id, true);
    if (!before) return void(refusal = not_found());
    auto used = txn.exec_params1("SELECT count(*) FROM catalog.products WHERE supplier_id = $1", *id)[0].as<long>();
    if (used > 0) {
      refusal = problem(Error::of(ErrorCode::conflict, "the supplier is referenced by " + std::to_string(used) +
                                                           " product(s); deactivate it instead"));
      return;
    }
    txn.exec_params("DELETE FROM procurement.suppliers WHERE id = $1", *id);
    audit_change(ctx, txn, auth->actor.user_id, "supplier.delete", "supplier", *id, before, std::nullopt);
  });
  return refusal ? *refusal : no_content();
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
