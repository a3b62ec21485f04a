// /reports: a daily sales, stock valuation, movements, low stock or expiry report made by the
// reports worker (POST answers 202 with the pending report); its status, row count and size; its
// file as an attachment (CSV, JSON or XLSX).

#include <algorithm>

#include <nlohmann/json.hpp>

#include "ims/api/reports.hpp"
#include "ims/api/resource.hpp"
#include "ims/infra/pg.hpp"

namespace ims::api {
namespace {

using domain::Error;
using domain::ErrorCode;
using nlohmann::json;

json report_json(const infra::ReportRecord& r) {
  const auto id = std::to_string(r.id);
  return {
      {"id", r.id},
      {"type", domain::to_string(r.type)},
      {"format", domain::to_string(r.format)},
      {"params", infra::to_json(r.params)},
      {"status", domain::to_string(r.status)},
      {"location_id", or_null(r.location_id)},
      {"requested_by", or_null(r.requested_by)},
      {"file_name", or_null(r.file_name)},
      {"row_count", or_null(r.row_count)},
      {"size_bytes", or_null(r.size_bytes)},
      {"reason", or_null(r.reason)},
      {"download_url",
       r.status == domain::ReportStatus::ready ? json("/api/v1/reports/" + id + "/download") : json(nullptr)},
      {"created_at", r.created_at},
      {"finished_at", or_null(r.finished_at)}};
}

Response request_report(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::create_reports);
  if (!auth) return problem(auth.error());
  json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  const auto type = in.required_choice("type", domain::parse_report_type,
                                       "daily_sales, stock_valuation, movements, low_stock, expiry");
  const auto format = in.required_choice("format", domain::parse_report_format, "csv, json, xlsx");
  auto params = infra::report_params_from_json(body.value("params", json::object()));
  if (!in.ok() || !type || !format) return problem(in.error());
  if (!params) return problem(params.error());
  auto created = ctx.resources.db.unit([&](infra::UnitOfWork& u) {
    infra::PgReportStore store(u);
    infra::PgOutbox outbox(u);
    return reports::request_report(store, outbox, auth->actor, {*type, *format, *params},
                                   ctx.request.request_id);
  });
  if (!created) return problem(created.error());
  ctx.log.info("report requested", {{"report_id", std::to_string(created->id)}});
  return json_response(202, report_json(*created).dump())
      .header("Location", "/api/v1/reports/" + std::to_string(created->id));
}

Response get_report(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::create_reports);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return problem(Error::of(ErrorCode::not_found, "no such report"));
  auto found = ctx.resources.db.unit([&](infra::UnitOfWork& u) {
    infra::PgReportStore store(u);
    return reports::get_report(store, auth->actor, *id);
  });
  if (!found) return problem(found.error());
  return json_response(200, report_json(*found).dump());
}

Response list_reports(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::create_reports);
  if (!auth) return problem(auth.error());
  auto page = read_page(ctx.request);
  if (!page) return problem(page.error());
  auto found =
      ctx.resources.db.unit([&](infra::UnitOfWork& u) -> domain::Result<std::vector<infra::ReportRecord>> {
        infra::PgReportStore store(u);
        return reports::list_reports(store, auth->actor, page->after_id, page->limit + 1);
      });
  return json_response(200, page_of(*found, page->limit, report_json).dump());
}

Response download_report(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::create_reports);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return problem(Error::of(ErrorCode::not_found, "no such report"));
  auto file = ctx.resources.db.unit([&](infra::UnitOfWork& u) {
    infra::PgReportStore store(u);
    return reports::report_file(store, auth->actor, *id, ctx.services.config.reports_dir);
  });
  if (!file) return problem(file.error());  // 409 while pending carries Retry-After
  Response r;
  r.status = 200;
  r.content_type = file->content_type;
  r.file_path = file->path;  // sent from disk in chunks, never read into memory
  r.header("Content-Disposition", "attachment; filename=\"" + file->file_name + "\"");
  r.header("Cache-Control", "private, max-age=86400");  // a ready report never changes
  return r;
}

}  // namespace

void add_report_routes(Router<Handler>& router) {
  router.add("GET", "/api/v1/reports", list_reports);
  router.add("POST", "/api/v1/reports", request_report);
  router.add("GET", "/api/v1/reports/{id}", get_report);
  router.add("GET", "/api/v1/reports/{id}/download", download_report);
}

}  // namespace ims::api
