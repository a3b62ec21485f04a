// /webhooks (admins): outside systems subscribed to IMS events. The webhooks worker posts each
// matching event, signed per Standard Webhooks; here are the subscriptions, their deliveries with
// every attempt, replays and test events. A secret is shown once, when it is generated.
#include <nlohmann/json.hpp>

#include "ims/api/resource.hpp"
#include "ims/api/webhooks.hpp"
#include "ims/infra/pg.hpp"

namespace ims::api {
namespace {

using domain::Error;
using domain::ErrorCode;
using nlohmann::json;

json webhook_json(const infra::WebhookRecord& w) {
  return {{"id", w.id},
          {"url", w.url},
          {"event_types", w.event_types},
          {"description", or_null(w.description)},
          {"enabled", w.enabled},
          {"disabled_at", or_null(w.disabled_at)},
          {"disabled_reason", or_null(w.disabled_reason)},
          {"created_by", or_null(w.created_by)},
          {"created_at", w.created_at},
          {"updated_at", w.updated_at},
          {"version", w.version}};
}

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

Response list(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_webhooks);
  if (!auth) return problem(auth.error());
  auto page = read_page(ctx.request);
  if (!page) return problem(page.error());
  auto rows = ctx.resources.db.transact([&](pqxx::work& txn) {
    infra::PgWebhookStore store(txn);
    return store.list(page->after_id, page->limit + 1);
  });
  return json_response(200, page_of(rows, page->limit, webhook_json).dump());
}

Response create(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_webhooks);
  if (!auth) return problem(auth.error());
  json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  auto input = read_input(in, body, true);
  if (!in.ok()) return problem(in.error());
  auto created = ctx.resources.db.transact([&](pqxx::work& txn) -> domain::Result<json> {
    infra::PgWebhookStore store(txn);
    auto made = webhooks::create_webhook(store, auth->actor, input);
    if (!made) return made.error();
    auto shown = webhook_json(made->webhook);
    audit_change(ctx, txn, auth->actor.user_id, "webhook.create", "webhook", made->webhook.id, std::nullopt,
                 shown);
    shown["secret"] = or_null(made->generated_secret);
    return shown;
  });
  if (!created) return problem(created.error());
  return json_response(201, created->dump())
      .header("Location", "/api/v1/webhooks/" + std::to_string((*created)["id"].get<std::int64_t>()));
}

Response get(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_webhooks);
  if (!auth) return problem(auth.error());
  auto id = path_id(ctx, "id");
  if (!id) return not_found();
  auto found = ctx.resources.db.transact([&](pqxx::work& txn) {
    infra::PgWebhookStore store(txn);
    return store.find(*id);
  });
  return found ? json_response(200, webhook_json(*found).dump()) : not_found();
}

Response update(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_webhooks);
  if (!auth) return problem(auth.error());
  auto id = path_id(ctx, "id");
  if (!id) return not_found();
  json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  auto input = read_input(in, body, false);
  if (!in.ok()) return problem(in.error());
  auto updated = ctx.resources.db.transact([&](pqxx::work& txn) -> domain::Result<json> {
    infra::PgWebhookStore store(txn);
    auto before = store.find(*id, true);
    if (!before) return Error::of(ErrorCode::not_found, "no such webhook");
    auto after = webhooks::update_webhook(store, auth->actor, *id, input);
    if (!after) return after.error();
    audit_change(ctx, txn, auth->actor.user_id, "webhook.update", "webhook", *id, webhook_json(*before),
                 webhook_json(*after));
    return webhook_json(*after);
  });
  if (!updated) return problem(updated.error());
  return json_response(200, updated->dump());
}

Response remove(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_webhooks);
  if (!auth) return problem(auth.error());
  auto id = path_id(ctx, "id");
  if (!id) return not_found();
  const bool removed = ctx.resources.db.transact([&](pqxx::work& txn) {
    infra::PgWebhookStore store(txn);
    auto before = store.find(*id, true);
    if (!before) return false;
    store.remove(*id);
    audit_change(ctx, txn, auth->actor.user_id, "webhook.delete", "webhook", *id, webhook_json(*before),
                 std::nullopt);
    return true;
  });
  return removed ? no_content() : not_found();
}

Response deliveries(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_webhooks);
  if (!auth) return problem(auth.error());
  auto id = path_id(ctx, "id");
  if (!id) return not_found();
  auto page = read_page(ctx.request);
  if (!page) return problem(page.error());
  auto out = ctx.resources.db.transact([&](pqxx::work& txn) -> std::optional<json> {
    infra::PgWebhookStore store(txn);
    if (!store.find(*id)) return std::nullopt;
    auto rows = store.deliveries(*id, page->after_id, page->limit + 1);
    json result{{"items", json::array()}, {"next_cursor", nullptr}};
    const bool more = static_cast<int>(rows.size()) > page->limit;
    if (more) rows.pop_back();
    for (const auto& d : rows) {
      auto item = delivery_json(d);
      for (const auto& a : store.attempts(d.id, 10)) item["recent_attempts"].push_back(attempt_json(a));
      result["items"].push_back(std::move(item));
    }
    if (more) result["next_cursor"] = std::to_string(rows.back().id);
    return result;
  });
  return out ? json_response(200, out->dump()) : not_found();
}

Response replay(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_webhooks);
  if (!auth) return problem(auth.error());
  auto id = path_id(ctx, "id");
  auto delivery_id = path_id(ctx, "delivery_id");
  if (!id || !delivery_id) return problem(Error::of(ErrorCode::not_found, "no such delivery"));
  auto replayed = ctx.resources.db.transact([&](pqxx::work& txn) -> domain::Result<infra::DeliveryRecord> {
    infra::PgWebhookStore store(txn);
    auto d = webhooks::replay_delivery(store, *id, *delivery_id);
    if (d)
      audit_change(ctx, txn, auth->actor.user_id, "webhook.replay", "webhook", *id, std::nullopt,
                   json{{"delivery_id", d->id}, {"event_id", d->event_id}});
    return d;
  });
  if (!replayed) return problem(replayed.error());
  return json_response(202, delivery_json(*replayed).dump());
}

Response send_test(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::manage_webhooks);
  if (!auth) return problem(auth.error());
  auto id = path_id(ctx, "id");
  if (!id) return not_found();
  auto sent = ctx.resources.db.transact([&](pqxx::work& txn) {
    infra::PgWebhookStore store(txn);
    return webhooks::send_test(store, auth->actor, *id, ctx.request.request_id);
  });
  if (!sent) return problem(sent.error());
  return json_response(202, delivery_json(*sent).dump());
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
