#pragma once
// The verbs of /users, one use case each: accounts, roles and locations, activation (of sign-ups
// too), passwords (admin only), and the signed-in user's own alert-email setting. Tokens carry role
// and location, so a change of either, a deactivation, a new password or a deletion ends the
// user's sessions. Each takes the caller, the decoded command and the stores of its unit of work.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ims/api/use_cases/caller.hpp"
#include "ims/api/use_cases/credentials.hpp"
#include "ims/domain/result.hpp"
#include "ims/domain/role.hpp"
#include "ims/infra/account_store.hpp"
#include "ims/infra/audit_store.hpp"
#include "ims/infra/event.hpp"
#include "ims/infra/session_store.hpp"
#include "ims/infra/user_records.hpp"

namespace ims::api {

// The public fields of a user: the API's body and the audit trail's before/after.
nlohmann::json user_json(const infra::UserRecord& user);

struct UserChange {
  std::int64_t id = 0;
  std::optional<std::string> if_match;
  std::optional<std::string> email;
  std::optional<domain::Role> role;
  std::optional<std::int64_t> location_id;
  bool clear_location = false;  // "location_id": null
};

struct UserStatusChange {
  std::int64_t id = 0;
  std::optional<std::string> if_match;
  bool is_active = true;
};

struct PasswordChange {
  std::int64_t id = 0;
  std::string password_hash;
};

// A user removed, or a sign-up rejected.
struct UserRemoval {
  std::int64_t id = 0;
};

// A sign-up activated with the role and location the admin decides.
struct RegistrationDecision {
  std::int64_t id = 0;
  domain::Role role = domain::Role::retailer;
  std::optional<std::int64_t> location_id;
};

// Where the emails about an account send people.
struct AccountLinks {
  std::string dashboard_url;
};

// The sessions a change ends: the user's access tokens and every refresh token.
struct UserSessions {
  infra::RefreshTokenStore& refresh_tokens;
  AccessRevocation& access;
};

domain::Result<std::vector<infra::UserRecord>> list_users(const infra::UserFilter& filter,
                                                          infra::UserStore& users);
domain::Result<infra::UserRecord> get_user(std::int64_t id, infra::UserStore& users);
// 422 when the location does not suit the role, 409 when the username is taken.
domain::Result<infra::UserRecord> create_user(const Caller& by, const infra::NewUserRow& row,
                                              infra::UserStore& users, infra::LocationLookup& locations,
                                              infra::AuditTrail& audit);
// 404, If-Match (412), a sign-up still waiting (409), the location against the role (422), and
// nobody removes their own admin role (409).
domain::Result<infra::UserRecord> update_user(const Caller& by, const UserChange& change,
                                              infra::UserStore& users, infra::LocationLookup& locations,
                                              const UserSessions& sessions, infra::AuditTrail& audit);
// Nobody deactivates themselves (409); then 404, If-Match (412), a sign-up still waiting (409).
domain::Result<infra::UserRecord> set_user_status(const Caller& by, const UserStatusChange& change,
                                                  infra::UserStore& users, const UserSessions& sessions,
                                                  infra::AuditTrail& audit);
domain::Status set_user_password(const Caller& by, const PasswordChange& change, infra::UserStore& users,
                                 const UserSessions& sessions, infra::AuditTrail& audit);
// Nobody deletes themselves (409).
domain::Status delete_user(const Caller& by, const UserRemoval& removal, infra::UserStore& users,
                           const UserSessions& sessions, infra::AuditTrail& audit);

// The caller's own alert-email setting (in-app alerts stay); 401 when the account is gone.
domain::Result<bool> get_email_alerts(const Caller& by, infra::UserStore& users);
domain::Result<bool> set_email_alerts(const Caller& by, bool enabled, infra::UserStore& users,
                                      infra::AuditTrail& audit);

// Sign-ups waiting for activation (issue 13): 404, 409 unless the account waits. Activation needs
// the address confirmed (409) and a location that suits the role (422); the person is emailed and
// account.activated announced. Rejection removes the account, emails and announces account.rejected.
domain::Result<infra::UserRecord> activate_registration(const Caller& by,
                                                        const RegistrationDecision& decision,
                                                        const AccountLinks& links, infra::UserStore& users,
                                                        infra::LocationLookup& locations,
                                                        infra::AccountMailbox& mailbox, infra::Outbox& outbox,
                                                        infra::AuditTrail& audit);
domain::Status reject_registration(const Caller& by, const UserRemoval& removal, const AccountLinks& links,
                                   infra::UserStore& users, infra::AccountMailbox& mailbox,
                                   infra::Outbox& outbox, infra::AuditTrail& audit);

}  // namespace ims::api
