#pragma once
// Accounts people ask for and the shop floor's PINs (issue 13), one use case each: sign-up and its
// address confirmation, a user's own PIN and an admin's reset of it, the PIN sign-in at a
// location, and the terminals a location registers for it. Every email is queued in the unit of
// work of its cause; the alerts worker sends it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ims/api/use_cases/caller.hpp"
#include "ims/api/use_cases/credentials.hpp"
#include "ims/domain/result.hpp"
#include "ims/infra/account_store.hpp"
#include "ims/infra/audit_store.hpp"
#include "ims/infra/event.hpp"
#include "ims/infra/user_records.hpp"

namespace ims::api {

// --- self-registration ---

struct Registration {
  infra::NewRegistration row;  // the password already hashed
  std::optional<std::string> location_code;
};

struct RegistrationSettings {
  std::string dashboard_url;  // the verification link points here
  int email_verification_ttl_s = 24 * 3600;
};

struct Registered {
  // The name or the address has an account: nothing was created, its owner was emailed.
  bool owners_told = false;
};

// 422 when the location code names no active location. Otherwise a success whatever happened, so
// the answer never tells whether a name or address is taken: a pending account with its
// verification email and account.registered, or an email to the owners of what was asked again.
domain::Result<Registered> register_account(const RequestFacts& from, const Registration& registration,
                                            const RegistrationSettings& settings, infra::UserStore& users,
                                            infra::LocationLookup& locations,
                                            infra::EmailVerificationStore& verifications,
                                            infra::AccountMailbox& mailbox, infra::Outbox& outbox,
                                            infra::AuditTrail& audit, Credentials& credentials);
// Spends the link's token and marks the address confirmed: the user, or 422 (token).
domain::Result<std::int64_t> verify_email(const RequestFacts& from, const std::string& token,
                                          infra::UserStore& users,
                                          infra::EmailVerificationStore& verifications,
                                          infra::AuditTrail& audit);

// --- PINs ---

struct MyPinChange {
  std::string password;  // the caller's current one
  std::string pin_hash;
};

struct PinReset {
  std::int64_t id = 0;
  std::string pin_hash;
};

// 401 when the account is gone or inactive, 422 when the password is not the caller's.
domain::Status set_my_pin(const Caller& by, const MyPinChange& change, infra::UserStore& users,
                          infra::AuditTrail& audit, Credentials& credentials);
domain::Status remove_my_pin(const Caller& by, infra::UserStore& users, infra::AuditTrail& audit);
domain::Status reset_pin(const Caller& by, const PinReset& reset, infra::UserStore& users,
                         infra::AuditTrail& audit);

struct PinAttempt {
  std::string location_code;
  std::string username;
  std::string pin;
  std::optional<std::string> terminal_secret;  // X-IMS-Terminal
};

struct PinRules {
  bool require_terminal = false;
  int max_failures = 5;  // wrong PINs in a row that lock the PIN
  int token_ttl_s = 30 * 60;
};

enum class PinOutcome { success, wrong_pin, locked, refused };
const char* outcome_label(PinOutcome outcome);  // the label of ims_pin_signins_total

struct PinSignIn {
  PinOutcome outcome = PinOutcome::refused;
  std::optional<domain::Error> refused;  // the 401 to answer unless the outcome is success
  infra::UserRecord user;                // success and locked: who signed in
  std::string access_token;              // success: a shop-floor token
  int expires_in = 0;
};

// Always a success for the unit of work: a wrong PIN's failure and the lock commit with the
// refusal, which `refused` carries. A malformed PIN, an unknown location, terminal or user, or a
// user without a PIN at that location are all refused alike, at the cost of a real check.
domain::Result<PinSignIn> sign_in_with_pin(const RequestFacts& from, const PinAttempt& attempt,
                                           const PinRules& rules, infra::UserStore& users,
                                           infra::LocationLookup& locations, infra::TerminalStore& terminals,
                                           infra::AuditTrail& audit, Credentials& credentials);
// {access_token, token_type, expires_in, scope: shop_floor, user}
nlohmann::json pin_session_json(const PinSignIn& signed_in);

// --- terminals ---

nlohmann::json terminal_json(const infra::TerminalRecord& terminal);

struct NewTerminal {
  std::int64_t location_id = 0;
  std::string name;
};

struct CreatedTerminal {
  infra::TerminalRecord terminal;
  std::string secret;  // shown once; only its hash is kept
};

struct TerminalRevocation {
  std::int64_t location_id = 0;
  std::int64_t terminal_id = 0;
};

domain::Result<CreatedTerminal> create_terminal(const Caller& by, const NewTerminal& terminal,
                                                infra::LocationLookup& locations,
                                                infra::TerminalStore& terminals, infra::AuditTrail& audit,
                                                Credentials& credentials);
domain::Result<std::vector<infra::TerminalRecord>> list_terminals(std::int64_t location_id,
                                                                  infra::LocationLookup& locations,
                                                                  infra::TerminalStore& terminals);
domain::Status revoke_terminal(const Caller& by, const TerminalRevocation& revocation,
                               infra::TerminalStore& terminals, infra::AuditTrail& audit);

}  // namespace ims::api
