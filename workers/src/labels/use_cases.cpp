#include "labels/use_cases.hpp"

#include <variant>

namespace ims::workers::labels {
namespace {

LabelOutcome fail(infra::LabelStore& store, const infra::LabelRecord& label,
                  const std::optional<std::string>& content, const std::string& reason) {
  store.mark_failed(label.id, content, reason);
  return {label.id, domain::LabelStatus::failed, reason, true};
}

// The bytes of the label: ZPL text from the domain, PNG or SVG from the renderer.
infra::RenderOutcome draw(infra::BarcodeRenderer& renderer, const infra::LabelRecord& label,
                          const std::string& content) {
  if (label.format == domain::LabelFormat::zpl)
    return infra::RenderedSymbol{domain::zpl_label(label.symbology, content, label.size)};
  return renderer.render(label.symbology, content, label.size, label.format);
}

}  // namespace

std::optional<LabelOutcome> render_label(infra::LabelStore& store, infra::BarcodeRenderer& renderer,
                                         std::int64_t id, const LabelSettings& settings) {
  auto label = store.find(id, true);
  if (!label) return std::nullopt;
  if (!domain::render_label(label->status))
    return LabelOutcome{label->id, label->status, label->reason, false};
  auto subject = store.subject(label->subject_type, label->subject_id);
  if (!subject)
    return fail(store, *label, std::nullopt,
                "the " + std::string(domain::to_string(label->subject_type)) + " " +
                    std::to_string(label->subject_id) + " does not exist");
  auto content = domain::label_content(subject->facts, label->symbology, settings.dashboard_url);
  if (!content) return fail(store, *label, std::nullopt, content.error().message);
  auto drawn = draw(renderer, *label, *content);
  if (const auto* failure = std::get_if<infra::RenderFailure>(&drawn))
    return fail(store, *label, *content, failure->reason);
  store.mark_ready(label->id, *content, std::string(domain::content_type_of(label->format)),
                   std::get<infra::RenderedSymbol>(drawn).bytes);
  return LabelOutcome{label->id, domain::LabelStatus::ready, std::nullopt, true};
}

std::optional<LabelOutcome> label_new_order(infra::LabelStore& store, infra::BarcodeRenderer& renderer,
                                            std::int64_t order_id, const std::string& request_id,
                                            const LabelSettings& settings) {
  auto subject = store.subject(domain::LabelSubject::order, order_id);
  infra::NewLabel label{domain::LabelSubject::order,
                        order_id,
                        domain::Symbology::qr,
                        domain::LabelFormat::png,
                        domain::LabelSize::medium,
                        std::nullopt,
                        subject ? subject->scope_location : std::nullopt,
                        request_id};
  auto created = store.create(label);
  if (!created) return std::nullopt;
  return render_label(store, renderer, created->id, settings);
}

}  // namespace ims::workers::labels
