#pragma once
// The verbs of /reorder-rules, one use case each. Each takes the caller, the decoded command and
// the stores of its unit of work, and returns the outcome; PgSession::unit commits only a success.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ims/api/use_cases/caller.hpp"
#include "ims/domain/result.hpp"
#include "ims/domain/stock.hpp"
#include "ims/infra/audit_store.hpp"
#include "ims/infra/reorder_rule_store.hpp"

namespace ims::api {

// The JSON of a reorder rule: the API's body and the audit trail's before/after.
nlohmann::json reorder_rule_json(const infra::ReorderRuleRecord& rule);

// A new rule, its quantities already checked (zero or more, max above min).
struct NewReorderRule {
  std::int64_t product_id = 0;
  std::int64_t location_id = 0;
  domain::Quantity min;
  domain::Quantity max;
};

struct ReorderRuleChange {
  std::int64_t id = 0;
  std::optional<std::string> if_match;
  domain::Quantity min;
  domain::Quantity max;
};

struct ReorderRuleRemoval {
  std::int64_t id = 0;
};

// A location-scoped caller (cfa, stockist, retailer) sees only its own location's rules, whatever
// the filter asks for.
domain::Result<std::vector<infra::ReorderRuleRecord>> list_reorder_rules(const Caller& by,
                                                                         infra::ReorderRuleFilter filter,
                                                                         infra::ReorderRuleStore& rules);
// Not found when outside the caller's scope.
domain::Result<infra::ReorderRuleRecord> get_reorder_rule(const Caller& by, std::int64_t id,
                                                          infra::ReorderRuleStore& rules);
// Refused with 422 when the product or the location does not exist, 409 "product_id is taken" when
// the product already has a rule at the location.
domain::Result<infra::ReorderRuleRecord> create_reorder_rule(const Caller& by, const NewReorderRule& rule,
                                                             infra::ReorderRuleStore& rules,
                                                             infra::AuditTrail& audit);
domain::Result<infra::ReorderRuleRecord> update_reorder_rule(const Caller& by,
                                                             const ReorderRuleChange& change,
                                                             infra::ReorderRuleStore& rules,
                                                             infra::AuditTrail& audit);
domain::Status delete_reorder_rule(const Caller& by, const ReorderRuleRemoval& removal,
                                   infra::ReorderRuleStore& rules, infra::AuditTrail& audit);

}  // namespace ims::api
