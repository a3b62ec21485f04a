#pragma once
// The verbs of /customers, one use case each. A customer belongs to one location: store users see
// their own location's customers only (anybody else's does not exist for them: 404), admins and
// manufacturers all of them. Phone, email, address, tax id and notes are personal data: only the
// customer's location's users and admins see them or change the customer, and the audit trail keeps
// the customer without them. Each use case takes the caller, the decoded command and the stores of
// its unit of work, and returns the outcome; PgSession::unit commits only a success.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ims/api/use_cases/caller.hpp"
#include "ims/domain/result.hpp"
#include "ims/infra/audit_store.hpp"
#include "ims/infra/customer_records.hpp"
#include "ims/infra/location_store.hpp"

namespace ims::api {

// Whether the viewer sees the customer's personal data: the customer's location's users and admins.
bool sees_personal_data(const domain::Actor& viewer, const infra::CustomerRecord& customer);
// The JSON of a customer, its personal data null unless `personal`.
nlohmann::json customer_json(const infra::CustomerRecord& customer, bool personal);
// The JSON of a customer as the viewer may see it: the API's body.
nlohmann::json customer_json(const domain::Actor& viewer, const infra::CustomerRecord& customer);

struct NewCustomer {
  std::int64_t location_id = 0;  // decoded: the caller's own location unless they may say another
  infra::CustomerFields fields;
};

struct CustomerChange {
  std::int64_t id = 0;
  std::optional<std::string> if_match;
  infra::CustomerFields fields;
};

struct CustomerRemoval {
  std::int64_t id = 0;
};

// The filter as asked for; a store user's is narrowed to their own location (another location's
// customers are none), and only who may see phones and emails searches them.
domain::Result<std::vector<infra::CustomerRecord>> list_customers(const Caller& by,
                                                                  const infra::CustomerFilter& filter,
                                                                  infra::CustomerStore& customers);
domain::Result<infra::CustomerRecord> get_customer(const Caller& by, std::int64_t id,
                                                   infra::CustomerStore& customers);
// 422 for a location that does not exist, 409 when the phone is another customer's there.
domain::Result<infra::CustomerRecord> create_customer(const Caller& by, const NewCustomer& customer,
                                                      infra::CustomerStore& customers,
                                                      infra::LocationStore& locations,
                                                      infra::AuditTrail& audit);
// 403 for who may not see the personal data, 412 on a stale If-Match, 409 for an anonymized customer
// or a phone that is another customer's at the location.
domain::Result<infra::CustomerRecord> update_customer(const Caller& by, const CustomerChange& change,
                                                      infra::CustomerStore& customers,
                                                      infra::AuditTrail& audit);
// DELETE deactivates (the orders keep their customer); an inactive customer is left as it is.
domain::Status deactivate_customer(const Caller& by, const CustomerRemoval& removal,
                                   infra::CustomerStore& customers, infra::AuditTrail& audit);
// Erases the personal data for good, here, in the customer's orders and in its audit rows.
domain::Result<infra::CustomerRecord> anonymize_customer(const Caller& by, const CustomerRemoval& removal,
                                                         infra::CustomerStore& customers,
                                                         infra::AuditTrail& audit);

}  // namespace ims::api
