#pragma once
// The verbs of /production/batches (manufacturer and admin), one use case each: plan, read, start,
// complete, fail QC, cancel. Completing checks the bill of materials against the stock at the
// batch's location first: a short material is refused (409, naming it and by how much) and nothing
// is recorded; otherwise the completion is recorded and the stock worker books it (accepted).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ims/api/use_cases/caller.hpp"
#include "ims/domain/result.hpp"
#include "ims/domain/stock.hpp"
#include "ims/domain/workflow.hpp"
#include "ims/infra/audit_store.hpp"
#include "ims/infra/batch_store.hpp"
#include "ims/infra/event.hpp"

namespace ims::api {

struct PlanBatch {
  std::int64_t product_id = 0;
  std::int64_t location_id = 0;
  domain::Quantity planned_quantity;
};

// complete: what was produced and its lot; qc-fail: the reason.
struct BatchMove {
  std::int64_t id = 0;
  std::optional<std::string> if_match;
  domain::BatchStatus to = domain::BatchStatus::in_progress;
  std::optional<domain::Quantity> quantity_produced;
  std::string lot_code;
  std::optional<std::string> expires_on;
  std::string qc_reason;
  // What was wrong with the body's fields: refused (422) after the lock, If-Match and move checks,
  // so a batch that cannot make the move says so first.
  std::vector<domain::FieldError> body_errors;
};

struct MovedBatch {
  infra::BatchRecord batch;
  bool accepted = false;  // the stock worker books it (202)
};

nlohmann::json batch_json(const infra::BatchRecord& b);

domain::Result<infra::BatchRecord> plan_batch(const Caller& by, const PlanBatch& command,
                                              infra::BatchStore& batches, infra::Outbox& outbox,
                                              infra::AuditTrail& audit);
domain::Result<std::vector<infra::BatchRecord>> list_batches(const infra::BatchFilter& filter,
                                                             infra::BatchStore& batches);
domain::Result<infra::BatchRecord> get_batch(std::int64_t id, infra::BatchStore& batches);
// Lock (404), If-Match (412), legal move (409), then the verb's own checks and write.
domain::Result<MovedBatch> move_batch(const Caller& by, const BatchMove& move, infra::BatchStore& batches,
                                      infra::Outbox& outbox, infra::AuditTrail& audit);

}  // namespace ims::api
