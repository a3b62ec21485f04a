#pragma once
// The verbs of /transfers, one use case each: creating a transfer (also the approval of a transfer
// request), reading transfers in the caller's scope, and moving one along: dispatch and complete
// are handed to the stock worker (accepted), arrive and cancel take effect at once. Outside its two
// locations a transfer does not exist for the caller (not_found).
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
#include "ims/infra/event.hpp"
#include "ims/infra/transfer_store.hpp"

namespace ims::api {

// A line as decoded from the body: an absent value is one that was missing or malformed.
struct TransferLineCommand {
  std::optional<std::int64_t> product_id;
  std::optional<domain::Quantity> quantity;
  std::optional<std::int64_t> lot_id;
  bool lot_malformed = false;  // lot_id given, but not an integer id
};

struct CreateTransfer {
  std::int64_t from_location_id = 0;
  std::int64_t to_location_id = 0;
  std::optional<std::vector<TransferLineCommand>> lines;  // none: `lines` was not an array
};

// What the destination says it received, line by line, as decoded from the body.
struct ReceivedLineCommand {
  std::optional<std::int64_t> product_id;
  std::optional<domain::Quantity> received_quantity;
};

struct TransferMove {
  std::int64_t id = 0;
  std::optional<std::string> if_match;
  domain::TransferStatus to = domain::TransferStatus::in_transit;
  std::optional<std::vector<ReceivedLineCommand>> received;  // complete only; none: not an array
};

struct MovedTransfer {
  nlohmann::json transfer;  // with its lines
  bool accepted = false;    // the stock worker carries it out (202)
};

nlohmann::json transfer_json(const infra::TransferRecord& t);

// A draft transfer with its lines and its transfer.created event, or the field errors (422).
domain::Result<nlohmann::json> create_transfer(const Caller& by, const CreateTransfer& command,
                                               infra::TransferStore& transfers, infra::Outbox& outbox,
                                               infra::AuditTrail& audit);
domain::Result<std::vector<infra::TransferRecord>> list_transfers(const Caller& by,
                                                                  infra::TransferFilter filter,
                                                                  infra::TransferStore& transfers);
domain::Result<nlohmann::json> get_transfer(const Caller& by, std::int64_t id,
                                            infra::TransferStore& transfers);
// Lock, scope (404), who (403), If-Match (412), a step still with the stock worker (409), legal
// move (409), then the move and its event.
domain::Result<MovedTransfer> move_transfer(const Caller& by, const TransferMove& move,
                                            infra::TransferStore& transfers, infra::Outbox& outbox,
                                            infra::AuditTrail& audit);

}  // namespace ims::api
