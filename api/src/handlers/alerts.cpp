// /alerts (use cases in api/src/use_cases/alerts.cpp): what the alerts worker raised, within the
// caller's scope, each with the emails it sent; acknowledging one. Decode → use case → encode.
#include "ims/api/resource.hpp"
#include "ims/api/use_cases/alerts.hpp"
#include "ims/infra/pg.hpp"

namespace ims::api {
namespace {

using domain::Error;
using infra::PgAlertBoard;
using infra::PgAuditTrail;
using infra::UnitOfWork;

Response not_found() {
  return problem(Error::of(domain::ErrorCode::not_found, "no such alert"));
}

Response list(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_alerts);
  if (!auth) return problem(auth.error());
  auto page = read_page(ctx.request);
  if (!page) return problem(page.error());
  infra::AlertFilter filter;
  const auto open = ctx.request.query_param("open");
  if (open && *open != "true" && *open != "false")
    return problem(Error::validation({{"open", "must be true or false"}}));
  if (open) filter.open = *open == "true";
  filter.kind = ctx.request.query_param("kind");
  if (auto product = ctx.request.query_param("product_id")) {
    filter.product_id = parse_id(*product);
    if (!filter.product_id) return problem(Error::validation({{"product_id", "must be an id"}}));
  }
  filter.before_id = page->after_id;
  filter.limit = page->limit;
  auto body = ctx.resources.db.unit([&](UnitOfWork& u) {
    PgAlertBoard board(u);
    return list_alerts(caller(ctx, *auth), filter, board);
  });
  return json_response(200, body->dump());
}

Response get(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_alerts);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  auto found = ctx.resources.db.unit([&](UnitOfWork& u) {
    PgAlertBoard board(u);
    return get_alert(caller(ctx, *auth), *id, board);
  });
  return found ? json_response(200, found->dump()) : problem(found.error());
}

Response acknowledge(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_alerts);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  auto acked = ctx.resources.db.unit([&](UnitOfWork& u) {
    PgAlertBoard board(u);
    PgAuditTrail audit(u);
    return acknowledge_alert(caller(ctx, *auth), *id, board, audit);
  });
  return acked ? json_response(200, acked->dump()) : problem(acked.error());
}

}  // namespace

void add_alert_routes(Router<Handler>& router) {
  router.add("GET", "/api/v1/alerts", list);
  router.add("GET", "/api/v1/alerts/{id}", get);
  router.add("PUT", "/api/v1/alerts/{id}/ack", acknowledge);
}

}  // namespace ims::api
