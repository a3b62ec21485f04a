#pragma once
// The verbs of /requests, one use case each. CFA and stockist users ask (a transfer to their
// location, an adjustment or a write-off at it); manufacturer and admin approve or deny with a
// comment; the requester may cancel. Approval carries the request out in the same unit of work: a
// transfer (use case create_transfer) or an adjustment for the stock worker. Requesters see their
// own requests; deciders see all.
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
#include "ims/infra/request_store.hpp"
#include "ims/infra/transfer_store.hpp"

namespace ims::api {

// A request as decoded and checked against the caller (the locations are the caller's own where
// the action needs it); what the stored state says is checked by the use case.
struct RequestCommand {
  domain::RequestAction action = domain::RequestAction::transfer;
  std::int64_t product_id = 0;
  domain::Quantity quantity;
  std::int64_t from_location_id = 0;
  std::optional<std::int64_t> to_location_id;  // a transfer's: the requester's location
  std::string reason;
};

struct RequestLimits {
  int max_open_holds = 20;  // transfer requests one requester may have holding stock at once
  int sla_hours = 72;       // a request pending longer expires
};

struct RequestDecision {
  std::int64_t id = 0;
  std::optional<std::string> if_match;
  domain::RequestStatus to = domain::RequestStatus::approved;  // approved, denied or canceled
  std::optional<std::string> comment;
};

nlohmann::json request_json(const infra::RequestRecord& r);

// The request with its request.created event (a transfer request's hold is then placed by the
// stock worker), or the refusal: a product or location that is not there (422), too many holds (409).
domain::Result<nlohmann::json> create_request(const Caller& by, const RequestCommand& command,
                                              const RequestLimits& limits, infra::RequestStore& requests,
                                              infra::Outbox& outbox, infra::AuditTrail& audit);
// The caller's own requests, or all of them for a decider; forbidden for other roles.
domain::Result<std::vector<infra::RequestRecord>> list_requests(const Caller& by, infra::RequestFilter filter,
                                                                infra::RequestStore& requests);
domain::Result<infra::RequestRecord> get_request(const Caller& by, std::int64_t id,
                                                 infra::RequestStore& requests);
// Lock, visible (404), who (403), If-Match (412), legal move (409); approval also refuses while the
// hold is still being placed (409) and carries the request out.
domain::Result<infra::RequestRecord> decide_request(const Caller& by, const RequestDecision& decision,
                                                    infra::RequestStore& requests,
                                                    infra::TransferStore& transfers, infra::Outbox& outbox,
                                                    infra::AuditTrail& audit);

}  // namespace ims::api
