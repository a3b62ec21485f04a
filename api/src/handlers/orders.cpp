// /orders, /orders/{id}, /orders/{id}/status, /orders/stats, /sales/daily.
// An order is recorded here (pending) with its order.created event in one statement; the stock
// worker confirms or rejects it and carries out the stock side of every later status. Buyers and
// sellers see their own orders; anybody else's order does not exist for them (404).
#include <map>
#include <set>

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <nlohmann/json.hpp>

#include "ims/api/order_statements.hpp"
#include "ims/api/resource.hpp"
#include "ims/domain/catalog.hpp"
#include "ims/domain/order.hpp"
#include "ims/domain/stock.hpp"
#include "ims/domain/user_rules.hpp"
#include "ims/infra/customer_store.hpp"
#include "ims/infra/outbox.hpp"
#include "ims/infra/pg.hpp"

namespace ims::api {

// Everything an order names, in one round trip: its products, locations and supplier.
const char* const order_lookup_sql =
    "SELECT 'p', id, is_active, (price * 100)::bigint, (cost * 100)::bigint, kind, NULL::bigint, sku"
    " FROM catalog.products WHERE id = ANY($1::bigint[])"
    " UNION ALL SELECT 'l', id, is_active, NULL, NULL, kind, upstream_location_id, NULL"
    " FROM inventory.locations WHERE id = ANY($2::bigint[])"
    " UNION ALL SELECT 's', id, is_active, NULL, NULL, NULL, NULL, NULL FROM procurement.suppliers WHERE id = $3";

// The order row, its lines, its first history entry and its order.created event: one statement.
const char* const order_insert_sql =
    "WITH l AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS t(line_no int, product_id bigint, quantity numeric,"
    "           unit_price numeric, lot_code text, expires_on date)),"
    " o AS (INSERT INTO sales.orders (number, kind, seller_location_id, buyer_location_id, supplier_id, customer, total,"
    "           created_by, request_id, customer_id)"
    "       SELECT sales.next_order_number($2), $2, $3, $4, $5, $6,"
    "              (SELECT sum(round(quantity * unit_price, 2)) FROM l), $7, $8, $11"
    "       RETURNING id, number, total, created_at),"
    " ins AS (INSERT INTO sales.order_lines (order_id, line_no, product_id, quantity, unit_price, lot_code, expires_on)"
    "       SELECT o.id, l.line_no, l.product_id, l.quantity, l.unit_price, l.lot_code, l.expires_on FROM o, l"
    "       RETURNING id, line_no, product_id, quantity, unit_price, amount, lot_code, expires_on),"
    " hist AS (INSERT INTO sales.order_events (order_id, to_status, actor_id, request_id) SELECT id, 'pending', $7, $8 FROM o),"
    " ev AS (INSERT INTO messaging.outbox (id, type, envelope)"
    "       SELECT $9::uuid, 'order.created', jsonb_set(jsonb_set($10::jsonb, '{data,order_id}', to_jsonb(o.id)),"
    "                                                   '{data,number}', to_jsonb(o.number)) FROM o RETURNING 1)"
    " SELECT o.id, o.number, o.total::text,"
    "        to_char(o.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'),"
    "        (SELECT json_agg(json_build_object('id', id, 'line_no', line_no, 'product_id', product_id,"
    "                'quantity', quantity, 'unit_price', unit_price::text, 'amount', amount::text, 'lot_code', lot_code,"
    "                'expires_on', expires_on, 'rejection_reason', NULL, 'allocations', '[]'::json) ORDER BY line_no)"
    "         FROM ins)::text,"
    "        (SELECT pg_notify('ims_outbox', '') FROM ev)"
    " FROM o";

infra::PreparedStatements Resources::hot_statements() {
  return {{"order_lookup", order_lookup_sql}, {"order_insert", order_insert_sql}};
}

namespace {

using domain::Error;
using domain::ErrorCode;
using domain::OrderKind;
using domain::OrderStatus;
using domain::Quantity;
using nlohmann::json;

constexpr int max_lines = 200;

json quantity_json(const std::string& decimal) { return Quantity::parse(decimal).value_or(Quantity()).to_double(); }



Response not_found() { return problem(Error::of(ErrorCode::not_found, "no such order")); }

// --- creating an order ---

struct LineInput {
  std::int64_t product_id = 0;
  Quantity quantity;
  std::optional<std::int64_t> unit_price_cents;  // only manufacturer/admin may set it
  std::optional<std::string> lot_code;
  std::optional<std::string> expires_on;
};

// Who a sale is to: a known customer, one named inline (found by phone or email at the selling
// location, else created), or a walk-in name only.
struct CustomerInput {
  std::optional<std::int64_t> id;
  std::optional<infra::CustomerFields> inline_fields;
};

struct OrderInput {
  OrderKind kind = OrderKind::sale;
  domain::OrderParties parties;
  std::optional<std::string> customer;  // the walk-in name, or the customer's name once resolved
  CustomerInput customer_ref;
  std::vector<LineInput> lines;
};

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

void read_lines(FieldReader& in, const json& body, OrderInput& out) {
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
    LineInput line;
    if (!l.contains("product_id") || !l["product_id"].is_number_integer() || l["product_id"].get<std::int64_t>() < 1) {
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
        in.fail(at + name, "is only for purchase orders (the stock worker picks lots first-expiry-first-out)");
      } else if (!l[name].is_string() || l[name].get<std::string>().empty() || l[name].get<std::string>().size() > 64) {
        in.fail(at + name, "must be a non-empty string");
      } else {
        (std::string(name) == "lot_code" ? line.lot_code : line.expires_on) = l[name].get<std::string>();
      }
    }
    if (line.expires_on && !is_calendar_date(*line.expires_on)) in.fail(at + "expires_on", "must be a date, YYYY-MM-DD");
    if (line.expires_on && !line.lot_code) in.fail(at + "expires_on", "needs a lot_code");
    out.lines.push_back(std::move(line));
  }
}

std::string id_array(const std::vector<std::int64_t>& ids) {
  std::string out = "{";
  for (std::size_t i = 0; i < ids.size(); ++i) out += (i ? "," : "") + std::to_string(ids[i]);
  return out + "}";
}

struct ProductFacts {
  bool is_active = false;
  bool finished = false;
  std::string sku;
  std::int64_t price_cents = 0;
  std::int64_t cost_cents = 0;
};

void look_up(pqxx::work& txn, OrderInput& input, const std::optional<std::int64_t>& default_buyer,
             std::map<std::int64_t, ProductFacts>& products) {
  auto& p = input.parties;
  if (!p.buyer_id && default_buyer) p.buyer_id = default_buyer;
  std::vector<std::int64_t> product_ids, location_ids;
  for (const auto& l : input.lines) product_ids.push_back(l.product_id);
  for (const auto& id : {p.seller_id, p.buyer_id}) {
    if (id) location_ids.push_back(*id);
  }
  auto rows = txn.exec_prepared("order_lookup", id_array(product_ids), id_array(location_ids), p.supplier_id);
  for (const auto& r : rows) {
    const auto what = r[0].as<std::string>();
    const auto id = r[1].as<std::int64_t>();
    if (what == "p") {
      products[id] = {r[2].as<bool>(), r[5].as<std::string>() == "finished_good", r[7].as<std::string>(),
                      r[3].as<std::int64_t>(), r[4].as<std::int64_t>()};
    } else if (what == "l") {
      domain::OrderLocation loc{id, *domain::parse_location_kind(r[5].as<std::string>()),
                                infra::nullable<std::int64_t>(r[6]), r[2].as<bool>()};
      if (p.seller_id == id) p.seller = loc;
      if (p.buyer_id == id) p.buyer = loc;
    } else {
      p.supplier_exists = true;
      p.supplier_active = r[2].as<bool>();
    }
  }
  // A replenishment names only its buyer; the seller is the buyer's upstream location.
  if (input.kind == OrderKind::replenishment && !p.seller_id && p.buyer && p.buyer->upstream_id) {
    auto up = txn.exec_params("SELECT kind, is_active FROM inventory.locations WHERE id = $1", *p.buyer->upstream_id);
    if (!up.empty()) {
      p.seller_id = p.buyer->upstream_id;
      p.seller = domain::OrderLocation{*p.buyer->upstream_id, *domain::parse_location_kind(up[0][0].as<std::string>()),
                                       std::nullopt, up[0][1].as<bool>()};
    }
  }
}



void read_customer(FieldReader& in, const json& body, OrderInput& input) {
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

// The customer of a sale at `seller`: the one named by id, or the inline one found or created.
std::optional<std::int64_t> resolve_customer(pqxx::work& txn, FieldReader& in, OrderInput& input,
                                             std::optional<std::int64_t> seller, std::int64_t actor_id) {
  auto& ref = input.customer_ref;
  if (!seller || (!ref.id && !ref.inline_fields)) return std::nullopt;
  if (ref.id) {
    auto c = infra::customers::find(txn, *ref.id);
    if (!c || c->location_id != *seller || !c->is_active) {
      in.fail("customer_id", "is not an active customer of the selling location");
      return std::nullopt;
    }
    input.customer = c->name;
    return c->id;
  }
  const auto& f = *ref.inline_fields;
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (auto found = infra::customers::match(txn, *seller, f.phone, f.email)) {
      input.customer = found->name;
      return found->id;
    }
    if (auto id = infra::customers::insert(txn, *seller, f, actor_id)) {
      input.customer = f.name;
      return id;
    }
    // a concurrent sale created the customer with this phone a moment ago: match it
  }
  in.fail("customer.phone", "could not be matched; try again");
  return std::nullopt;
}

Response create_order(Context& ctx) {
  auto auth = authenticate(ctx);
  if (!auth) return problem(auth.error());
  const auto& actor = auth->actor;
  json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  OrderInput input;
  const auto kind_text = in.required_string("kind", 32);
  if (auto k = domain::parse_order_kind(kind_text)) {
    input.kind = *k;
  } else if (in.has("kind")) {
    in.fail("kind", "must be sale, replenishment or purchase");
  }
  input.parties.kind = input.kind;
  input.parties.seller_id = in.optional_id("seller_location_id");
  input.parties.buyer_id = in.optional_id("buyer_location_id");
  input.parties.supplier_id = in.optional_id("supplier_id");
  read_customer(in, body, input);
  if (in.ok()) read_lines(in, body, input);
  if (!in.ok()) return problem(in.error());
  const bool sets_price = std::any_of(input.lines.begin(), input.lines.end(), [](const auto& l) { return l.unit_price_cents; });
  if (sets_price && !domain::allows(actor.role, domain::Permission::override_order_price)) {
    return problem(Error::of(ErrorCode::forbidden, "only a manufacturer or admin may set unit_price; leave it out to use the catalog price"));
  }

  std::optional<Error> refusal;
  auto created = ctx.resources.db.transact([&](pqxx::work& txn) -> std::optional<json> {
    std::map<std::int64_t, ProductFacts> products;
    look_up(txn, input, domain::default_buyer(actor, input.kind), products);
    auto parties = domain::check_parties(actor, input.parties);
    if (!parties) {
      refusal = parties.error();
      return std::nullopt;
    }
    json lines = json::array();
    std::int64_t total_cents = 0;
    for (std::size_t i = 0; i < input.lines.size(); ++i) {
      const auto& l = input.lines[i];
      const auto at = "lines[" + std::to_string(i) + "].product_id";
      auto p = products.find(l.product_id);
      if (p == products.end()) in.fail(at, "does not exist");
      else if (!p->second.is_active) in.fail(at, "is not active");
      else if (input.kind != OrderKind::purchase && !p->second.finished) in.fail(at, "is a raw material; only finished goods are sold");
      if (!in.ok()) continue;
      const auto price = l.unit_price_cents.value_or(input.kind == OrderKind::purchase ? p->second.cost_cents : p->second.price_cents);
      const auto amount = domain::line_amount_cents(l.quantity.milli(), price);
      if (!amount || (total_cents += *amount) > domain::max_amount_cents) {
        in.fail("lines[" + std::to_string(i) + "].quantity",
                amount ? "brings the order's total above " + domain::format_money(domain::max_amount_cents)
                       : "times the unit price is more than " + domain::format_money(domain::max_amount_cents));
        continue;
      }
      lines.push_back({{"line_no", i + 1},
                       {"product_id", l.product_id},
                       {"quantity", l.quantity.to_string()},
                       {"unit_price", domain::format_money(price)},
                       {"lot_code", l.lot_code ? json(*l.lot_code) : json(nullptr)},
                       {"expires_on", l.expires_on ? json(*l.expires_on) : json(nullptr)}});
    }
    std::optional<std::int64_t> customer_id;
    if (in.ok()) customer_id = resolve_customer(txn, in, input, parties->seller_id, actor.user_id);
    if (!in.ok()) {
      refusal = in.error();
      return std::nullopt;
    }
    auto opt = [](const std::optional<std::int64_t>& v) { return v ? json(*v) : json(nullptr); };
    const auto event = infra::prepare_event({"order.created",
                                             {{"kind", kind_text},
                                              {"seller_location_id", opt(parties->seller_id)},
                                              {"buyer_location_id", opt(parties->buyer_id)},
                                              {"supplier_id", opt(parties->supplier_id)}},
                                             ctx.request.request_id,
                                             actor.user_id});
    auto row = txn.exec_prepared1("order_insert", lines.dump(), kind_text, parties->seller_id, parties->buyer_id,
                                parties->supplier_id, customer_id ? std::nullopt : input.customer, actor.user_id,
                                ctx.request.request_id, event.id, event.envelope.dump(), customer_id);
    json order{{"id", row[0].as<std::int64_t>()},
               {"number", row[1].as<std::string>()},
               {"kind", kind_text},
               {"status", "pending"},
               {"seller_location_id", parties->seller_id ? json(*parties->seller_id) : json(nullptr)},
               {"buyer_location_id", parties->buyer_id ? json(*parties->buyer_id) : json(nullptr)},
               {"supplier_id", parties->supplier_id ? json(*parties->supplier_id) : json(nullptr)},
               {"customer", input.customer ? json(*input.customer) : json(nullptr)},
               {"customer_id", opt(customer_id)},
               {"total", row[2].as<std::string>()},
               {"rejection_reason", nullptr},
               {"created_by", actor.user_id},
               {"version", 1},
               {"created_at", row[3].as<std::string>()},
               {"updated_at", row[3].as<std::string>()},
               {"lines", json::parse(row[4].as<std::string>())}};
    for (auto& line : order["lines"]) line["quantity"] = line["quantity"].get<double>();
    return order;
  });
  static auto& orders_total = prometheus::BuildCounter()
                                  .Name("ims_orders_total")
                                  .Help("Orders by kind and outcome (recorded by the API; confirmed, rejected by the stock worker)")
                                  .Register(ctx.services.metrics.registry());
  if (!created) {
    orders_total.Add({{"kind", kind_text}, {"outcome", "refused"}}).Increment();
    return problem(*refusal);
  }
  orders_total.Add({{"kind", kind_text}, {"outcome", "recorded"}}).Increment();
  const auto id = std::to_string((*created)["id"].get<std::int64_t>());
  ctx.log.info("order recorded", {{"order_id", id}, {"number", (*created)["number"].get<std::string>()}});
  return versioned(202, *created).header("Location", "/api/v1/orders/" + id);
}

// --- reading orders ---

const std::string order_columns =
    "o.id, o.number, o.kind, o.status, o.seller_location_id, o.buyer_location_id, o.supplier_id,"
    " coalesce(o.customer, (SELECT c.name FROM sales.customers c WHERE c.id = o.customer_id)),"
    " o.total::text, o.rejection_reason, o.created_by, o.version, " +
    utc_timestamp("o.created_at") + ", " + utc_timestamp("o.updated_at") +
    ", (SELECT count(*) FROM sales.order_lines x WHERE x.order_id = o.id), o.customer_id";

json order_json(const pqxx::row& r) {
  return json{{"id", r[0].as<std::int64_t>()},          {"number", r[1].as<std::string>()},
              {"kind", r[2].as<std::string>()},         {"status", r[3].as<std::string>()},
              {"seller_location_id", id_or_null(r[4])}, {"buyer_location_id", id_or_null(r[5])},
              {"supplier_id", id_or_null(r[6])},        {"customer", text_or_null(r[7])},
              {"total", r[8].as<std::string>()},        {"rejection_reason", text_or_null(r[9])},
              {"created_by", id_or_null(r[10])},       {"version", r[11].as<int>()},
              {"created_at", r[12].as<std::string>()},  {"updated_at", r[13].as<std::string>()},
              {"line_count", r[14].as<std::int64_t>()}, {"customer_id", id_or_null(r[15])}};
}

std::optional<json> find_order(pqxx::work& txn, std::int64_t id, bool lock) {
  auto rows = txn.exec_params("SELECT " + order_columns + " FROM sales.orders o WHERE o.id = $1" + (lock ? " FOR UPDATE" : ""), id);
  if (rows.empty()) return std::nullopt;
  return order_json(rows[0]);
}

std::optional<std::int64_t> opt_id(const json& v) {
  return v.is_null() ? std::nullopt : std::optional<std::int64_t>(v.get<std::int64_t>());
}

struct OrderQuery {
  Page page;
  std::optional<std::string> kind, status;
  std::optional<std::int64_t> location;
  std::optional<std::string> number;
  std::optional<std::int64_t> customer_id;
};

// One page of the orders the actor may see, newest first.
pqxx::result order_page(pqxx::work& txn, const domain::Actor& actor, const OrderQuery& q) {
  std::optional<std::int64_t> scope;
  if (domain::is_location_scoped(actor.role)) scope = actor.location_id.value_or(-1);
  return txn.exec_params(
      "SELECT " + order_columns +
          " FROM sales.orders o"
          " WHERE ($1::bigint IS NULL OR o.id < $1) AND ($2::text IS NULL OR o.kind = $2) AND ($3::text IS NULL OR o.status = $3)"
          "   AND ($4::bigint IS NULL OR o.seller_location_id = $4 OR o.buyer_location_id = $4)"
          "   AND ($5::bigint IS NULL OR o.seller_location_id = $5 OR o.buyer_location_id = $5)"
          "   AND ($7::text IS NULL OR o.number = upper($7))"
          "   AND ($8::bigint IS NULL OR o.customer_id = $8)"
          " ORDER BY o.id DESC LIMIT $6",
      q.page.after_id, q.kind, q.status, scope, q.location, q.page.limit + 1, q.number, q.customer_id);
}

bool visible(const domain::Actor& actor, const json& order) {
  return domain::can_see_order(actor, opt_id(order["seller_location_id"]), opt_id(order["buyer_location_id"]));
}

// Lines with the lots reserved for them, and the status history.
void add_details(pqxx::work& txn, json& order) {
  const auto id = order["id"].get<std::int64_t>();
  auto lines = txn.exec_params(
      "SELECT l.id, l.line_no, l.product_id, p.sku, l.quantity::text, l.unit_price::text, l.amount::text, l.lot_code,"
      "       l.expires_on::text, l.rejection_reason,"
      "       coalesce((SELECT json_agg(json_build_object('lot_id', r.lot_id, 'lot_code', lt.lot_code,"
      "                  'expires_on', lt.expires_on, 'quantity', r.quantity, 'state', r.state) ORDER BY r.id)"
      "                 FROM inventory.reservations r LEFT JOIN inventory.lots lt ON lt.id = r.lot_id"
      "                 WHERE r.order_line_id = l.id), '[]')::text"
      " FROM sales.order_lines l JOIN catalog.products p ON p.id = l.product_id WHERE l.order_id = $1 ORDER BY l.line_no",
      id);
  order["lines"] = json::array();
  for (const auto& r : lines) {
    auto allocations = json::parse(r[10].as<std::string>());
    for (auto& a : allocations) a["quantity"] = a["quantity"].get<double>();
    order["lines"].push_back({{"id", r[0].as<std::int64_t>()},
                              {"line_no", r[1].as<int>()},
                              {"product_id", r[2].as<std::int64_t>()},
                              {"sku", r[3].as<std::string>()},
                              {"quantity", quantity_json(r[4].as<std::string>())},
                              {"unit_price", r[5].as<std::string>()},
                              {"amount", r[6].as<std::string>()},
                              {"lot_code", text_or_null(r[7])},
                              {"expires_on", text_or_null(r[8])},
                              {"rejection_reason", text_or_null(r[9])},
                              {"allocations", std::move(allocations)}});
  }
  auto history = txn.exec_params("SELECT from_status, to_status, actor_id, note, request_id, " + utc_timestamp("at") +
                                     " FROM sales.order_events WHERE order_id = $1 ORDER BY id",
                                 id);
  order["history"] = json::array();
  for (const auto& r : history) {
    order["history"].push_back({{"from", text_or_null(r[0])},
                                {"to", r[1].as<std::string>()},
                                {"actor_id", id_or_null(r[2])},
                                {"note", text_or_null(r[3])},
                                {"request_id", text_or_null(r[4])},
                                {"at", r[5].as<std::string>()}});
  }
}

Response get_order(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_orders);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  auto found = ctx.resources.db.transact([&](pqxx::work& txn) -> std::optional<json> {
    auto order = find_order(txn, *id, false);
    if (!order || !visible(auth->actor, *order)) return std::nullopt;  // outside the caller's scope it does not exist
    add_details(txn, *order);
    return order;
  });
  if (!found) return not_found();
  return versioned(200, *found);
}

Response list_orders(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_orders);
  if (!auth) return problem(auth.error());
  auto page = read_page(ctx.request);
  if (!page) return problem(page.error());
  std::vector<domain::FieldError> errors;
  auto kind = ctx.request.query_param("kind");
  auto status = ctx.request.query_param("status");
  if (kind && !domain::parse_order_kind(*kind)) errors.push_back({"kind", "must be sale, replenishment or purchase"});
  if (status && !domain::parse_order_status(*status)) errors.push_back({"status", "is not an order status"});
  std::optional<std::int64_t> location;
  if (auto l = ctx.request.query_param("location_id"); l && !l->empty()) {
    location = parse_id(*l);
    if (!location) errors.push_back({"location_id", "must be a positive integer id"});
  }
  // number: one order by its number, in any letter case (the dashboards' search box).
  std::optional<std::string> number;
  if (auto n = ctx.request.query_param("number"); n && !n->empty()) {
    if (n->size() > 32) errors.push_back({"number", "must be at most 32 characters"});
    number = *n;
  }
  std::optional<std::int64_t> customer_id;
  if (auto c = ctx.request.query_param("customer_id"); c && !c->empty()) {
    customer_id = parse_id(*c);
    if (!customer_id) errors.push_back({"customer_id", "must be a positive integer id"});
  }
  if (!errors.empty()) return problem(Error::validation(std::move(errors)));
  OrderQuery query{*page, kind, status, location, number, customer_id};
  auto rows = ctx.resources.db.transact([&](pqxx::work& txn) { return order_page(txn, auth->actor, query); });
  return json_response(200, page_of(rows, page->limit, order_json).dump());
}

// A customer's orders: 404 for a customer the caller may not see, like the customer itself.
Response list_customer_orders(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_customers);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return problem(Error::of(ErrorCode::not_found, "no such customer"));
  auto page = read_page(ctx.request);
  if (!page) return problem(page.error());
  auto rows = ctx.resources.db.transact([&](pqxx::work& txn) -> std::optional<pqxx::result> {
    auto customer = infra::customers::find(txn, *id);
    if (!customer || !domain::can_access_location(auth->actor, customer->location_id)) return std::nullopt;
    return order_page(txn, auth->actor, OrderQuery{*page, std::nullopt, std::nullopt, std::nullopt, std::nullopt, *id});
  });
  if (!rows) return problem(Error::of(ErrorCode::not_found, "no such customer"));
  return json_response(200, page_of(*rows, page->limit, order_json).dump());
}

// --- moving an order along its lifecycle ---

Response change_status(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_orders);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return not_found();
  json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  const auto status_text = in.required_string("status", 32);
  const auto note = in.optional_string("note", 500);
  const auto to = domain::parse_order_status(status_text);
  if (in.has("status") && !to) in.fail("status", "is not an order status");
  if (!in.ok()) return problem(in.error());

  std::optional<Response> refusal;
  bool stock_work = false;
  auto moved = ctx.resources.db.transact([&](pqxx::work& txn) -> std::optional<json> {
    auto order = find_order(txn, *id, true);
    if (!order || !visible(auth->actor, *order)) {
      refusal = not_found();
      return std::nullopt;
    }
    if (auto failed = precondition(ctx.request, (*order)["version"].get<int>(), "order")) {
      refusal = *failed;
      return std::nullopt;
    }
    const auto kind = *domain::parse_order_kind((*order)["kind"].get<std::string>());
    const auto from = *domain::parse_order_status((*order)["status"].get<std::string>());
    if (auto legal = domain::transition(kind, from, *to); !legal) {
      refusal = problem(legal.error());
      return std::nullopt;
    }
    if (*to == OrderStatus::confirmed || *to == OrderStatus::rejected) {
      refusal = problem(Error::of(ErrorCode::conflict,
                                  "the stock worker confirms or rejects an order once it has tried to reserve the stock"));
      return std::nullopt;
    }
    if (!domain::can_move_order(auth->actor, kind, *to, opt_id((*order)["seller_location_id"]),
                                opt_id((*order)["buyer_location_id"])) ||
        (from == OrderStatus::draft && !domain::can_decide_draft(auth->actor, opt_id((*order)["buyer_location_id"])))) {
      refusal = problem(Error::of(ErrorCode::forbidden, "your location may not move this order to " + status_text));
      return std::nullopt;
    }
    const auto before = *order;
    txn.exec_params(
        "UPDATE sales.orders SET status = $2, version = version + 1, updated_at = now(),"
        " shipped_at = CASE WHEN $2 = 'shipped' THEN now() ELSE shipped_at END,"
        " closed_at = CASE WHEN $2 IN ('delivered', 'received', 'canceled') THEN now() ELSE closed_at END"
        " WHERE id = $1",
        *id, status_text);
    txn.exec_params(
        "INSERT INTO sales.order_events (order_id, from_status, to_status, actor_id, note, request_id)"
        " VALUES ($1, $2, $3, $4, $5, $6)",
        *id, std::string(domain::to_string(from)), status_text, auth->actor.user_id, note, ctx.request.request_id);
    // A draft holds no stock: confirming it places the order as if it had just been created (the
    // stock worker then tries to reserve), canceling it has nothing to give back.
    stock_work = from == OrderStatus::draft ? *to == OrderStatus::pending  // the stock worker now reserves
                                            : domain::stock_effect(kind, *to) != domain::StockEffect::none;
    if (from == OrderStatus::draft && *to == OrderStatus::pending) {
      infra::append_event(txn, {"order.created",
                                {{"order_id", *id},
                                 {"number", (*order)["number"]},
                                 {"kind", (*order)["kind"]},
                                 {"seller_location_id", (*order)["seller_location_id"]},
                                 {"buyer_location_id", (*order)["buyer_location_id"]},
                                 {"supplier_id", (*order)["supplier_id"]},
                                 {"from_draft", true}},
                                ctx.request.request_id,
                                auth->actor.user_id});
    }
    infra::append_event(txn, {"order.status_changed",
                              {{"order_id", *id},
                               {"number", (*order)["number"]},
                               {"kind", (*order)["kind"]},
                               {"from", domain::to_string(from)},
                               {"to", status_text},
                               {"seller_location_id", (*order)["seller_location_id"]},
                               {"buyer_location_id", (*order)["buyer_location_id"]},
                               {"stock_effect", stock_work}},
                              ctx.request.request_id,
                              auth->actor.user_id});
    auto after = find_order(txn, *id, false);
    audit_change(ctx, txn, auth->actor.user_id, "order.status", "order", *id, before, after);
    add_details(txn, *after);
    return after;
  });
  if (!moved) return *refusal;
  ctx.log.info("order status changed", {{"order_id", std::to_string(*id)}, {"status", status_text}});
  // 202 when the stock worker still has to carry out the stock side of the move.
  return versioned(stock_work ? 202 : 200, *moved);
}

// --- figures ---

constexpr int max_period_days = 366;

// from/to as dates (to inclusive); defaults: the last 30 days up to today (UTC). One request may
// not cover more than a year, so no query can scan the whole ledger.
bool read_period(const Context& ctx, std::string& from, std::string& to, std::vector<domain::FieldError>& errors) {
  const auto& r = ctx.request;
  from = r.query_param("from").value_or("");
  to = r.query_param("to").value_or("");
  if (!from.empty() && !is_calendar_date(from)) errors.push_back({"from", "must be a date, YYYY-MM-DD"});
  if (!to.empty() && !is_calendar_date(to)) errors.push_back({"to", "must be a date, YYYY-MM-DD"});
  if (!errors.empty()) return false;
  const auto today = ctx.services.now() / 86400;
  const auto last = to.empty() ? today : day_number(to);
  const auto first = from.empty() ? last - 29 : day_number(from);
  if (first > last) {
    errors.push_back({"from", "must not be after to"});
  } else if (last - first + 1 > max_period_days) {
    errors.push_back({"to", "from and to may be at most " + std::to_string(max_period_days) + " days apart"});
  }
  return errors.empty();
}

Response order_stats(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_orders);
  if (!auth) return problem(auth.error());
  std::vector<domain::FieldError> errors;
  std::string from, to;
  read_period(ctx, from, to, errors);
  const auto period = ctx.request.query_param("period").value_or("day");
  if (period != "day" && period != "week" && period != "month") errors.push_back({"period", "must be day, week or month"});
  // number: one order by its number, in any letter case (the dashboards' search box).
  std::optional<std::string> number;
  if (auto n = ctx.request.query_param("number"); n && !n->empty()) {
    if (n->size() > 32) errors.push_back({"number", "must be at most 32 characters"});
    number = *n;
  }
  if (!errors.empty()) return problem(Error::validation(std::move(errors)));
  std::optional<std::int64_t> scope;
  if (domain::is_location_scoped(auth->actor.role)) scope = auth->actor.location_id.value_or(-1);
  auto rows = ctx.resources.db.transact([&](pqxx::work& txn) {
    return txn.exec_params(
        "WITH bounds AS (SELECT coalesce(nullif($1, '')::date, current_date - 29) AS f,"
        "                       coalesce(nullif($2, '')::date, current_date) AS t)"
        " SELECT date_trunc($3, (o.created_at AT TIME ZONE 'UTC'))::date::text, o.kind, o.status, count(*),"
        "        sum(o.total)::text"
        " FROM sales.orders o, bounds b"
        " WHERE (o.created_at AT TIME ZONE 'UTC')::date BETWEEN b.f AND b.t"
        "   AND ($4::bigint IS NULL OR o.seller_location_id = $4 OR o.buyer_location_id = $4)"
        " GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
        from, to, period, scope);
  });
  json out{{"period", period}, {"items", json::array()}, {"totals", json::object()}};
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> by_kind;  // kind → (orders, cents)
  for (const auto& r : rows) {
    const auto cents = domain::parse_money(r[4].as<std::string>()).value_or(0);
    out["items"].push_back({{"period_start", r[0].as<std::string>()},
                            {"kind", r[1].as<std::string>()},
                            {"status", r[2].as<std::string>()},
                            {"orders", r[3].as<std::int64_t>()},
                            {"amount", domain::format_money(cents)}});
    auto& k = by_kind[r[1].as<std::string>()];
    k.first += r[3].as<std::int64_t>();
    k.second += cents;
  }
  for (const auto& [kind, t] : by_kind) out["totals"][kind] = {{"orders", t.first}, {"amount", domain::format_money(t.second)}};
  return json_response(200, out.dump());
}

// Sales that went through (confirmed onwards), per day and selling location.
Response daily_sales(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_daily_sales);
  if (!auth) return problem(auth.error());
  std::vector<domain::FieldError> errors;
  std::string from, to;
  read_period(ctx, from, to, errors);
  std::optional<std::int64_t> location;
  if (auto l = ctx.request.query_param("location_id"); l && !l->empty()) {
    location = parse_id(*l);
    if (!location) errors.push_back({"location_id", "must be a positive integer id"});
  }
  if (!errors.empty()) return problem(Error::validation(std::move(errors)));
  if (domain::is_location_scoped(auth->actor.role)) {
    if (location && !domain::can_access_location(auth->actor, *location)) {
      return problem(Error::of(ErrorCode::forbidden, "you may see the sales of your own location only"));
    }
    location = auth->actor.location_id.value_or(-1);
  }
  auto rows = ctx.resources.db.transact([&](pqxx::work& txn) {
    return txn.exec_params(
        "WITH bounds AS (SELECT coalesce(nullif($1, '')::date, current_date - 29) AS f,"
        "                       coalesce(nullif($2, '')::date, current_date) AS t)"
        " SELECT (o.created_at AT TIME ZONE 'UTC')::date::text, o.seller_location_id, count(DISTINCT o.id),"
        "        sum(l.quantity)::text, sum(l.amount)::text"
        " FROM sales.orders o JOIN sales.order_lines l ON l.order_id = o.id, bounds b"
        " WHERE o.kind = 'sale' AND o.status IN ('confirmed', 'processing', 'shipped', 'delivered')"
        "   AND (o.created_at AT TIME ZONE 'UTC')::date BETWEEN b.f AND b.t"
        "   AND ($3::bigint IS NULL OR o.seller_location_id = $3)"
        " GROUP BY 1, 2 ORDER BY 1, 2",
        from, to, location);
  });
  json out{{"items", json::array()}};
  for (const auto& r : rows) {
    out["items"].push_back({{"day", r[0].as<std::string>()},
                            {"location_id", r[1].as<std::int64_t>()},
                            {"orders", r[2].as<std::int64_t>()},
                            {"units", quantity_json(r[3].as<std::string>())},
                            {"revenue", r[4].as<std::string>()}});
  }
  return json_response(200, out.dump());
}

}  // namespace

void add_order_routes(Router<Handler>& router) {
  router.add("POST", "/api/v1/orders", create_order);
  router.add("GET", "/api/v1/orders", list_orders);
  router.add("GET", "/api/v1/orders/stats", order_stats);
  router.add("GET", "/api/v1/orders/{id}", get_order);
  router.add("PATCH", "/api/v1/orders/{id}/status", change_status);
  router.add("GET", "/api/v1/sales/daily", daily_sales);
  router.add("GET", "/api/v1/customers/{id}/orders", list_customer_orders);
}

}  // namespace ims::api
