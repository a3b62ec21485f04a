#include "ims/api/use_cases/reorder_rules.hpp"

#include "ims/api/use_cases/change_record.hpp"
#include "ims/api/use_cases/refusals.hpp"
#include "ims/domain/policy.hpp"
#include "ims/domain/role.hpp"

namespace ims::api {
namespace {

using domain::Error;
using domain::ErrorCode;
using domain::FieldError;
using nlohmann::json;

Error not_found() {
  return Error::of(ErrorCode::not_found, "no such reorder rule");
}

void audit_rule(const Caller& by, infra::AuditTrail& audit, const char* action, std::int64_t id,
                const std::optional<infra::ReorderRuleRecord>& before,
                const std::optional<infra::ReorderRuleRecord>& after) {
  record_change(by, audit, action, "reorder_rule", id,
                before ? std::optional(reorder_rule_json(*before)) : std::nullopt,
                after ? std::optional(reorder_rule_json(*after)) : std::nullopt);
}

}  // namespace

json reorder_rule_json(const infra::ReorderRuleRecord& r) {
  return json{{"id", r.id},
              {"product_id", r.product_id},
              {"location_id", r.location_id},
              {"min", r.min.to_double()},
              {"max", r.max.to_double()},
              {"version", r.version},
              {"low_since", or_null(r.low_since)}};
}

domain::Result<std::vector<infra::ReorderRuleRecord>> list_reorder_rules(const Caller& by,
                                                                         infra::ReorderRuleFilter filter,
                                                                         infra::ReorderRuleStore& rules) {
  if (domain::is_location_scoped(by.actor.role)) filter.location_id = by.actor.location_id.value_or(-1);
  return rules.list(filter);
}

domain::Result<infra::ReorderRuleRecord> get_reorder_rule(const Caller& by, std::int64_t id,
                                                          infra::ReorderRuleStore& rules) {
  auto rule = rules.find(id, false);
  if (!rule || !domain::can_access_location(by.actor, rule->location_id)) return not_found();
  return *rule;
}

domain::Result<infra::ReorderRuleRecord> create_reorder_rule(const Caller& by, const NewReorderRule& rule,
                                                             infra::ReorderRuleStore& rules,
                                                             infra::AuditTrail& audit) {
  std::vector<FieldError> errors;
  if (!rules.product_exists(rule.product_id)) errors.push_back({"product_id", "does not exist"});
  if (!rules.location_exists(rule.location_id)) errors.push_back({"location_id", "does not exist"});
  if (errors.empty() && rules.rule_exists(rule.product_id, rule.location_id)) {
    errors.push_back({"product_id", "is taken"});
  }
  if (!errors.empty()) return field_refusal(errors);
  const auto id = rules.insert(rule.product_id, rule.location_id, rule.min, rule.max);
  auto created = rules.find(id, false);
  audit_rule(by, audit, "reorder_rule.create", id, std::nullopt, created);
  return *created;
}

domain::Result<infra::ReorderRuleRecord> update_reorder_rule(const Caller& by,
                                                             const ReorderRuleChange& change,
                                                             infra::ReorderRuleStore& rules,
                                                             infra::AuditTrail& audit) {
  auto before = rules.find(change.id, true);
  if (!before) return not_found();
  if (auto stale = domain::stale_version(change.if_match, before->version, "reorder rule")) return *stale;
  rules.update(change.id, change.min, change.max);
  auto after = rules.find(change.id, false);
  audit_rule(by, audit, "reorder_rule.update", change.id, before, after);
  return *after;
}

domain::Status delete_reorder_rule(const Caller& by, const ReorderRuleRemoval& removal,
                                   infra::ReorderRuleStore& rules, infra::AuditTrail& audit) {
  auto before = rules.find(removal.id, true);
  if (!before) return not_found();
  rules.remove(removal.id);
  audit_rule(by, audit, "reorder_rule.delete", removal.id, before, std::nullopt);
  return domain::ok_status();
}

}  // namespace ims::api
