#include "ims/api/use_cases/users.hpp"

#include "ims/api/use_cases/change_record.hpp"
#include "ims/api/use_cases/refusals.hpp"
#include "ims/domain/account_email.hpp"
#include "ims/domain/user_rules.hpp"

namespace ims::api {
namespace {

using domain::Error;
using domain::ErrorCode;
using infra::UserRecord;
using nlohmann::json;

Error not_found() {
  return Error::of(ErrorCode::not_found, "no such user");
}

// A sign-up is decided through /users/{id}/activation, so an email nobody confirmed is never let in.
Error pending_refusal() {
  return Error::of(ErrorCode::conflict,
                   "the account waits for activation: activate it (PUT /users/{id}/activation) or reject it");
}

// 412 when If-Match is given and names another version (the users' own wording).
std::optional<Error> stale_user(const std::optional<std::string>& if_match, int version) {
  if (!domain::stale_version(if_match, version, "user")) return std::nullopt;
  return Error::of(ErrorCode::precondition_failed,
                   "the user has changed (version " + std::to_string(version) + "); fetch it again");
}

// The role/location pairing against the stored locations: the 422 of location_id, or nothing.
std::optional<Error> location_refusal(infra::LocationLookup& locations, domain::Role role,
                                      std::optional<std::int64_t> location_id) {
  std::optional<domain::LocationKind> kind;
  if (location_id) {
    if (auto loc = locations.find(*location_id)) kind = loc->kind;
  }
  if (auto why = domain::check_role_location(role, kind, location_id.has_value()))
    return Error::validation({{"location_id", *why}});
  return std::nullopt;
}

// Ends every session of a user: access tokens via the deny-list, refresh tokens in the unit of work.
void end_sessions(const UserSessions& sessions, std::int64_t user_id) {
  sessions.access.revoke_user(user_id);
  sessions.refresh_tokens.revoke_all_for_user(user_id);
}

void audit_user(const Caller& by, infra::AuditTrail& audit, const char* action, std::int64_t id,
                const std::optional<UserRecord>& before, const std::optional<UserRecord>& after) {
  record_change(by, audit, action, "user", id, before ? std::optional(user_json(*before)) : std::nullopt,
                after ? std::optional(user_json(*after)) : std::nullopt);
}

// The user, locked, unless the If-Match is stale or the account still waits for activation.
domain::Result<UserRecord> lock_active(infra::UserStore& users, std::int64_t id,
                                       const std::optional<std::string>& if_match) {
  auto user = users.find(id, true);
  if (!user) return not_found();
  if (auto stale = stale_user(if_match, user->version)) return *stale;
  if (user->status == "pending_activation") return pending_refusal();
  return *user;
}

// The sign-up, locked; 404, or 409 unless it waits for activation.
domain::Result<UserRecord> lock_pending(infra::UserStore& users, std::int64_t id) {
  auto user = users.find(id, true);
  if (!user) return not_found();
  if (user->status != "pending_activation")
    return Error::of(ErrorCode::conflict, "the account is not waiting for activation");
  return *user;
}

void queue_mail(infra::AccountMailbox& mailbox, const UserRecord& user, const char* event,
                const domain::RenderedEmail& mail) {
  mailbox.queue({user.id, user.email, event, mail.subject, mail.text, mail.html});
}

}  // namespace

json user_json(const UserRecord& u) {
  const auto role = std::string(domain::to_string(u.role));
  json j{{"id", u.id},
         {"username", u.username},
         {"email", u.email},
         {"role", role},
         {"location_id", or_null(u.location_id)},
         {"is_active", u.is_active},
         {"version", u.version},
         {"created_at", u.created_at},
         {"updated_at", u.updated_at},
         {"status", u.status},
         {"email_verified", u.email_verified},
         {"requested_role", nullptr},
         {"requested_location_id", nullptr},
         {"registration_note", nullptr},
         {"has_pin", u.pin_hash.has_value()},
         {"pin_locked", u.pin_locked}};
  if (u.status == "pending_activation") {
    j["requested_role"] = role;
    j["requested_location_id"] = or_null(u.requested_location_id);
    j["registration_note"] = or_null(u.registration_note);
  }
  return j;
}

domain::Result<std::vector<UserRecord>> list_users(const infra::UserFilter& filter, infra::UserStore& users) {
  return users.list(filter);
}

domain::Result<UserRecord> get_user(std::int64_t id, infra::UserStore& users) {
  auto user = users.find(id, false);
  if (!user) return not_found();
  return *user;
}

domain::Result<UserRecord> create_user(const Caller& by, const infra::NewUserRow& row,
                                       infra::UserStore& users, infra::LocationLookup& locations,
                                       infra::AuditTrail& audit) {
  if (auto refused = location_refusal(locations, row.role, row.location_id)) return *refused;
  if (users.find_by_username(row.username)) return field_refusal({{"username", "is taken"}});
  const auto id = users.insert(row);
  auto user = users.find(id, false);
  audit_user(by, audit, "user.create", id, std::nullopt, user);
  return *user;
}

domain::Result<UserRecord> update_user(const Caller& by, const UserChange& change, infra::UserStore& users,
                                       infra::LocationLookup& locations, const UserSessions& sessions,
                                       infra::AuditTrail& audit) {
  auto user = lock_active(users, change.id, change.if_match);
  if (!user) return user.error();
  const auto role = change.role.value_or(user->role);
  const auto location =
      change.clear_location ? std::nullopt : (change.location_id ? change.location_id : user->location_id);
  if (auto refused = location_refusal(locations, role, location)) return *refused;
  if (user->id == by.actor.user_id && user->role == domain::Role::admin && role != domain::Role::admin)
    return Error::of(ErrorCode::conflict, "you cannot remove your own admin role");
  users.update_profile(change.id, change.email.value_or(user->email), role, location);
  // Tokens carry role and location: a change of either ends the user's sessions.
  if (role != user->role || location != user->location_id) end_sessions(sessions, change.id);
  auto after = users.find(change.id, false);
  audit_user(by, audit, "user.update", change.id, *user, after);
  return *after;
}

domain::Result<UserRecord> set_user_status(const Caller& by, const UserStatusChange& change,
                                           infra::UserStore& users, const UserSessions& sessions,
                                           infra::AuditTrail& audit) {
  if (change.id == by.actor.user_id && !change.is_active)
    return Error::of(ErrorCode::conflict, "you cannot deactivate your own account");
  auto user = lock_active(users, change.id, change.if_match);
  if (!user) return user.error();
  users.set_active(change.id, change.is_active);
  if (!change.is_active) end_sessions(sessions, change.id);
  auto after = users.find(change.id, false);
  audit_user(by, audit, change.is_active ? "user.activate" : "user.deactivate", change.id, *user, after);
  return *after;
}

domain::Status set_user_password(const Caller& by, const PasswordChange& change, infra::UserStore& users,
                                 const UserSessions& sessions, infra::AuditTrail& audit) {
  if (!users.find(change.id, true)) return not_found();
  users.set_password(change.id, change.password_hash);
  end_sessions(sessions, change.id);
  audit_user(by, audit, "user.set_password", change.id, std::nullopt, std::nullopt);
  return domain::ok_status();
}

domain::Status delete_user(const Caller& by, const UserRemoval& removal, infra::UserStore& users,
                           const UserSessions& sessions, infra::AuditTrail& audit) {
  if (removal.id == by.actor.user_id)
    return Error::of(ErrorCode::conflict, "you cannot delete your own account");
  auto user = users.find(removal.id, true);
  if (!user) return not_found();
  end_sessions(sessions, removal.id);
  users.remove(removal.id);
  audit_user(by, audit, "user.delete", removal.id, user, std::nullopt);
  return domain::ok_status();
}

domain::Result<bool> get_email_alerts(const Caller& by, infra::UserStore& users) {
  auto enabled = users.email_alerts(by.actor.user_id);
  if (!enabled) return Error::of(ErrorCode::unauthenticated, "the account no longer exists");
  return *enabled;
}

domain::Result<bool> set_email_alerts(const Caller& by, bool enabled, infra::UserStore& users,
                                      infra::AuditTrail& audit) {
  const auto id = by.actor.user_id;
  auto before = users.email_alerts(id);
  if (!before) return Error::of(ErrorCode::unauthenticated, "the account no longer exists");
  users.set_email_alerts(id, enabled);
  record_change(by, audit, "user.notifications", "user", id, json{{"email_alerts", *before}},
                json{{"email_alerts", enabled}});
  return enabled;
}

domain::Result<UserRecord> activate_registration(const Caller& by, const RegistrationDecision& decision,
                                                 const AccountLinks& links, infra::UserStore& users,
                                                 infra::LocationLookup& locations,
                                                 infra::AccountMailbox& mailbox, infra::Outbox& outbox,
                                                 infra::AuditTrail& audit) {
  auto user = lock_pending(users, decision.id);
  if (!user) return user.error();
  if (!user->email_verified)
    return Error::of(ErrorCode::conflict, "the account's email address is not confirmed yet");
  if (auto refused = location_refusal(locations, decision.role, decision.location_id)) return *refused;
  users.activate(decision.id, decision.role, decision.location_id);
  auto after = users.find(decision.id, false);
  const auto role = std::string(domain::to_string(decision.role));
  std::string place;
  if (auto l = decision.location_id ? locations.find(*decision.location_id) : std::nullopt)
    place = l->code + " (" + l->name + ")";
  queue_mail(mailbox, *after, "activated",
             domain::render_activated_email({after->username, links.dashboard_url, "", 0, role, place}));
  outbox.append({"account.activated",
                 {{"user_id", decision.id}, {"role", role}, {"location_id", or_null(decision.location_id)}},
                 by.request_id,
                 by.actor.user_id});
  audit_user(by, audit, "user.activate_registration", decision.id, *user, after);
  return *after;
}

domain::Status reject_registration(const Caller& by, const UserRemoval& removal, const AccountLinks& links,
                                   infra::UserStore& users, infra::AccountMailbox& mailbox,
                                   infra::Outbox& outbox, infra::AuditTrail& audit) {
  auto user = lock_pending(users, removal.id);
  if (!user) return user.error();
  queue_mail(mailbox, *user, "rejected",
             domain::render_rejected_email({user->username, links.dashboard_url, "", 0, "", ""}));
  outbox.append({"account.rejected", {{"user_id", removal.id}}, by.request_id, by.actor.user_id});
  audit_user(by, audit, "user.reject_registration", removal.id, *user, std::nullopt);
  users.remove(removal.id);
  return domain::ok_status();
}

}  // namespace ims::api
