#pragma once
// The use cases behind /labels: request a label (the pending row and its label.requested event in
// the caller's transaction), read one, fetch its image. A label is scoped like its subject: what
// the caller may not see does not exist (404).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ims/domain/label.hpp"
#include "ims/domain/policy.hpp"
#include "ims/domain/result.hpp"
#include "ims/infra/label_store.hpp"
#include "ims/infra/outbox.hpp"

namespace ims::api::labels {

struct LabelRequest {
  domain::LabelSubject subject_type = domain::LabelSubject::product;
  std::int64_t subject_id = 0;
  domain::Symbology symbology = domain::Symbology::qr;
  domain::LabelFormat format = domain::LabelFormat::png;
  domain::LabelSize size = domain::LabelSize::medium;
};

// 404 when the subject does not exist or is outside the caller's scope.
domain::Result<infra::LabelRecord> request_label(infra::LabelStore& store, infra::Outbox& outbox,
                                                 const domain::Actor& actor, const LabelRequest& request,
                                                 const std::string& request_id);

domain::Result<infra::LabelRecord> get_label(infra::LabelStore& store, const domain::Actor& actor,
                                             std::int64_t id);

// The bytes of a ready label; 409 while it is pending, 422 with its reason when it failed.
domain::Result<infra::LabelImage> label_image(infra::LabelStore& store, const domain::Actor& actor,
                                              std::int64_t id);

inline constexpr std::size_t max_batch_labels = 200;

// Up to max_batch_labels labels at once (every lot of a production batch, say), all or nothing:
// every subject is checked before any label is recorded, and one the caller may not see refuses
// the batch naming it (labels[i].subject_id), with nothing written.
domain::Result<std::vector<infra::LabelRecord>> request_labels(infra::LabelStore& store,
                                                               infra::Outbox& outbox,
                                                               const domain::Actor& actor,
                                                               const std::vector<LabelRequest>& requests,
                                                               const std::string& request_id);

// One A4 sheet (3 × 8) of ready PNG or SVG labels, in the order given; up to labels_per_sheet.
// 404 for a label the caller may not see, 409 while one is pending, 422 for a failed or ZPL one.
domain::Result<std::string> label_sheet(infra::LabelStore& store, const domain::Actor& actor,
                                        const std::vector<std::int64_t>& ids);

}  // namespace ims::api::labels
