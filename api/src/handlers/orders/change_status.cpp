// PATCH /orders/{id}/status: move an order along its lifecycle (use case change_order_status).
#include "handlers.hpp"
#include "ims/api/resource.hpp"
#include "ims/api/use_cases/orders.hpp"
#include "ims/infra/outbox.hpp"

namespace ims::api::order_handlers {

Response change_status(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_orders);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return problem(domain::Error::of(domain::ErrorCode::not_found, "no such order"));
  nlohmann::json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  const auto status_text = in.required_string("status", 32);
  OrderStatusChange change{*id, ctx.request.header("if-match"), domain::OrderStatus::pending,
                           in.optional_string("note", 500)};
  const auto to = domain::parse_order_status(status_text);
  if (in.has("status") && !to) in.fail("status", "is not an order status");
  if (!in.ok()) return problem(in.error());
  change.to = *to;
  auto moved = ctx.resources.db.unit([&](infra::UnitOfWork& u) {
    infra::PgOrderStore orders(u);
    infra::PgOutbox outbox(u);
    infra::PgAuditTrail audit(u);
    return change_order_status(caller(ctx, *auth), change, orders, outbox, audit);
  });
  if (!moved) return problem(moved.error());
  ctx.log.info("order status changed", {{"order_id", std::to_string(*id)}, {"status", status_text}});
  // 202 when the stock worker still has to carry out the stock side of the move.
  return versioned(moved->stock_work ? 202 : 200, moved->order);
}

}  // namespace ims::api::order_handlers
