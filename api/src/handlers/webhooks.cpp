// /webhooks (admins): outside systems subscribed to IMS events. The webhooks worker posts each
// matching event, signed per Standard Webhooks; here are the subscriptions, their deliveries with
// every attempt, replays and test events. A secret is shown once, when it is generated.
// Decode → use case (api/src/use_cases/webhooks.cpp) → encode.
#include <nlohmann/json.hpp>

#include "ims/api/resource.hpp"
#include "ims/api/use_cases/webhooks.hpp"
#include "ims/infra/pg.hpp"
#include "ims/infra/webhook_store.hpp"

namespace ims::api {
namespace {

using domain::Error;
using domain::ErrorCode;
using infra::PgAuditTrail;
using infra::PgWebhookStore;
using infra::UnitOfWork;
using nlohmann::json;

json attempt_json(const infra::AttemptRecord& a) {
  return {{"id", a.id},
          {"attempted_at", a.attempted_at},
          {"status_code", or_null(a.status_code)},
          {"duration_ms", a.duration_ms},
          {"response_body", or_null(a.response_body)},
          {"error", or_null(a.error)}};
}

json delivery_json(const infra::DeliveryRecord& d) {
  return {{"id", d.id},
          {"webhook_id", d.webhook_id},
          {"event_id", d.event_id},
          {"event_type", d.event_type},
          {"status", domain::to_string(d.status)},
          {"attempts", d.attempts},
          {"last_status_code", or_null(d.last_status_code)},
          {"last_error", or_null(d.last_error)},
          {"created_at", d.created_at},
          {"next_attempt_at",
           d.status == domain::DeliveryStatus::pending ? json(d.next_attempt_at) : json(nullptr)},
          {"delivered_at", or_null(d.delivered_at)},
          {"recent_attempts", json::array()}};
}

json history_json(const DeliveryHistory& d) {
  auto out = delivery_json(d);
  for (const auto& a : d.recent_attempts) out["recent_attempts"].push_back(attempt_json(a));
  return out;
}

Response not_found() {
  return problem(Error::of(ErrorCode::not_found, "no such webhook"));
}

// The body of POST and PUT; `creating` allows a secret, updating allows enabled.
webhooks::WebhookInput read_input(FieldReader& in, const json& body, bool creating) {
  webhooks::WebhookInput input;
  input.url = in.required_string("url", domain::webhook_url_max);
  if (!body.contains("event_types") || !body["event_types"].is_array()) {
    in.fail("event_types", "is required, a list of event types such as order.created or order.*");
  } else {
    for (const auto& t : body["event_types"]) {
      if (!t.is_string()) {
        in.fail("event_types", "must list strings");
        break;
      }
      input.event_types.push_back(t.get<std::string>());
    }
  }
  input.description = in.optional_string("description", 500);
  if (creating) input.secret = in.optional_string("secret", 200);
  if (!creating) input.enabled = in.optional_bool("enabled");
  return input;
}

std::optional<std::int64_t> path_id(Context& ctx, const char* name) {
  return parse_id(ctx.request.path_params.at(name));
}

Response encoded(const domain::Result<infra::WebhookRecord>& webhook) {
  return webhook ? json_response(200, webhook_json(*webhook).dump()) : problem(webhook.error());
}

Response accepted(const domain::Result<infra::DeliveryRecord>& delivery) {
  return delivery ? json_response(202, delivery_json(*delivery).dump()) : problem(delivery.error());
}

Response list(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_webhooks);
  if (!auth) return problem(auth.error());
  auto page = read_page(ctx.request);
  if (!page) return problem(page.error());
  const WebhookFilter filter{page->after_id, page->limit};
  auto rows = ctx.resources.db.unit([&](UnitOfWork& u) {
    PgWebhookStore store(u);
    return list_webhooks(filter, store);
  });
  return json_response(200, page_of(*rows, filter.limit, webhook_json).dump());
}

Response create(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_webhooks);
  if (!auth) return problem(auth.error());
  json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  auto input = read_input(in, body, true);
  if (!in.ok()) return problem(in.error());
  auto created = ctx.resources.db.unit([&](UnitOfWork& u) {
    PgWebhookStore store(u);
    PgAuditTrail audit(u);
    return create_webhook(caller(ctx, *auth), input, store, audit);
  });
  if (!created) return problem(created.error());
  auto shown = webhook_json(created->webhook);
  shown["secret"] = or_null(created->generated_secret);
  return json_response(201, shown.dump())
      .header("Location", "/api/v1/webhooks/" + std::to_string(created->webhook.id));
}

Response get(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_webhooks);
  if (!auth) return problem(auth.error());
  auto id = path_id(ctx, "id");
  if (!id) return not_found();
  return encoded(ctx.resources.db.unit([&](UnitOfWork& u) {
    PgWebhookStore store(u);
    return get_webhook(*id, store);
  }));
}

Response update(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_webhooks);
  if (!auth) return problem(auth.error());
  auto id = path_id(ctx, "id");
  if (!id) return not_found();
  json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  const WebhookChange change{*id, read_input(in, body, false)};
  if (!in.ok()) return problem(in.error());
  return encoded(ctx.resources.db.unit([&](UnitOfWork& u) {
    PgWebhookStore store(u);
    PgAuditTrail audit(u);
    return update_webhook(caller(ctx, *auth), change, store, audit);
  }));
}

Response remove(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_webhooks);
  if (!auth) return problem(auth.error());
  auto id = path_id(ctx, "id");
  if (!id) return not_found();
  auto removed = ctx.resources.db.unit([&](UnitOfWork& u) {
    PgWebhookStore store(u);
    PgAuditTrail audit(u);
    return delete_webhook(caller(ctx, *auth), {*id}, store, audit);
  });
  return removed ? no_content() : problem(removed.error());
}

Response deliveries(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_webhooks);
  if (!auth) return problem(auth.error());
  auto id = path_id(ctx, "id");
  if (!id) return not_found();
  auto page = read_page(ctx.request);
  if (!page) return problem(page.error());
  const DeliveryFilter filter{*id, page->after_id, page->limit};
  auto rows = ctx.resources.db.unit([&](UnitOfWork& u) {
    PgWebhookStore store(u);
    return list_webhook_deliveries(filter, store);
  });
  if (!rows) return problem(rows.error());
  return json_response(200, page_of(*rows, filter.limit, history_json).dump());
}

Response replay(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_webhooks);
  if (!auth) return problem(auth.error());
  auto id = path_id(ctx, "id");
  auto delivery_id = path_id(ctx, "delivery_id");
  if (!id || !delivery_id) return problem(Error::of(ErrorCode::not_found, "no such delivery"));
  return accepted(ctx.resources.db.unit([&](UnitOfWork& u) {
    PgWebhookStore store(u);
    PgAuditTrail audit(u);
    return replay_webhook_delivery(caller(ctx, *auth), {*id, *delivery_id}, store, audit);
  }));
}

Response send_test(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_webhooks);
  if (!auth) return problem(auth.error());
  auto id = path_id(ctx, "id");
  if (!id) return not_found();
  return accepted(ctx.resources.db.unit([&](UnitOfWork& u) {
    PgWebhookStore store(u);
    return send_webhook_test(caller(ctx, *auth), {*id}, store);
  }));
}

}  // namespace

void add_webhook_routes(Router<Handler>& router) {
  router.add("GET", "/api/v1/webhooks", list);
  router.add("POST", "/api/v1/webhooks", create);
  router.add("GET", "/api/v1/webhooks/{id}", get);
  router.add("PUT", "/api/v1/webhooks/{id}", update);
  router.add("DELETE", "/api/v1/webhooks/{id}", remove);
  router.add("GET", "/api/v1/webhooks/{id}/deliveries", deliveries);
  router.add("POST", "/api/v1/webhooks/{id}/deliveries/{delivery_id}/replay", replay);
  router.add("POST", "/api/v1/webhooks/{id}/test", send_test);
}

}  // namespace ims::api
