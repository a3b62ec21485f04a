#include "ims/api/use_cases/production.hpp"

#include "ims/api/use_cases/change_record.hpp"
#include "ims/api/use_cases/moves.hpp"

namespace ims::api {
namespace {

using domain::BatchStatus;
using domain::Error;
using domain::ErrorCode;
using domain::FieldError;
using domain::Quantity;
using nlohmann::json;

Error not_found() {
  return Error::of(ErrorCode::not_found, "no such production batch");
}

void announce(const Caller& by, const std::string& type, const std::optional<infra::BatchRecord>& before,
              const infra::BatchRecord& after, json data, infra::Outbox& outbox, infra::AuditTrail& audit) {
  record_change(by, audit, type, "production_batch", after.id,
                before ? std::optional(batch_json(*before)) : std::nullopt, batch_json(after));
  data["batch_id"] = after.id;
  data["number"] = after.number;
  data["product_id"] = after.product_id;
  data["location_id"] = after.location_id;
  data["status"] = after.status;
  outbox.append({type, std::move(data), by.request_id, by.actor.user_id});
}

std::vector<FieldError> plan_errors(const PlanBatch& c, infra::BatchStore& batches) {
  std::vector<FieldError> errors;
  const auto product = batches.product(c.product_id);
  if (!product) {
    errors.push_back({"product_id", "does not exist"});
  } else if (product->kind != "finished_good") {
    errors.push_back({"product_id", "is a raw material; batches make finished goods"});
  } else if (!product->is_active) {
    errors.push_back({"product_id", "is not active"});
  }
  const auto kind = batches.location_kind(c.location_id);
  if (!kind) {
    errors.push_back({"location_id", "does not exist"});
  } else if (*kind != "factory") {
    errors.push_back({"location_id", "must be a factory"});
  }
  return errors;
}

// What producing the batch's output consumes, against what is there to use at its location: a
// missing bill of materials (422) or the short materials (409), else nothing.
std::optional<Error> refuse_materials(const infra::BatchRecord& batch, Quantity produced,
                                      infra::BatchStore& batches) {
  std::vector<domain::BomLine> bom;
  std::vector<std::pair<std::int64_t, Quantity>> available;
  std::vector<std::pair<std::int64_t, std::string>> names;
  for (const auto& m : batches.materials(batch.product_id, batch.location_id)) {
    bom.push_back({m.material_id, domain::parse_per_unit(m.per_unit).value_or(0), m.cost_cents});
    names.emplace_back(m.material_id, m.sku);
    available.emplace_back(m.material_id, Quantity::parse(m.available).value_or(Quantity()));
  }
  if (bom.empty()) {
    return Error::validation(
        {{"product_id", "has no bill of materials; set one with PUT /products/{id}/bom"}},
        "nothing to produce from");
  }
  const auto short_ones = domain::shortages(domain::material_needs(bom, produced, available));
  if (short_ones.empty()) return std::nullopt;
  std::vector<FieldError> fields;
  fields.reserve(short_ones.size());
  for (const auto& n : short_ones) {
    fields.push_back({"materials." + std::to_string(n.material_id),
                      "short by " + n.shortage().to_string() + " (needs " + n.needed.to_string() + ", has " +
                          n.available.to_string() + ")"});
  }
  return Error{ErrorCode::conflict, "materials are short: " + domain::describe_shortages(short_ones, names),
               std::move(fields), 0};
}

std::optional<Error> complete(const BatchMove& m, const infra::BatchRecord& before,
                              infra::BatchStore& batches) {
  if (before.completion == "requested") {
    return Error::of(ErrorCode::conflict, "this batch's completion is already being booked");
  }
  if (batches.lot_code_taken(before.product_id, m.lot_code)) {
    return Error{ErrorCode::conflict, "lot_code is taken", {{"lot_code", "is taken"}}, 0};  // by another lot
  }
  if (auto refused = refuse_materials(before, *m.quantity_produced, batches)) return refused;
  batches.request_completion({m.id, m.quantity_produced->to_string(), m.lot_code, m.expires_on});
  return std::nullopt;
}

// The write of a move the checks allowed: its event type and extra event data, or the refusal.
domain::Result<std::pair<std::string, json>> write_move(const BatchMove& m, const infra::BatchRecord& before,
                                                        infra::BatchStore& batches) {
  if (!m.body_errors.empty()) return Error::validation(m.body_errors);
  switch (m.to) {
    case BatchStatus::in_progress:
      batches.mark_started(m.id);
      return std::pair{std::string("production.started"), json::object()};
    case BatchStatus::canceled:
      batches.mark_canceled(m.id);
      return std::pair{std::string("production.canceled"), json::object()};
    case BatchStatus::completed:
      if (auto refused = complete(m, before, batches)) return *refused;
      return std::pair{std::string("production.completion_requested"), json::object()};
    case BatchStatus::qc_failed:
      batches.mark_qc_failed(m.id, m.qc_reason);
      // A lot already booked is written off by the stock worker.
      return std::pair{std::string("production.qc_failed"),
                       json{{"write_off", before.status == "completed"}, {"reason", m.qc_reason}}};
    case BatchStatus::planned:
      break;
  }
  return Error::of(ErrorCode::conflict, "a batch cannot move back to planned");
}

}  // namespace

json batch_json(const infra::BatchRecord& b) {
  return json{{"id", b.id},
              {"number", b.number},
              {"product_id", b.product_id},
              {"location_id", b.location_id},
              {"planned_quantity", quantity_json(b.planned_quantity)},
              {"produced_quantity", quantity_json(b.produced_quantity)},
              {"status", b.status},
              {"completion", or_null(b.completion)},
              {"failure_reason", or_null(b.failure_reason)},
              {"lot_code", or_null(b.lot_code)},
              {"expires_on", or_null(b.expires_on)},
              {"lot_id", or_null(b.lot_id)},
              {"cost_per_unit", or_null(b.cost_per_unit)},
              {"qc_reason", or_null(b.qc_reason)},
              {"version", b.version},
              {"created_at", b.created_at},
              {"updated_at", b.updated_at},
              {"completed_at", or_null(b.completed_at)}};
}

domain::Result<infra::BatchRecord> plan_batch(const Caller& by, const PlanBatch& c,
                                              infra::BatchStore& batches, infra::Outbox& outbox,
                                              infra::AuditTrail& audit) {
  if (auto errors = plan_errors(c, batches); !errors.empty()) return Error::validation(std::move(errors));
  const auto id = batches.insert(
      {c.product_id, c.location_id, c.planned_quantity.to_string(), by.actor.user_id, by.request_id});
  auto created = *batches.find(id, false);
  announce(by, "production.planned", std::nullopt, created, json::object(), outbox, audit);
  return created;
}

domain::Result<std::vector<infra::BatchRecord>> list_batches(const infra::BatchFilter& filter,
                                                             infra::BatchStore& batches) {
  return batches.page(filter);
}

domain::Result<infra::BatchRecord> get_batch(std::int64_t id, infra::BatchStore& batches) {
  auto batch = batches.find(id, false);
  if (!batch) return not_found();
  return *batch;
}

domain::Result<MovedBatch> move_batch(const Caller& by, const BatchMove& m, infra::BatchStore& batches,
                                      infra::Outbox& outbox, infra::AuditTrail& audit) {
  auto before = batches.find(m.id, true);
  if (!before) return not_found();
  const auto from = *domain::parse_batch_status(before->status);
  if (auto refused = refuse_move(m.if_match, before->version, "production batch", from, m.to))
    return *refused;
  auto written = write_move(m, *before, batches);
  if (!written) return written.error();
  auto after = *batches.find(m.id, false);
  announce(by, written->first, before, after, written->second, outbox, audit);
  const bool accepted =
      m.to == BatchStatus::completed || (m.to == BatchStatus::qc_failed && before->status == "completed");
  return MovedBatch{std::move(after), accepted};
}

}  // namespace ims::api
