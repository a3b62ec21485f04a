// POST /orders: decode the order, place it (use case place_order), answer 202 with the pending order.
#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include "handlers.hpp"
#include "ims/api/resource.hpp"
#include "ims/api/use_cases/orders.hpp"
#include "ims/domain/catalog.hpp"
#include "ims/domain/user_rules.hpp"
#include "ims/infra/pg.hpp"

namespace ims::api::order_handlers {
namespace {

using domain::OrderKind;
using domain::Quantity;
using nlohmann::json;

constexpr int max_lines = 200;

std::optional<Quantity> read_quantity(const json& v) {
  if (v.is_number()) return Quantity::from_double(v.get<double>());
  if (v.is_string()) return Quantity::parse(v.get<std::string>());
  return std::nullopt;
}

std::optional<std::int64_t> read_cents(const json& v) {
  if (v.is_number()) return domain::money_from_double(v.get<double>());
  if (v.is_string()) return domain::parse_money(v.get<std::string>());
  return std::nullopt;
}

void read_lines(FieldReader& in, const json& body, PlaceOrder& out) {
  if (!body.contains("lines") || !body["lines"].is_array()) {
    in.fail("lines", "is required, a list of {product_id, quantity}");
    return;
  }
  const auto& lines = body["lines"];
  if (lines.empty() || lines.size() > max_lines) {
    in.fail("lines", "must hold 1 to " + std::to_string(max_lines) + " lines");
    return;
  }
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto at = "lines[" + std::to_string(i) + "].";
    const auto& l = lines[i];
    if (!l.is_object()) {
      in.fail("lines[" + std::to_string(i) + "]", "must be an object");
      continue;
    }
    OrderLineCommand line;
    if (!l.contains("product_id") || !l["product_id"].is_number_integer() ||
        l["product_id"].get<std::int64_t>() < 1) {
      in.fail(at + "product_id", "is required, a positive integer id");
    } else {
      line.product_id = l["product_id"].get<std::int64_t>();
    }
    auto q = l.contains("quantity") ? read_quantity(l["quantity"]) : std::nullopt;
    if (!q || *q <= Quantity() || q->milli() > 1'000'000'000'000) {
      in.fail(at + "quantity", "must be a positive number with at most 3 decimals");
    } else {
      line.quantity = *q;
    }
    if (l.contains("unit_price") && !l["unit_price"].is_null()) {
      line.unit_price_cents = read_cents(l["unit_price"]);
      if (!line.unit_price_cents || *line.unit_price_cents > domain::max_price_cents) {
        in.fail(at + "unit_price", "must be a non-negative amount with at most 2 decimals, at most " +
                                       domain::format_money(domain::max_price_cents));
      }
    }
    for (const char* name : {"lot_code", "expires_on"}) {
      if (!l.contains(name) || l[name].is_null()) continue;
      if (out.kind != OrderKind::purchase) {
        in.fail(at + name,
                "is only for purchase orders (the stock worker picks lots first-expiry-first-out)");
      } else if (!l[name].is_string() || l[name].get<std::string>().empty() ||
                 l[name].get<std::string>().size() > 64) {
        in.fail(at + name, "must be a non-empty string");
      } else {
        (std::string(name) == "lot_code" ? line.lot_code : line.expires_on) = l[name].get<std::string>();
      }
    }
    if (line.expires_on && !is_calendar_date(*line.expires_on))
      in.fail(at + "expires_on", "must be a date, YYYY-MM-DD");
    if (line.expires_on && !line.lot_code) in.fail(at + "expires_on", "needs a lot_code");
    out.lines.push_back(std::move(line));
  }
}

void read_customer(FieldReader& in, const json& body, PlaceOrder& input) {
  input.customer_ref.id = in.optional_id("customer_id");
  const bool sale = input.kind == OrderKind::sale;
  if (input.customer_ref.id && !sale) in.fail("customer_id", "is only for sale orders");
  if (!body.contains("customer") || body["customer"].is_null()) return;
  const auto& c = body["customer"];
  if (c.is_string()) {
    if (input.customer_ref.id) return in.fail("customer", "give customer_id or customer, not both");
    input.customer = in.optional_string("customer", 200);
    return;
  }
  if (!c.is_object()) return in.fail("customer", "must be a name, or an object {name, phone?, email?}");
  if (!sale) return in.fail("customer", "an object customer is only for sale orders");
  if (input.customer_ref.id) return in.fail("customer", "give customer_id or customer, not both");
  FieldReader sub(c);
  infra::CustomerFields f;
  f.name = sub.required_string("name", 200);
  if (sub.has("name") && f.name.empty()) sub.fail("name", "must not be empty");
  if (auto phone = sub.optional_string("phone", 40); phone && !phone->empty()) {
    f.phone = domain::normalize_phone(*phone);
    if (!f.phone) sub.fail("phone", "must be a phone number of 6 to 20 digits");
  }
  if (auto email = sub.optional_string("email", 254); email && !email->empty()) {
    if (auto why = domain::check_email(*email)) sub.fail("email", *why);
    f.email = email;
  }
  for (const auto& e : sub.errors()) in.fail("customer." + e.field, e.message);
  input.customer_ref.inline_fields = f;
}

// The command from the body, or the 422 of what is wrong with it.
domain::Result<PlaceOrder> read_order(const json& body) {
  FieldReader in(body);
  PlaceOrder cmd;
  cmd.kind_text = in.required_string("kind", 32);
  if (auto k = domain::parse_order_kind(cmd.kind_text)) {
    cmd.kind = *k;
  } else if (in.has("kind")) {
    in.fail("kind", "must be sale, replenishment or purchase");
  }
  cmd.parties.kind = cmd.kind;
  cmd.parties.seller_id = in.optional_id("seller_location_id");
  cmd.parties.buyer_id = in.optional_id("buyer_location_id");
  cmd.parties.supplier_id = in.optional_id("supplier_id");
  read_customer(in, body, cmd);
  if (in.ok()) read_lines(in, body, cmd);
  if (!in.ok()) return in.error();
  return cmd;
}

}  // namespace

OrderMetrics::OrderMetrics(infra::Metrics& metrics)
    : orders_(
          prometheus::BuildCounter()
              .Name("ims_orders_total")
              .Help(
                  "Orders by kind and outcome (recorded by the API; confirmed, rejected by the stock worker)")
              .Register(metrics.registry())) {}

void OrderMetrics::count(const std::string& kind, const char* outcome) {
  orders_.Add({{"kind", kind}, {"outcome", outcome}}).Increment();
}

Response place_order(Context& ctx, OrderMetrics& metrics) {
  auto auth = authenticate(ctx);
  if (!auth) return problem(auth.error());
  json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  auto cmd = read_order(body);
  if (!cmd) return problem(cmd.error());
  const auto kind = cmd->kind_text;
  auto placed = ctx.resources.db.unit([&](infra::UnitOfWork& u) {
    infra::PgOrderStore orders(u);
    infra::PgCustomerStore customers(u);
    return api::place_order(caller(ctx, *auth), *cmd, orders, customers);
  });
  metrics.count(kind, placed ? "recorded" : "refused");
  if (!placed) return problem(placed.error());
  const auto id = std::to_string((*placed)["id"].get<std::int64_t>());
  ctx.log.info("order recorded", {{"order_id", id}, {"number", (*placed)["number"].get<std::string>()}});
  return versioned(202, *placed).header("Location", "/api/v1/orders/" + id);
}

}  // namespace ims::api::order_handlers
