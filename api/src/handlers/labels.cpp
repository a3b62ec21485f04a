// /labels: a label of a product, lot, order, location or transfer, rendered by the labels worker
// (POST answers 202 with the pending label); its status and content; its image (PNG, SVG or ZPL).
#include <nlohmann/json.hpp>

#include "ims/api/labels.hpp"
#include "ims/api/resource.hpp"
#include "ims/infra/pg.hpp"

namespace ims::api {
namespace {

using domain::Error;
using domain::ErrorCode;
using nlohmann::json;

template <typename T>
json opt(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

json label_json(const infra::LabelRecord& l) {
  return {{"id", l.id},
          {"subject_type", domain::to_string(l.subject_type)},
          {"subject_id", l.subject_id},
          {"symbology", domain::to_string(l.symbology)},
          {"format", domain::to_string(l.format)},
          {"size", domain::to_string(l.size)},
          {"status", domain::to_string(l.status)},
          {"content", opt(l.content)},
          {"reason", opt(l.reason)},
          {"content_type", opt(l.content_type)},
          {"byte_size", l.byte_size},
          {"requested_by", opt(l.requested_by)},
          {"location_id", opt(l.location_id)},
          {"created_at", l.created_at},
          {"rendered_at", opt(l.rendered_at)}};
}

// One of `parse`'s names, required.
template <typename E>
std::optional<E> choice(FieldReader& in, const json& body, const char* field,
                        std::optional<E> (*parse)(std::string_view), const char* names) {
  if (!body.contains(field) || body[field].is_null()) {
    in.fail(field, std::string("is required, one of ") + names);
    return std::nullopt;
  }
  auto value = body[field].is_string() ? parse(body[field].get<std::string>()) : std::nullopt;
  if (!value) in.fail(field, std::string("must be one of ") + names);
  return value;
}

Response request_label(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::use_labels);
  if (!auth) return problem(auth.error());
  json body;
  if (auto failure = read_json_object(ctx.request, body)) return *failure;
  FieldReader in(body);
  const auto type = choice(in, body, "subject_type", domain::parse_label_subject,
                           "product, lot, order, location, transfer");
  const auto subject = in.optional_id("subject_id");
  if (!subject && (!body.contains("subject_id") || body["subject_id"].is_null()))
    in.fail("subject_id", "is required, a positive integer id");
  const auto symbology =
      choice(in, body, "symbology", domain::parse_symbology, "qr, code128, ean13, gs1_128, gs1_datamatrix");
  const auto format = choice(in, body, "format", domain::parse_label_format, "png, svg, zpl");
  const auto size = !body.contains("size") || body["size"].is_null()
                        ? std::optional(domain::LabelSize::medium)
                        : choice(in, body, "size", domain::parse_label_size, "small, medium, large");
  if (!in.ok() || !type || !symbology || !format || !size) return problem(in.error());
  auto created = ctx.resources.db.transact([&](pqxx::work& txn) {
    infra::PgLabelStore store(txn);
    infra::PgOutbox outbox(txn);
    return labels::request_label(store, outbox, auth->actor, {*type, *subject, *symbology, *format, *size},
                                 ctx.request.request_id);
  });
  if (!created) return problem(created.error());
  ctx.log.info("label requested", {{"label_id", std::to_string(created->id)}});
  return json_response(202, label_json(*created).dump())
      .header("Location", "/api/v1/labels/" + std::to_string(created->id));
}

Response get_label(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::use_labels);
  if (!auth) return problem(auth.error());
  auto id = parse_id(ctx.request.path_params.at("id"));
  if (!id) return problem(Error::of(ErrorCode::not_found, "no such label"));
  auto found = ctx.resources.db.transact([&](pqxx::work& txn) {
    infra::PgLabelStore store(txn);
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
  auto image = ctx.resources.db.transact([&](pqxx::work& txn) {
    infra::PgLabelStore store(txn);
    return labels::label_image(store, auth->actor, *id);
  });
  if (!image) {
    auto refusal = problem(image.error());
    if (image.error().code == ErrorCode::conflict) refusal.header("Retry-After", "1");
    return refusal;
  }
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
  router.add("GET", "/api/v1/labels/{id}", get_label);
  router.add("GET", "/api/v1/labels/{id}/image", label_image);
}

}  // namespace ims::api
