// /products/{id}/bom (bills of materials) and /audit (the log of every write).
// Decode → use case (api/src/use_cases/products.cpp) or store read → encode.
#include <cstdio>
#include <set>

#include "ims/api/resource.hpp"
#include "ims/api/use_cases/products.hpp"
#include "ims/infra/pg.hpp"

namespace ims::api {
namespace {

using domain::Error;
using domain::ErrorCode;
using infra::UnitOfWork;
using nlohmann::json;

Response no_product() {
  return problem(Error::of(ErrorCode::not_found, "no such product"));
}

Response encoded(const domain::Result<BillOfMaterials>& bom) {
  return bom ? json_response(200, bom_json(*bom).dump()) : problem(bom.error());
}

Response read_bom(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_catalog);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return no_product();
  return encoded(ctx.resources.db.unit([&](UnitOfWork& u) {
    infra::PgBomStore boms(u);
    return get_bom(*id, boms);
  }));
}

// The lines of a PUT: distinct materials, quantities stored with four decimals.
std::vector<infra::BomLine> read_lines(FieldReader& in, const json& body) {
  std::vector<infra::BomLine> lines;
  if (!body.contains("lines") || !body["lines"].is_array()) {
    in.fail("lines", "is required, an array");
    return lines;
  }
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
    if (!seen.insert(line["material_id"].get<std::int64_t>()).second)
      in.fail(at + ".material_id", "appears twice");
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.4f", q);
    lines.push_back({line["material_id"].get<std::int64_t>(), buf});
  }
  return lines;
}

// Replaces the whole bill of materials of a finished good.
Response write_bom(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::write_catalog);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return no_product();
  json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  BomReplacement replacement{*id, read_lines(in, body)};
  if (!in.ok()) return problem(in.error());
  return encoded(ctx.resources.db.unit([&](UnitOfWork& u) {
    infra::PgBomStore boms(u);
    infra::PgAuditTrail audit(u);
    return replace_bom(caller(ctx, *auth), replacement, boms, audit);
  }));
}

json json_or_null(const std::optional<std::string>& text) {
  return text ? json::parse(*text) : json(nullptr);
}

json audit_json(const infra::AuditRecord& r) {
  return json{{"id", r.id},
              {"actor_id", or_null(r.actor_id)},
              {"action", r.action},
              {"entity", r.entity},
              {"entity_id", or_null(r.entity_id)},
              {"before", json_or_null(r.before)},
              {"after", json_or_null(r.after)},
              {"request_id", or_null(r.request_id)},
              {"at", r.at}};
}

Response list_audit(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_audit);
  if (!auth) return problem(auth.error());
  auto page = read_page(ctx.request);
  if (!page) return problem(page.error());
  infra::AuditFilter filter{page->after_id,
                            ctx.request.query_param("entity"),
                            ctx.request.query_param("entity_id"),
                            ctx.request.query_param("action"),
                            std::nullopt,
                            ctx.request.query_param("request_id"),
                            page->limit};
  if (auto a = ctx.request.query_param("actor_id")) {
    filter.actor_id = parse_id(*a);
    if (!filter.actor_id) return problem(Error::validation({{"actor_id", "must be a positive integer id"}}));
  }
  auto rows = ctx.resources.db.unit([&](UnitOfWork& u) {
    infra::PgAuditLog log(u);
    return domain::Result<std::vector<infra::AuditRecord>>(log.list(filter));
  });
  return json_response(200, page_of(*rows, filter.limit, audit_json).dump());
}

}  // namespace

void add_bom_and_audit_routes(Router<Handler>& router) {
  router.add("GET", "/api/v1/products/{id}/bom", read_bom);
  router.add("PUT", "/api/v1/products/{id}/bom", write_bom);
  router.add("GET", "/api/v1/audit", list_audit);
}

}  // namespace ims::api
