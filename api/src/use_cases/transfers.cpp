#include "ims/api/use_cases/transfers.hpp"

#include "ims/api/use_cases/change_record.hpp"
#include "ims/api/use_cases/moves.hpp"
#include "ims/domain/policy.hpp"
#include "ims/domain/role.hpp"

namespace ims::api {
namespace {

using domain::Error;
using domain::ErrorCode;
using domain::FieldError;
using domain::Quantity;
using domain::TransferStatus;
using nlohmann::json;

Error not_found() {
  return Error::of(ErrorCode::not_found, "no such transfer");
}

bool involved(const domain::Actor& actor, const infra::TransferRecord& t) {
  return domain::can_access_location(actor, t.from_location_id) ||
         domain::can_access_location(actor, t.to_location_id);
}

json line_json(const infra::TransferLineRecord& l) {
  auto picks = json::array();
  for (const auto& p : l.picks) {
    picks.push_back({{"lot_id", or_null(p.lot_id)},
                     {"lot_code", or_null(p.lot_code)},
                     {"quantity", quantity_json(p.quantity)}});
  }
  return json{{"id", l.id},
              {"line_no", l.line_no},
              {"product_id", l.product_id},
              {"sku", l.sku},
              {"lot_id", or_null(l.lot_id)},
              {"lot_code", or_null(l.lot_code)},
              {"quantity", quantity_json(l.quantity)},
              {"received_quantity", quantity_json(l.received_quantity)},
              {"picks", std::move(picks)},
              {"discrepancy", quantity_json(l.discrepancy)}};
}

json with_lines(const infra::TransferRecord& t, infra::TransferStore& transfers) {
  auto out = transfer_json(t);
  out["lines"] = json::array();
  for (const auto& l : transfers.lines(t.id)) out["lines"].push_back(line_json(l));
  return out;
}

// The audit row and the event of a change; `before` is absent for a new transfer.
void announce(const Caller& by, const std::string& type, const std::optional<json>& before, const json& after,
              infra::Outbox& outbox, infra::AuditTrail& audit) {
  record_change(by, audit, type, "transfer", after["id"].get<std::int64_t>(), before, after);
  outbox.append({type,
                 {{"transfer_id", after["id"]},
                  {"number", after["number"]},
                  {"from_location_id", after["from_location_id"]},
                  {"to_location_id", after["to_location_id"]},
                  {"status", after["status"]}},
                 by.request_id,
                 by.actor.user_id});
}

// The lines of a new transfer, or the first errors found: the parties first, then line by line.
std::vector<FieldError> check_new_transfer(const CreateTransfer& c, infra::TransferStore& transfers,
                                           std::vector<infra::NewTransferLine>& rows) {
  std::vector<FieldError> errors;
  if (c.from_location_id == c.to_location_id) {
    errors.push_back({"to_location_id", "must differ from from_location_id"});
  } else if (!transfers.locations_active(c.from_location_id, c.to_location_id)) {
    errors.push_back({"from_location_id", "both locations must exist and be active"});
  }
  if (!c.lines || c.lines->empty() || c.lines->size() > 200)
    errors.push_back({"lines", "must hold 1 to 200 lines"});
  if (!errors.empty()) return errors;
  for (std::size_t i = 0; i < c.lines->size(); ++i) {
    const auto at = "lines[" + std::to_string(i) + "].";
    const auto& l = (*c.lines)[i];
    const bool quantity_ok = l.quantity && *l.quantity > Quantity();
    if (!quantity_ok)
      errors.push_back({at + "quantity", "must be a positive number with at most 3 decimals"});
    if (!l.product_id) {
      errors.push_back({at + "product_id", "is required, a positive integer id"});
      continue;
    }
    if (!transfers.product_active(*l.product_id))
      errors.push_back({at + "product_id", "does not exist or is not active"});
    if (l.lot_malformed || (l.lot_id && !transfers.lot_of_product(*l.lot_id, *l.product_id))) {
      errors.push_back({at + "lot_id", "is not a lot of this product"});
    }
    if (l.quantity)
      rows.push_back({static_cast<int>(i + 1), *l.product_id, l.lot_id, l.quantity->to_string()});
  }
  return errors;
}

// Who may make the move: the source dispatches, the destination receives, managers do anything.
std::optional<Error> refuse_caller(const domain::Actor& actor, const infra::TransferRecord& t,
                                   TransferStatus to) {
  if (domain::allows(actor.role, domain::Permission::manage_transfers)) return std::nullopt;
  if (to == TransferStatus::in_transit) {
    if (domain::can_access_location(actor, t.from_location_id)) return std::nullopt;
    return Error::of(ErrorCode::forbidden, "the source location dispatches a transfer");
  }
  if (to == TransferStatus::arrived || to == TransferStatus::completed) {
    if (domain::can_access_location(actor, t.to_location_id)) return std::nullopt;
    return Error::of(ErrorCode::forbidden, "the destination location receives a transfer");
  }
  return Error::of(ErrorCode::forbidden, "only manufacturer or admin may do this");
}

// Every line's received quantity, at most what was shipped (a surplus would create stock without
// the permission to adjust: docs/decisions.md); the first line in error stops the check.
std::vector<FieldError> check_received(const std::optional<std::vector<ReceivedLineCommand>>& given,
                                       const std::vector<infra::TransferLineRecord>& lines,
                                       std::vector<std::pair<std::int64_t, std::string>>& received) {
  std::vector<FieldError> errors;
  if (!given || given->size() != lines.size()) {
    errors.push_back({"lines", "must give received_quantity for each of the transfer's " +
                                   std::to_string(lines.size()) + " lines"});
  }
  for (std::size_t i = 0; errors.empty() && i < lines.size(); ++i) {
    const auto& g = (*given)[i];
    const auto at = "lines[" + std::to_string(i) + "].";
    auto q = g.received_quantity;
    const auto shipped = Quantity::parse(lines[i].quantity).value_or(Quantity());
    if (!q || *q < Quantity()) {
      errors.push_back({at + "received_quantity", "must be zero or more, with at most 3 decimals"});
    } else if (*q > shipped) {
      errors.push_back(
          {at + "received_quantity", "may not exceed the " + shipped.to_string() +
                                         " shipped; ask for an adjustment of the surplus (POST /requests)"});
      q.reset();
    }
    if (g.product_id != lines[i].product_id) {
      errors.push_back({at + "product_id", "must be the product of line " + std::to_string(i + 1)});
    }
    if (q) received.emplace_back(lines[i].id, q->to_string());
  }
  return errors;
}

// The write of a move the checks allowed; returns its event type, and whether the stock worker
// carries it out.
domain::Result<std::pair<std::string, bool>> write_move(const TransferMove& move,
                                                        infra::TransferStore& transfers) {
  switch (move.to) {
    case TransferStatus::in_transit:
      transfers.request_step(move.id, "dispatch");
      return std::pair<std::string, bool>{"transfer.dispatch_requested", true};
    case TransferStatus::arrived:
      transfers.mark_arrived(move.id);
      return std::pair<std::string, bool>{"transfer.arrived", false};
    case TransferStatus::canceled:
      transfers.mark_canceled(move.id);
      return std::pair<std::string, bool>{"transfer.canceled", false};
    case TransferStatus::completed: {
      std::vector<std::pair<std::int64_t, std::string>> received;
      if (auto errors = check_received(move.received, transfers.lines(move.id), received); !errors.empty()) {
        return Error::validation(std::move(errors));
      }
      for (const auto& [line, quantity] : received) transfers.record_received(line, quantity);
      transfers.request_step(move.id, "complete");
      return std::pair<std::string, bool>{"transfer.completion_requested", true};
    }
    case TransferStatus::pending:
      break;
  }
  return Error::of(ErrorCode::conflict, "a transfer cannot move back to pending");
}

}  // namespace

json transfer_json(const infra::TransferRecord& t) {
  return json{{"id", t.id},
              {"number", t.number},
              {"from_location_id", t.from_location_id},
              {"to_location_id", t.to_location_id},
              {"status", t.status},
              {"pending_step", or_null(t.pending_step)},
              {"failure_reason", or_null(t.failure_reason)},
              {"version", t.version},
              {"created_at", t.created_at},
              {"updated_at", t.updated_at}};
}

domain::Result<json> create_transfer(const Caller& by, const CreateTransfer& command,
                                     infra::TransferStore& transfers, infra::Outbox& outbox,
                                     infra::AuditTrail& audit) {
  std::vector<infra::NewTransferLine> lines;
  if (auto errors = check_new_transfer(command, transfers, lines); !errors.empty()) {
    return Error::validation(std::move(errors));
  }
  const auto id = transfers.insert(
      {command.from_location_id, command.to_location_id, by.actor.user_id, by.request_id, std::move(lines)});
  const auto record = *transfers.find(id, false);
  announce(by, "transfer.created", std::nullopt, transfer_json(record), outbox, audit);
  return with_lines(record, transfers);
}

domain::Result<std::vector<infra::TransferRecord>> list_transfers(const Caller& by,
                                                                  infra::TransferFilter filter,
                                                                  infra::TransferStore& transfers) {
  filter.location.reset();
  if (domain::is_location_scoped(by.actor.role)) filter.location = by.actor.location_id.value_or(-1);
  return transfers.page(filter);
}

domain::Result<json> get_transfer(const Caller& by, std::int64_t id, infra::TransferStore& transfers) {
  auto t = transfers.find(id, false);
  if (!t || !involved(by.actor, *t)) return not_found();
  return with_lines(*t, transfers);
}

domain::Result<MovedTransfer> move_transfer(const Caller& by, const TransferMove& move,
                                            infra::TransferStore& transfers, infra::Outbox& outbox,
                                            infra::AuditTrail& audit) {
  auto t = transfers.find(move.id, true);
  if (!t || !involved(by.actor, *t)) return not_found();
  if (auto refused = refuse_caller(by.actor, *t, move.to)) return *refused;
  std::optional<Error> busy;
  if (t->pending_step) {
    busy = Error::of(ErrorCode::conflict,
                     "the stock worker is still carrying out this transfer's " + *t->pending_step);
  }
  const auto from = *domain::parse_transfer_status(t->status);
  if (auto refused = refuse_move(move.if_match, t->version, "transfer", from, move.to, busy)) return *refused;
  auto written = write_move(move, transfers);
  if (!written) return written.error();
  auto after = with_lines(*transfers.find(move.id, false), transfers);
  announce(by, written->first, transfer_json(*t), after, outbox, audit);
  return MovedTransfer{std::move(after), written->second};
}

}  // namespace ims::api
