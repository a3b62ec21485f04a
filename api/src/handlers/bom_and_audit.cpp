// /products/{id}/bom (bills of materials) and /audit (the log of every write).
#include <cstdio>
#include <set>

#include "ims/api/resource.hpp"
#include "ims/domain/stock.hpp"
#include "ims/infra/user_store.hpp"

namespace ims::api {
namespace {

using domain::Error;
using domain::ErrorCode;
using nlohmann::json;

Response no_product() { return problem(Error::of(ErrorCode::not_found, "no such product")); }

json bom_of(pqxx::work& txn, std::int64_t product) {
  auto rows = txn.exec_params(
      "SELECT b.material_id, p.sku, p.name, p.unit_of_measure, b.quantity_per_unit::text FROM catalog.bom_lines b"
      " JOIN catalog.products p ON p.id = b.material_id WHERE b.product_id = $1 ORDER BY b.material_id",
      product);
  json lines = json::array();
  for (const auto& r : rows) {
    lines.push_back({{"material_id", r[0].as<std::int64_t>()}, {"sku", r[1].as<std::string>()}, {"name", r[2].as<std::string>()},
                     {"unit_of_measure", r[3].as<std::string>()}, {"quantity_per_unit", std::stod(r[4].as<std::string>())}});
  }
  return json{{"product_id", product}, {"lines", lines}};
}

Response get_bom(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_catalog);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return no_product();
  auto bom = ctx.resources.db.transact([&](pqxx::work& txn) -> std::optional<json> {
    if (txn.exec_params("SELECT 1 FROM catalog.products WHERE id = $1", *id).empty()) return std::nullopt;
    return bom_of(txn, *id);
  });
  return bom ? json_response(200, bom->dump()) : no_product();
}

// Replaces the whole bill of materials of a finished good.
Response put_bom(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::write_catalog);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return no_product();
  json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  std::vector<std::pair<std::int64_t, std::string>> lines;
  if (!body.contains("lines") || !body["lines"].is_array()) {
    in.fail("lines", "is required, an array");
  } else {
    std::set<std::int64_t> seen;
    for (std::size_t i = 0; i < body["lines"].size(); ++i) {
      const auto& line = body["lines"][i];
      const auto at = "lines[" + std::to_string(i) + "]";
      if (!line.is_object() || !line.contains("material_id") || !line["material_id"].is_number_integer() ||
          !line.contains("quantity_per_unit") || !line["quantity_per_unit"].is_number()) {
        in.fail(at, "needs material_id and quantity_per_unit");
        continue;
      }
      const double q = line["quantity_per_unit"].get<double>();
      // Stored with four decimals: anything below 0.0001 would be stored as zero.
      if (!(q >= 0.0001) || q > 1e9) in.fail(at + ".quantity_per_unit", "must be from 0.0001 to 1000000000");
      if (!seen.insert(line["material_id"].get<std::int64_t>()).second) in.fail(at + ".material_id", "appears twice");
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.4f", q);
      lines.emplace_back(line["material_id"].get<std::int64_t>(), buf);
    }
  }
  if (!in.ok()) return problem(in.error());
  std::optional<Response> refusal;
  auto bom = ctx.resources.db.transact([&](pqxx::work& txn) -> std::optional<json> {
    auto product = txn.exec_params("SELECT kind FROM catalog.products WHERE id = $1 FOR UPDATE", *id);
    if (product.empty()) return refusal = no_product(), std::nullopt;
    if (product[0][0].as<std::string>() != "finished_good") {
      return refusal = problem(Error::validation({{"product_id", "only finished goods have a bill of materials"}})), std::nullopt;
    }
    for (std::size_t i = 0; i < lines.size(); ++i) {
      auto m = txn.exec_params("SELECT kind FROM catalog.products WHERE id = $1", lines[i].first);
      const auto at = "lines[" + std::to_string(i) + "].material_id";
      if (m.empty()) in.fail(at, "does not exist");
      else if (m[0][0].as<std::string>() != "raw_material") in.fail(at, "must be a raw material");
    }
    if (!in.ok()) return refusal = problem(in.error()), std::nullopt;
    auto before = bom_of(txn, *id);
    txn.exec_params("DELETE FROM catalog.bom_lines WHERE product_id = $1", *id);
    for (const auto& [material, quantity] : lines) {
      txn.exec_params("INSERT INTO catalog.bom_lines (product_id, material_id, quantity_per_unit) VALUES ($1, $2, $3::numeric)",
                      *id, material, quantity);
    }
    auto after = bom_of(txn, *id);
    audit_change(ctx, txn, auth->actor.user_id, "product.bom.replace", "product", *id, before, after);
    return after;
  });
  return refusal ? *refusal : json_response(200, bom->dump());
}

Response list_audit(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_audit);
  if (!auth) return problem(auth.error());
  auto page = read_page(ctx.request);
  if (!page) return problem(page.error());
  auto entity = ctx.request.query_param("entity");
  auto entity_id = ctx.request.query_param("entity_id");
  auto action = ctx.request.query_param("action");
  auto request_id = ctx.request.query_param("request_id");
  std::optional<std::int64_t> actor;
  if (auto a = ctx.request.query_param("actor_id")) {
    actor = parse_id(*a);
    if (!actor) return problem(Error::validation({{"actor_id", "must be a positive integer id"}}));
  }
  auto rows = ctx.resources.db.transact([&](pqxx::work& txn) {
    return txn.exec_params(
        "SELECT id, actor_id, action, entity, entity_id, before::text, after::text, request_id,"
        " to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
        " FROM audit.log WHERE ($1::bigint IS NULL OR id < $1) AND ($2::text IS NULL OR entity = $2)"
        " AND ($3::text IS NULL OR entity_id = $3) AND ($4::text IS NULL OR action = $4) AND ($5::bigint IS NULL OR actor_id = $5)"
        " AND ($6::text IS NULL OR request_id = $6) ORDER BY id DESC LIMIT $7",
        page->after_id, entity, entity_id, action, actor, request_id, page->limit + 1);
  });
  auto out = page_of(rows, page->limit, [](const pqxx::row& r) {
    return json{{"id", r[0].as<std::int64_t>()}, {"actor_id", id_or_null(r[1])}, {"action", r[2].as<std::string>()},
                {"entity", r[3].as<std::string>()}, {"entity_id", text_or_null(r[4])},
                {"before", r[5].is_null() ? json(nullptr) : json::parse(r[5].as<std::string>())},
                {"after", r[6].is_null() ? json(nullptr) : json::parse(r[6].as<std::string>())},
                {"request_id", text_or_null(r[7])}, {"at", r[8].as<std::string>()}};
  });
  return json_response(200, out.dump());
}

}  // namespace

void add_bom_and_audit_routes(Router<Handler>& router) {
  router.add("GET", "/api/v1/products/{id}/bom", get_bom);
  router.add("PUT", "/api/v1/products/{id}/bom", put_bom);
  router.add("GET", "/api/v1/audit", list_audit);
}

}  // namespace ims::api
