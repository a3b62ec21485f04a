// /customers: the people a location sells to (issue 13). A customer belongs to one location; store
// users see their own location's customers only (anybody else's does not exist for them: 404), admins
// and manufacturers all of them. Phone, email, address and tax id are personal data: only the
// customer's location's users and admins see them, they never reach the logs, and the audit trail
// keeps the customer without them. GET /customers/{id}/orders lives with the orders.
#include <nlohmann/json.hpp>

#include "ims/api/resource.hpp"
#include "ims/domain/user_rules.hpp"
#include "ims/infra/customer_store.hpp"
#include "ims/infra/user_store.hpp"

namespace ims::api {
namespace {

using domain::Error;
using domain::ErrorCode;
using nlohmann::json;

Response not_found() {
  return problem(Error::of(ErrorCode::not_found, "no such customer"));
}

bool personal(const domain::Actor& actor, const infra::CustomerRecord& c) {
  return actor.role == domain::Role::admin || actor.location_id == c.location_id;
}

json customer_json(const domain::Actor& actor, const infra::CustomerRecord& c) {
  return json::parse(infra::customers::to_json(c, personal(actor, c)));
}

// Changing a customer takes seeing all of it: its location's users and admins.
std::optional<Response> refuse_change(const domain::Actor& actor, const infra::CustomerRecord& c) {
  if (personal(actor, c)) return std::nullopt;
  return problem(
      Error::of(ErrorCode::forbidden, "only the customer's location and admins may change a customer"));
}

// The customer if the actor may see it.
std::optional<infra::CustomerRecord> visible(pqxx::work& txn, const domain::Actor& actor, std::int64_t id,
                                             bool lock = false) {
  auto c = infra::customers::find(txn, id, lock);
  if (!c || !domain::can_access_location(actor, c->location_id)) return std::nullopt;
  return c;
}

void audit(Context& ctx, pqxx::work& txn, const Authenticated& auth, const char* action, std::int64_t id,
           const std::optional<infra::CustomerRecord>& before,
           const std::optional<infra::CustomerRecord>& after) {
  auto without_personal = [](const std::optional<infra::CustomerRecord>& c) -> std::optional<json> {
    if (!c) return std::nullopt;
    return json::parse(infra::customers::to_json(*c, false));
  };
  audit_change(ctx, txn, auth.actor.user_id, action, "customer", id, without_personal(before),
               without_personal(after));
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

Response phone_taken() {
  return problem(Error{ErrorCode::conflict,
                       "another customer of this location has this phone",
                       {{"phone", "is taken by another customer of this location"}},
                       0});
}

Response list_customers(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_customers);
  if (!auth) return problem(auth.error());
  auto page = read_page(ctx.request);
  if (!page) return problem(page.error());
  infra::CustomerFilter filter;
  filter.limit = page->limit;
  filter.after_id = page->after_id;
  std::vector<domain::FieldError> errors;
  if (auto loc = ctx.request.query_param("location_id"); loc && !loc->empty()) {
    filter.location_id = parse_id(*loc);
    if (!filter.location_id) errors.push_back({"location_id", "must be a positive integer id"});
  }
  if (auto active = ctx.request.query_param("is_active"); active && !active->empty()) {
    if (*active == "true" || *active == "false") {
      filter.is_active = *active == "true";
    } else {
      errors.push_back({"is_active", "must be true or false"});
    }
  }
  if (auto q = ctx.request.query_param("q"); q && !q->empty()) filter.q = utf8_prefix(*q, 100);
  if (!errors.empty()) return problem(Error::validation(std::move(errors)));
  // Only who may see phones and emails searches them (a manufacturer could otherwise probe them).
  filter.q_personal = auth->actor.role == domain::Role::admin || domain::is_location_scoped(auth->actor.role);
  // A store's users see their own location's customers, whatever location they ask for.
  if (domain::is_location_scoped(auth->actor.role)) {
    if (filter.location_id && filter.location_id != auth->actor.location_id) filter.location_id = -1;
    if (!filter.location_id) filter.location_id = auth->actor.location_id.value_or(-1);
  }
  auto rows = ctx.resources.db.transact([&](pqxx::work& txn) { return infra::customers::list(txn, filter); });
  auto to_json = [&](const infra::CustomerRecord& c) { return customer_json(auth->actor, c); };
  return json_response(200, page_of(rows, filter.limit, to_json).dump());
}

Response get_customer(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_customers);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  auto c = ctx.resources.db.transact([&](pqxx::work& txn) { return visible(txn, auth->actor, *id); });
  if (!c) return not_found();
  return versioned(200, customer_json(auth->actor, *c));
}

Response create_customer(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_customers);
  if (!auth) return problem(auth.error());
  json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  auto fields = read_fields(in);
  auto location_id = in.optional_id("location_id");
  // A store's users add to their own store; admins and manufacturers say where.
  if (!location_id && domain::is_location_scoped(auth->actor.role)) location_id = auth->actor.location_id;
  if (!location_id && in.ok()) in.fail("location_id", "is required: the location that sells to the customer");
  if (location_id && !domain::can_access_location(auth->actor, *location_id))
    in.fail("location_id", "is not your location");
  if (!in.ok()) return problem(in.error());
  std::optional<Response> refusal;
  auto created = ctx.resources.db.transact([&](pqxx::work& txn) -> std::optional<infra::CustomerRecord> {
    if (!infra::locations::find(txn, *location_id)) {
      refusal = problem(Error::validation({{"location_id", "does not exist"}}));
      return std::nullopt;
    }
    auto id = infra::customers::insert(txn, *location_id, fields, auth->actor.user_id);
    if (!id) {
      refusal = phone_taken();
      return std::nullopt;
    }
    auto c = infra::customers::find(txn, *id);
    audit(ctx, txn, *auth, "customer.create", *id, std::nullopt, c);
    return c;
  });
  if (refusal) return *refusal;
  return versioned(201, customer_json(auth->actor, *created))
      .header("Location", "/api/v1/customers/" + std::to_string(created->id));
}

Response update_customer(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_customers);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  auto fields = read_fields(in);
  if (!in.ok()) return problem(in.error());
  std::optional<Response> refusal;
  auto updated = ctx.resources.db.transact([&](pqxx::work& txn) -> std::optional<infra::CustomerRecord> {
    auto c = visible(txn, auth->actor, *id, true);
    if (!c) return refusal = not_found(), std::nullopt;
    if ((refusal = refuse_change(auth->actor, *c))) return std::nullopt;
    if ((refusal = precondition(ctx.request, c->version, "customer"))) return std::nullopt;
    if (c->anonymized) {
      return refusal = problem(Error::of(ErrorCode::conflict, "an anonymized customer cannot be edited")),
             std::nullopt;
    }
    if (!infra::customers::update(txn, *id, fields)) return refusal = phone_taken(), std::nullopt;
    auto after = infra::customers::find(txn, *id);
    audit(ctx, txn, *auth, "customer.update", *id, c, after);
    return after;
  });
  if (refusal) return *refusal;
  return versioned(200, customer_json(auth->actor, *updated));
}

Response delete_customer(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_customers);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  std::optional<Response> refusal;
  bool found = ctx.resources.db.transact([&](pqxx::work& txn) {
    auto c = visible(txn, auth->actor, *id, true);
    if (!c) return false;
    if ((refusal = refuse_change(auth->actor, *c))) return true;
    if (c->is_active) {
      infra::customers::deactivate(txn, *id);
      audit(ctx, txn, *auth, "customer.deactivate", *id, c, infra::customers::find(txn, *id));
    }
    return true;
  });
  if (refusal) return *refusal;
  return found ? no_content() : not_found();
}

Response anonymize_customer(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_customers);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  std::optional<Response> refusal;
  auto done = ctx.resources.db.transact([&](pqxx::work& txn) -> std::optional<infra::CustomerRecord> {
    auto c = visible(txn, auth->actor, *id, true);
    if (!c) return std::nullopt;
    if ((refusal = refuse_change(auth->actor, *c))) return std::nullopt;
    infra::customers::anonymize(txn, *id);
    auto after = infra::customers::find(txn, *id);
    audit(ctx, txn, *auth, "customer.anonymize", *id, std::nullopt, after);
    return after;
  });
  if (refusal) return *refusal;
  if (!done) return not_found();
  return versioned(200, customer_json(auth->actor, *done));
}

}  // namespace

void add_customer_routes(Router<Handler>& router) {
  router.add("GET", "/api/v1/customers", list_customers);
  router.add("POST", "/api/v1/customers", create_customer);
  router.add("GET", "/api/v1/customers/{id}", get_customer);
  router.add("PUT", "/api/v1/customers/{id}", update_customer);
  router.add("DELETE", "/api/v1/customers/{id}", delete_customer);
  router.add("POST", "/api/v1/customers/{id}/anonymize", anonymize_customer);
}

}  // namespace ims::api
