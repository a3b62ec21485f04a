#include "ims/api/use_cases/accounts.hpp"

#include <algorithm>

#include "ims/api/use_cases/auth.hpp"
#include "ims/api/use_cases/change_record.hpp"
#include "ims/api/use_cases/users.hpp"
#include "ims/domain/account_email.hpp"
#include "ims/domain/user_rules.hpp"
#include "ims/infra/crypto.hpp"

namespace ims::api {
namespace {

using domain::Error;
using domain::ErrorCode;
using infra::UserRecord;
using nlohmann::json;

constexpr const char* bad_pin = "invalid location, username or PIN";

std::string location_label(const infra::LocationSummary& l) {
  return l.code + " (" + l.name + ")";
}

void queue_mail(infra::AccountMailbox& mailbox, std::optional<std::int64_t> user_id, const std::string& to,
                const char* event, const domain::RenderedEmail& mail) {
  mailbox.queue({user_id, to, event, mail.subject, mail.text, mail.html});
}

// An audit row whose actor is the user themself, or nobody (a sign-up).
void audit_own(infra::AuditTrail& audit, const std::string& request_id, std::optional<std::int64_t> actor,
               const char* action, const char* entity, std::int64_t id,
               const std::optional<std::string>& after = std::nullopt) {
  audit.record({actor, action, entity, std::to_string(id), std::nullopt, after, request_id});
}

// Someone asked again for a name or address that has an account: its owner hears of it, nothing else.
void tell_owners(const RegistrationSettings& settings, infra::AccountMailbox& mailbox,
                 const std::vector<UserRecord>& owners) {
  for (std::size_t i = 0; i < owners.size(); ++i) {
    if (i == 1 && owners[1].id == owners[0].id) break;
    domain::AccountEmailFacts facts{owners[i].username, settings.dashboard_url, "", 0, "", ""};
    queue_mail(mailbox, owners[i].id, owners[i].email, "taken", domain::render_taken_email(facts));
  }
}

json registered_event_data(const Registration& r, std::int64_t id,
                           const std::optional<infra::LocationSummary>& location) {
  json data{{"user_id", id},
            {"username", r.row.username},
            {"requested_role", std::string(domain::to_string(r.row.requested_role))},
            {"requested_location_id", nullptr},
            {"requested_location", ""}};
  if (location) {
    data["requested_location_id"] = location->id;
    data["requested_location"] = location_label(*location);
  }
  return data;
}

// The pending account's verification link, its email, account.registered and the audit row.
void start_registration(const RequestFacts& from, const Registration& r, const RegistrationSettings& settings,
                        std::int64_t id, const std::optional<infra::LocationSummary>& location,
                        infra::UserStore& users, infra::EmailVerificationStore& verifications,
                        infra::AccountMailbox& mailbox, infra::Outbox& outbox, infra::AuditTrail& audit,
                        Credentials& credentials) {
  const auto token = credentials.random_token();
  verifications.create(id, infra::sha256_hex(token), settings.email_verification_ttl_s);
  std::string base = settings.dashboard_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  domain::AccountEmailFacts facts{r.row.username,
                                  settings.dashboard_url,
                                  base + "/api/v1/auth/verify?token=" + token,
                                  std::max(1, settings.email_verification_ttl_s / 3600),
                                  "",
                                  ""};
  queue_mail(mailbox, id, r.row.email, "verify", domain::render_verification_email(facts));
  outbox.append(
      {"account.registered", registered_event_data(r, id, location), from.request_id, std::nullopt});
  auto user = users.find(id, false);
  audit_own(audit, from.request_id, std::nullopt, "user.register", "user", id, user_json(*user).dump());
}

// Who the attempt names, or the outcome that ends it early (refused, locked).
struct PinCandidate {
  std::optional<PinOutcome> ended;
  infra::LocationSummary location;
  std::optional<infra::TerminalRecord> terminal;
  UserRecord user;
};

PinCandidate find_candidate(const PinAttempt& a, const PinRules& rules, infra::UserStore& users,
                            infra::LocationLookup& locations, infra::TerminalStore& terminals) {
  PinCandidate c;
  c.ended = PinOutcome::refused;
  auto location = locations.find_active_by_code(a.location_code);
  if (!location) return c;
  c.location = *location;
  if (a.terminal_secret || rules.require_terminal) {
    if (a.terminal_secret) c.terminal = terminals.use(location->id, infra::sha256_hex(*a.terminal_secret));
    if (!c.terminal) return c;
  }
  auto found = users.find_by_username(a.username);
  if (found) found = users.find(found->id, true);
  if (!found || !found->is_active || found->status != "active" || found->location_id != location->id ||
      !found->pin_hash) {
    return c;
  }
  c.user = *found;
  c.ended = c.user.pin_locked ? std::optional(PinOutcome::locked) : std::nullopt;
  return c;
}

// Checks the PIN of a candidate; a wrong one counts (and locks at the limit), a right one clears.
PinOutcome try_pin(const RequestFacts& from, const PinAttempt& a, const PinRules& rules,
                   const PinCandidate& c, infra::UserStore& users, infra::AuditTrail& audit,
                   Credentials& credentials) {
  const auto& user = c.user;
  if (!credentials.verify(*user.pin_hash, a.pin)) {
    const bool lock = domain::pin_locks_after(user.pin_failures, rules.max_failures);
    users.record_pin_failure(user.id, lock);
    audit_own(audit, from.request_id, user.id, lock ? "auth.pin_locked" : "auth.pin_failed", "user", user.id,
              json{{"location_id", c.location.id}, {"failures", user.pin_failures + 1}}.dump());
    return lock ? PinOutcome::locked : PinOutcome::wrong_pin;
  }
  users.clear_pin_failures(user.id);
  audit_own(
      audit, from.request_id, user.id, "auth.pin_login", "user", user.id,
      json{{"location_id", c.location.id}, {"terminal_id", c.terminal ? json(c.terminal->id) : json(nullptr)}}
          .dump());
  return PinOutcome::success;
}

}  // namespace

domain::Result<Registered> register_account(const RequestFacts& from, const Registration& registration,
                                            const RegistrationSettings& settings, infra::UserStore& users,
                                            infra::LocationLookup& locations,
                                            infra::EmailVerificationStore& verifications,
                                            infra::AccountMailbox& mailbox, infra::Outbox& outbox,
                                            infra::AuditTrail& audit, Credentials& credentials) {
  Registration r = registration;
  std::optional<infra::LocationSummary> location;
  if (r.location_code) {
    location = locations.find_active_by_code(*r.location_code);
    if (!location) return Error::validation({{"location_code", "does not name an active location"}});
    r.row.requested_location_id = location->id;
  }
  std::vector<UserRecord> owners;
  if (auto u = users.find_by_username(r.row.username)) owners.push_back(*u);
  if (auto u = users.find_by_email(r.row.email)) owners.push_back(*u);
  if (!owners.empty()) {
    tell_owners(settings, mailbox, owners);
    return Registered{true};
  }
  auto id = users.insert_pending(r.row);
  if (!id) return Registered{};  // a concurrent sign-up took it a moment ago: answered the same way
  start_registration(from, r, settings, *id, location, users, verifications, mailbox, outbox, audit,
                     credentials);
  return Registered{};
}

domain::Result<std::int64_t> verify_email(const RequestFacts& from, const std::string& token,
                                          infra::UserStore& users,
                                          infra::EmailVerificationStore& verifications,
                                          infra::AuditTrail& audit) {
  std::optional<std::int64_t> id;
  if (!token.empty() && token.size() <= 200) id = verifications.consume(infra::sha256_hex(token));
  if (!id) return Error::validation({{"token", "the link is invalid, was used already or has expired"}});
  users.mark_email_verified(*id);
  audit_own(audit, from.request_id, *id, "user.verify_email", "user", *id);
  return *id;
}

domain::Status set_my_pin(const Caller& by, const MyPinChange& change, infra::UserStore& users,
                          infra::AuditTrail& audit, Credentials& credentials) {
  auto user = users.find(by.actor.user_id, false);
  if (!user || !user->is_active)
    return Error::of(ErrorCode::unauthenticated, "the account no longer exists or is inactive");
  if (!credentials.verify(user->password_hash, change.password))
    return Error::validation({{"password", "is not your current password"}});
  users.set_pin(user->id, change.pin_hash);
  audit_own(audit, by.request_id, user->id, "user.set_pin", "user", user->id);
  return domain::ok_status();
}

domain::Status remove_my_pin(const Caller& by, infra::UserStore& users, infra::AuditTrail& audit) {
  users.set_pin(by.actor.user_id, std::nullopt);
  audit_own(audit, by.request_id, by.actor.user_id, "user.remove_pin", "user", by.actor.user_id);
  return domain::ok_status();
}

domain::Status reset_pin(const Caller& by, const PinReset& reset, infra::UserStore& users,
                         infra::AuditTrail& audit) {
  if (!users.find(reset.id, true)) return Error::of(ErrorCode::not_found, "no such user");
  users.set_pin(reset.id, reset.pin_hash);
  audit_own(audit, by.request_id, by.actor.user_id, "user.reset_pin", "user", reset.id);
  return domain::ok_status();
}

const char* outcome_label(PinOutcome outcome) {
  switch (outcome) {
    case PinOutcome::success:
      return "success";
    case PinOutcome::wrong_pin:
      return "wrong_pin";
    case PinOutcome::locked:
      return "locked";
    case PinOutcome::refused:
      break;
  }
  return "refused";
}

domain::Result<PinSignIn> sign_in_with_pin(const RequestFacts& from, const PinAttempt& attempt,
                                           const PinRules& rules, infra::UserStore& users,
                                           infra::LocationLookup& locations, infra::TerminalStore& terminals,
                                           infra::AuditTrail& audit, Credentials& credentials) {
  PinSignIn out;
  PinCandidate c;
  if (domain::check_pin(attempt.pin)) {
    c.ended = PinOutcome::refused;  // cannot be anyone's PIN: nobody is looked up
  } else {
    c = find_candidate(attempt, rules, users, locations, terminals);
  }
  out.outcome = c.ended ? *c.ended : try_pin(from, attempt, rules, c, users, audit, credentials);
  out.user = c.user;
  if (out.outcome == PinOutcome::refused) credentials.verify_dummy(attempt.pin);  // the same cost
  if (out.outcome == PinOutcome::locked) {
    out.refused = Error::of(ErrorCode::unauthenticated,
                            "the PIN is locked after too many wrong attempts; set a new one after signing in "
                            "with your password, or ask an administrator");
  } else if (out.outcome != PinOutcome::success) {
    out.refused = Error::of(ErrorCode::unauthenticated, bad_pin);
  } else {
    infra::AccessClaims claims{out.user.id, out.user.role, out.user.location_id, {}, 0, 0, true};
    out.access_token = credentials.access_token(claims, rules.token_ttl_s);
    out.expires_in = rules.token_ttl_s;
  }
  return out;
}

json pin_session_json(const PinSignIn& s) {
  return json{{"access_token", s.access_token},
              {"token_type", "Bearer"},
              {"expires_in", s.expires_in},
              {"scope", "shop_floor"},
              {"user", user_summary(s.user)}};
}

json terminal_json(const infra::TerminalRecord& t) {
  return json{{"id", t.id},
              {"location_id", t.location_id},
              {"name", t.name},
              {"created_at", t.created_at},
              {"last_used_at", or_null(t.last_used_at)}};
}

domain::Result<CreatedTerminal> create_terminal(const Caller& by, const NewTerminal& terminal,
                                                infra::LocationLookup& locations,
                                                infra::TerminalStore& terminals, infra::AuditTrail& audit,
                                                Credentials& credentials) {
  if (!locations.find(terminal.location_id)) return Error::of(ErrorCode::not_found, "no such location");
  CreatedTerminal out;
  out.secret = credentials.random_token();
  const auto id =
      terminals.create(terminal.location_id, terminal.name, infra::sha256_hex(out.secret), by.actor.user_id);
  out.terminal = *terminals.find(terminal.location_id, id);
  audit_own(audit, by.request_id, by.actor.user_id, "terminal.create", "terminal", id,
            terminal_json(out.terminal).dump());
  return out;
}

domain::Result<std::vector<infra::TerminalRecord>> list_terminals(std::int64_t location_id,
                                                                  infra::LocationLookup& locations,
                                                                  infra::TerminalStore& terminals) {
  if (!locations.find(location_id)) return Error::of(ErrorCode::not_found, "no such location");
  return terminals.list(location_id);
}

domain::Status revoke_terminal(const Caller& by, const TerminalRevocation& revocation,
                               infra::TerminalStore& terminals, infra::AuditTrail& audit) {
  if (!terminals.revoke(revocation.location_id, revocation.terminal_id))
    return Error::of(ErrorCode::not_found, "no such terminal");
  audit_own(audit, by.request_id, by.actor.user_id, "terminal.revoke", "terminal", revocation.terminal_id);
  return domain::ok_status();
}

}  // namespace ims::api
