// /customers: the people a location sells to (issue 13). A customer belongs to one location; store
// users see their own location's customers only (anybody else's does not exist for them: 404), admins
// and manufacturers all of them. Phone, email, address and tax id are personal data: only the
// customer's location's users and admins see them, they never reach the logs, and the audit trail
// keeps the customer without them. GET /customers/{id}/orders lives with the orders.
// Decode → use case (api/src/use_cases/customers.cpp) → encode.
#include <nlohmann/json.hpp>

#include "ims/api/resource.hpp"
#include "ims/api/use_cases/customers.hpp"
#include "ims/domain/user_rules.hpp"
#include "ims/infra/customer_store.hpp"
#include "ims/infra/pg.hpp"

namespace ims::api {
namespace {

using domain::Error;
using domain::ErrorCode;
using infra::PgAuditTrail;
using infra::PgCustomerStore;
using infra::PgLocationStore;
using infra::UnitOfWork;
using nlohmann::json;

Response not_found() {
  return problem(Error::of(ErrorCode::not_found, "no such customer"));
}

// The editable fields of a POST or PUT body.
infra::CustomerFields read_fields(FieldReader& in) {
  infra::CustomerFields f;
  f.name = in.required_string("name", 200);
  if (in.has("name") && f.name.empty()) in.fail("name", "must not be empty");
  auto text = [&](const char* name, std::size_t max) {
    auto v = in.optional_string(name, max);
    return v && !v->empty() ? v : std::nullopt;
  };
  if (auto phone = text("phone", 40)) {
    f.phone = domain::normalize_phone(*phone);
    if (!f.phone) in.fail("phone", "must be a phone number of 6 to 20 digits");
  }
  if ((f.email = text("email", 254))) {
    if (auto why = domain::check_email(*f.email)) in.fail("email", *why);
  }
  f.address = text("address", 500);
  f.tax_id = text("tax_id", 64);
  f.notes = text("notes", 2000);
  return f;
}

// The location of a new customer: a store's users add to their own store; admins and manufacturers
// say where.
std::optional<std::int64_t> read_location(FieldReader& in, const domain::Actor& actor) {
  auto location_id = in.optional_id("location_id");
  if (!location_id && domain::is_location_scoped(actor.role)) location_id = actor.location_id;
  if (!location_id && in.ok()) in.fail("location_id", "is required: the location that sells to the customer");
  if (location_id && !domain::can_access_location(actor, *location_id))
    in.fail("location_id", "is not your location");
  return location_id;
}

// The query of GET /customers (location_id, is_active, q) on a page.
domain::Result<infra::CustomerFilter> read_filter(const Request& request, const Page& page) {
  infra::CustomerFilter filter;
  filter.limit = page.limit;
  filter.after_id = page.after_id;
  std::vector<domain::FieldError> errors;
  if (auto loc = request.query_param("location_id"); loc && !loc->empty()) {
    filter.location_id = parse_id(*loc);
    if (!filter.location_id) errors.push_back({"location_id", "must be a positive integer id"});
  }
  if (auto active = request.query_param("is_active"); active && !active->empty()) {
    if (*active == "true" || *active == "false") {
      filter.is_active = *active == "true";
    } else {
      errors.push_back({"is_active", "must be true or false"});
    }
  }
  if (auto q = request.query_param("q"); q && !q->empty()) filter.q = utf8_prefix(*q, 100);
  if (!errors.empty()) return Error::validation(std::move(errors));
  return filter;
}

Response encoded(int status, const domain::Actor& viewer, const domain::Result<infra::CustomerRecord>& c) {
  return c ? versioned(status, customer_json(viewer, *c)) : problem(c.error());
}

Response list(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_customers);
  if (!auth) return problem(auth.error());
  auto page = read_page(ctx.request);
  if (!page) return problem(page.error());
  auto filter = read_filter(ctx.request, *page);
  if (!filter) return problem(filter.error());
  auto rows = ctx.resources.db.unit([&](UnitOfWork& u) {
    PgCustomerStore customers(u);
    return list_customers(caller(ctx, *auth), *filter, customers);
  });
  auto to_json = [&](const infra::CustomerRecord& c) { return customer_json(auth->actor, c); };
  return json_response(200, page_of(*rows, filter->limit, to_json).dump());
}

Response get(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_customers);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  return encoded(200, auth->actor, ctx.resources.db.unit([&](UnitOfWork& u) {
    PgCustomerStore customers(u);
    return get_customer(caller(ctx, *auth), *id, customers);
  }));
}

Response create(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_customers);
  if (!auth) return problem(auth.error());
  json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  auto fields = read_fields(in);
  auto location_id = read_location(in, auth->actor);
  if (!in.ok()) return problem(in.error());
  const NewCustomer customer{*location_id, std::move(fields)};
  auto created = ctx.resources.db.unit([&](UnitOfWork& u) {
    PgCustomerStore customers(u);
    PgLocationStore locations(u);
    PgAuditTrail audit(u);
    return create_customer(caller(ctx, *auth), customer, customers, locations, audit);
  });
  if (!created) return problem(created.error());
  return encoded(201, auth->actor, created)
      .header("Location", "/api/v1/customers/" + std::to_string(created->id));
}

Response update(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_customers);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  const CustomerChange change{*id, ctx.request.header("if-match"), read_fields(in)};
  if (!in.ok()) return problem(in.error());
  return encoded(200, auth->actor, ctx.resources.db.unit([&](UnitOfWork& u) {
    PgCustomerStore customers(u);
    PgAuditTrail audit(u);
    return update_customer(caller(ctx, *auth), change, customers, audit);
  }));
}

Response remove(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_customers);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  auto removed = ctx.resources.db.unit([&](UnitOfWork& u) {
    PgCustomerStore customers(u);
    PgAuditTrail audit(u);
    return deactivate_customer(caller(ctx, *auth), {*id}, customers, audit);
  });
  return removed ? no_content() : problem(removed.error());
}

Response anonymize(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_customers);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  return encoded(200, auth->actor, ctx.resources.db.unit([&](UnitOfWork& u) {
    PgCustomerStore customers(u);
    PgAuditTrail audit(u);
    return anonymize_customer(caller(ctx, *auth), {*id}, customers, audit);
  }));
}

}  // namespace

void add_customer_routes(Router<Handler>& router) {
  router.add("GET", "/api/v1/customers", list);
  router.add("POST", "/api/v1/customers", create);
  router.add("GET", "/api/v1/customers/{id}", get);
  router.add("PUT", "/api/v1/customers/{id}", update);
  router.add("DELETE", "/api/v1/customers/{id}", remove);
  router.add("POST", "/api/v1/customers/{id}/anonymize", anonymize);
}

}  // namespace ims::api
