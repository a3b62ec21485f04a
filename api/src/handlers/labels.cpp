// /labels: a label of a product, lot, order, location or transfer, rendered by the labels worker
// (POST answers 202 with the pending label); its status and content; its image (PNG, SVG or ZPL).
#include <nlohmann/json.hpp>

#include "ims/domain/label_sheet.hpp"

#include "ims/api/labels.hpp"
#include "ims/api/resource.hpp"
#include "ims/infra/pg.hpp"

namespace ims::api {
namespace {

using domain::Error;
using domain::ErrorCode;
using nlohmann::json;

json label_json(const infra::LabelRecord& l) {
  return {{"id", l.id},
          {"subject_type", domain::to_string(l.subject_type)},
          {"subject_id", l.subject_id},
          {"symbology", domain::to_string(l.symbology)},
          {"format", domain::to_string(l.format)},
          {"size", domain::to_string(l.size)},
          {"status", domain::to_string(l.status)},
          {"content", or_null(l.content)},
          {"reason", or_null(l.reason)},
          {"content_type", or_null(l.content_type)},
          {"byte_size", l.byte_size},
          {"requested_by", or_null(l.requested_by)},
          {"location_id", or_null(l.location_id)},
          {"created_at", l.created_at},
          {"rendered_at", or_null(l.rendered_at)}};
}

// One label's fields; nullopt with the errors in `in` when any is missing or unknown.
std::optional<labels::LabelRequest> read_label(FieldReader& in, const json& body) {
  const auto type = in.required_choice("subject_type", domain::parse_label_subject,
                                       "product, lot, order, location, transfer");
  const auto subject = in.optional_id("subject_id");
  if (!subject && (!body.contains("subject_id") || body["subject_id"].is_null()))
    in.fail("subject_id", "is required, a positive integer id");
  const auto symbology =
      in.required_choice("symbology", domain::parse_symbology, "qr, code128, ean13, gs1_128, gs1_datamatrix");
  const auto format = in.required_choice("format", domain::parse_label_format, "png, svg, zpl");
  const auto size = !body.contains("size") || body["size"].is_null()
                        ? std::optional(domain::LabelSize::medium)
                        : in.required_choice("size", domain::parse_label_size, "small, medium, large");
  if (!in.ok() || !type || !subject || !symbology || !format || !size) return std::nullopt;
  return labels::LabelRequest{*type, *subject, *symbology, *format, *size};
}

Response request_label(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::use_labels);
  if (!auth) return problem(auth.error());
  json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  const auto request = read_label(in, body);
  if (!request) return problem(in.error());
  auto created = ctx.resources.db.unit([&](infra::UnitOfWork& u) {
    infra::PgLabelStore store(u);
    infra::PgOutbox outbox(u);
    return labels::request_label(store, outbox, auth->actor, *request, ctx.request.request_id);
  });
  if (!created) return problem(created.error());
  ctx.log.info("label requested", {{"label_id", std::to_string(created->id)}});
  return json_response(202, label_json(*created).dump())
      .header("Location", "/api/v1/labels/" + std::to_string(created->id));
}

// {labels: [{subject_type, subject_id, symbology, format, size?}, ...]}: all or nothing.
Response request_labels(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::use_labels);
  if (!auth) return problem(auth.error());
  json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  if (!body.contains("labels") || !body["labels"].is_array() || body["labels"].empty() ||
      body["labels"].size() > labels::max_batch_labels) {
    return problem(Error::validation({{"labels", "is required, an array of 1 to " +
                                                     std::to_string(labels::max_batch_labels) + " labels"}}));
  }
  std::vector<labels::LabelRequest> requests;
  std::vector<domain::FieldError> errors;
  for (std::size_t i = 0; i < body["labels"].size(); ++i) {
    const auto& item = body["labels"][i];
    const auto prefix = "labels[" + std::to_string(i) + "]";
    if (!item.is_object()) {
      errors.push_back({prefix, "must be an object"});
      continue;
    }
    FieldReader in(item);
    if (auto request = read_label(in, item)) {
      requests.push_back(*request);
    } else {
      for (const auto& e : in.errors()) errors.push_back({prefix + "." + e.field, e.message});
    }
  }
  if (!errors.empty()) return problem(Error::validation(std::move(errors)));
  auto created = ctx.resources.db.unit([&](infra::UnitOfWork& u) {
    infra::PgLabelStore store(u);
    infra::PgOutbox outbox(u);
    return labels::request_labels(store, outbox, auth->actor, requests, ctx.request.request_id);
  });
  if (!created) return problem(created.error());
  json out = json::array();
  for (const auto& l : *created) out.push_back(label_json(l));
  ctx.log.info("labels requested", {{"count", std::to_string(created->size())}});
  return json_response(202, json{{"labels", out}}.dump());
}

// ?ids=1,2,3 (up to 24): one A4 sheet of those labels as SVG, to print at 100 %.
Response label_sheet(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::use_labels);
  if (!auth) return problem(auth.error());
  const auto format = ctx.request.query.contains("format") ? ctx.request.query.at("format") : "svg";
  if (format != "svg") {
    return problem(Error::validation({{"format", "must be svg (a PDF sheet is not made; print the SVG)"}}));
  }
  std::vector<std::int64_t> ids;
  const auto list = ctx.request.query.contains("ids") ? ctx.request.query.at("ids") : "";
  for (std::size_t start = 0; start <= list.size() && ids.size() <= domain::labels_per_sheet;) {
    auto end = list.find(',', start);
    if (end == std::string::npos) end = list.size();
    auto id = parse_id(list.substr(start, end - start));
    if (!id)
      return problem(Error::validation({{"ids", "must be label ids separated by commas, e.g. ids=12,13"}}));
    ids.push_back(*id);
    start = end + 1;
  }
  auto sheet = ctx.resources.db.unit([&](infra::UnitOfWork& u) {
    infra::PgLabelStore store(u);
    return labels::label_sheet(store, auth->actor, ids);
  });
  if (!sheet) return problem(sheet.error());  // 409 while pending carries Retry-After
  Response r;
  r.status = 200;
  r.content_type = "image/svg+xml";
  r.body = std::move(*sheet);
  return r.header("Content-Disposition", "inline; filename=\"labels.svg\"")
      .header("Cache-Control", "private, no-store");
}

Response get_label(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::use_labels);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return problem(Error::of(ErrorCode::not_found, "no such label"));
  auto found = ctx.resources.db.unit([&](infra::UnitOfWork& u) {
    infra::PgLabelStore store(u);
    return labels::get_label(store, auth->actor, *id);
  });
  if (!found) return problem(found.error());
  return json_response(200, label_json(*found).dump());
}

Response label_image(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::use_labels);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return problem(Error::of(ErrorCode::not_found, "no such label"));
  auto image = ctx.resources.db.unit([&](infra::UnitOfWork& u) {
    infra::PgLabelStore store(u);
    return labels::label_image(store, auth->actor, *id);
  });
  if (!image) return problem(image.error());  // 409 while pending carries Retry-After
  Response r;
  r.status = 200;
  r.content_type = image->content_type;
  r.body = std::move(image->bytes);
  r.header("Cache-Control", "private, max-age=86400");  // a ready label never changes
  return r;
}

}  // namespace

void add_label_routes(Router<Handler>& router) {
  router.add("POST", "/api/v1/labels", request_label);
  router.add("POST", "/api/v1/labels/batch", request_labels);  // before {id}: the first match wins
  router.add("GET", "/api/v1/labels/sheet", label_sheet);
  router.add("GET", "/api/v1/labels/{id}", get_label);
  router.add("GET", "/api/v1/labels/{id}/image", label_image);
}

}  // namespace ims::api
