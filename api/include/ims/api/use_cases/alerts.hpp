#pragma once
// The verbs of /alerts: what the alerts worker raised for people (low stock, expiring lots, drift,
// overdue requests, transfer discrepancies, sign-ups), newest first, within the caller's scope,
// each with the emails it sent; and acknowledging one (which closes an event alert such as a
// discrepancy). Scoped users see their location's alerts and only the emails sent to themselves.
#include <cstdint>

#include <nlohmann/json.hpp>

#include "ims/api/use_cases/caller.hpp"
#include "ims/domain/result.hpp"
#include "ims/infra/alert_records.hpp"
#include "ims/infra/audit_store.hpp"

namespace ims::api {

// {items, next_cursor}; the filter's scope (location, account alerts) is set here.
domain::Result<nlohmann::json> list_alerts(const Caller& by, infra::AlertFilter filter,
                                           infra::AlertBoard& board);
domain::Result<nlohmann::json> get_alert(const Caller& by, std::int64_t id, infra::AlertBoard& board);
// forbidden for a transfer discrepancy unless the caller may adjust stock; conflict when acknowledged
// already.
domain::Result<nlohmann::json> acknowledge_alert(const Caller& by, std::int64_t id, infra::AlertBoard& board,
                                                 infra::AuditTrail& audit);

}  // namespace ims::api
