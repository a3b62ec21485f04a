#include "ims/api/labels.hpp"

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
    case domain::LabelStatus::pending:
      return Error::of(ErrorCode::conflict, "the label is still being rendered; try again shortly");
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

}  // namespace ims::api::labels
