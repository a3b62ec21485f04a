#pragma once
// The use cases behind /labels: request a label (the pending row and its label.requested event in
// the caller's transaction), read one, fetch its image. A label is scoped like its subject: what
// the caller may not see does not exist (404).
#include <cstdint>
#include <optional>
#include <string>

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

}  // namespace ims::api::labels
