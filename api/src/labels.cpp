#include "ims/api/labels.hpp"

#include "ims/domain/label_sheet.hpp"

namespace ims::api::labels {
namespace {

using domain::Error;
using domain::ErrorCode;

Error not_found() {
  return Error::of(ErrorCode::not_found, "no such label");
}

bool visible(infra::LabelStore& store, const domain::Actor& actor, domain::LabelSubject type,
             std::int64_t id) {
  auto subject = store.subject(type, id);
  return subject && domain::can_see_label_subject(actor, type, subject->locations);
}

}  // namespace

domain::Result<infra::LabelRecord> request_label(infra::LabelStore& store, infra::Outbox& outbox,
                                                 const domain::Actor& actor, const LabelRequest& r,
                                                 const std::string& request_id) {
  auto subject = store.subject(r.subject_type, r.subject_id);
  if (!subject || !domain::can_see_label_subject(actor, r.subject_type, subject->locations)) {
    return Error::of(ErrorCode::not_found, "no such " + std::string(domain::to_string(r.subject_type)));
  }
  auto label = store.create({r.subject_type, r.subject_id, r.symbology, r.format, r.size, actor.user_id,
                             subject->scope_location, request_id});
  if (!label) throw std::logic_error("a requested label was not inserted");
  outbox.append({"label.requested",
                 {{"label_id", label->id},
                  {"subject_type", std::string(domain::to_string(r.subject_type))},
                  {"subject_id", r.subject_id},
                  {"symbology", std::string(domain::to_string(r.symbology))},
                  {"format", std::string(domain::to_string(r.format))}},
                 request_id,
                 actor.user_id});
  return *label;
}

domain::Result<infra::LabelRecord> get_label(infra::LabelStore& store, const domain::Actor& actor,
                                             std::int64_t id) {
  auto label = store.find(id);
  if (!label || !visible(store, actor, label->subject_type, label->subject_id)) return not_found();
  return *label;
}

domain::Result<infra::LabelImage> label_image(infra::LabelStore& store, const domain::Actor& actor,
                                              std::int64_t id) {
  auto label = get_label(store, actor, id);
  if (!label) return label.error();
  switch (label->status) {
    case domain::LabelStatus::pending: {
      auto pending = Error::of(ErrorCode::conflict, "the label is still being rendered; try again shortly");
      pending.retry_after_seconds = 1;
      return pending;
    }
    case domain::LabelStatus::failed:
      return Error::validation({{"label", label->reason.value_or("failed")}},
                               "the label could not be made: " + label->reason.value_or("failed"));
    case domain::LabelStatus::ready:
      break;
  }
  auto image = store.image(id);
  if (!image) return not_found();
  return *image;
}

domain::Result<std::vector<infra::LabelRecord>> request_labels(infra::LabelStore& store,
                                                               infra::Outbox& outbox,
                                                               const domain::Actor& actor,
                                                               const std::vector<LabelRequest>& requests,
                                                               const std::string& request_id) {
  if (requests.empty() || requests.size() > max_batch_labels) {
    return Error::validation({{"labels", "must hold 1 to " + std::to_string(max_batch_labels) + " labels"}});
  }
  // Every subject first: a refusal must leave nothing recorded.
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const auto& r = requests[i];
    if (!visible(store, actor, r.subject_type, r.subject_id)) {
      const auto field = "labels[" + std::to_string(i) + "].subject_id";
      auto refusal =
          Error::of(ErrorCode::not_found,
                    "no such " + std::string(domain::to_string(r.subject_type)) + " (" + field + ")");
      refusal.fields.push_back({field, "no such " + std::string(domain::to_string(r.subject_type))});
      return refusal;
    }
  }
  std::vector<infra::LabelRecord> out;
  out.reserve(requests.size());
  for (const auto& r : requests) {
    auto label = request_label(store, outbox, actor, r, request_id);
    if (!label) throw std::logic_error("a checked label request was refused");
    out.push_back(std::move(*label));
  }
  return out;
}

domain::Result<std::string> label_sheet(infra::LabelStore& store, const domain::Actor& actor,
                                        const std::vector<std::int64_t>& ids) {
  if (ids.empty() || ids.size() > domain::labels_per_sheet) {
    return Error::validation(
        {{"ids", "must name 1 to " + std::to_string(domain::labels_per_sheet) + " labels (one A4 sheet)"}});
  }
  std::vector<domain::SheetLabel> cells;
  for (const auto id : ids) {
    auto label = get_label(store, actor, id);
    if (!label) return Error::of(ErrorCode::not_found, "no such label " + std::to_string(id));
    if (label->format == domain::LabelFormat::zpl) {
      return Error::validation({{"ids", "label " + std::to_string(id) +
                                            " is ZPL, for a thermal printer; a sheet "
                                            "takes PNG or SVG labels"}});
    }
    auto image = label_image(store, actor, id);
    if (!image) return image.error();
    cells.push_back({image->content_type, std::move(image->bytes), label->content.value_or("")});
  }
  return domain::label_sheet_svg(cells);
}

}  // namespace ims::api::labels
