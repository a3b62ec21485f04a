// The account use cases over fake stores: signing in with a password, refresh-token families and
// signing out; the users an admin manages and the sessions a change ends; sign-ups, their
// confirmation and activation; the shop-floor PIN and the terminals of a location.
#include <gtest/gtest.h>

#include <stdexcept>

#include "ims/api/use_cases/accounts.hpp"
#include "ims/api/use_cases/auth.hpp"
#include "ims/api/use_cases/users.hpp"
#include "ims/infra/crypto.hpp"
#include "fake_account_stores.hpp"
#include "fake_stores.hpp"

namespace ims::api {
namespace {

using domain::ErrorCode;
using domain::LocationKind;
using domain::Role;
using infra::sha256_hex;
using nlohmann::json;
using test::fake_hash;

constexpr const char* password = "correct horse battery";  // every added user's
constexpr const char* bad_credentials = "invalid username or password";
constexpr const char* bad_refresh = "invalid or expired refresh token";
constexpr const char* bad_pin = "invalid location, username or PIN";

// Every store and port the account use cases take; empty but for what a test adds.
struct Accounts {
  test::FakeUserStore users;
  test::FakeLocationLookup locations;
  test::FakeRefreshTokenStore refresh_tokens;
  test::FakeEmailVerificationStore verifications;
  test::FakeTerminalStore terminals;
  test::FakeAccountMailbox mailbox;
  test::FakeOutbox outbox;
  test::FakeAuditTrail audit;
  test::FakeCredentials credentials;
  test::FakeAccessRevocation access;
  SessionSettings settings{3600};
  AccountLinks links{"https://ims.example/"};

  UserSessions sessions() { return {refresh_tokens, access}; }
  Caller as(std::int64_t user_id, const std::string& request_id = "req-1") const {
    const auto& u = users.rows.at(user_id);
    return {{u.id, u.role, u.location_id}, request_id};
  }
  domain::Result<Session> login(const std::string& username, const std::string& secret) {
    return log_in({"req-login"}, {username, secret}, settings, users, refresh_tokens, audit, credentials);
  }
  domain::Result<Refreshed> refresh(const std::string& token) {
    return refresh_session(token, settings, users, refresh_tokens, credentials);
  }
  const test::FakeRefreshTokenStore::Row& token_row(const std::string& token) const {
    const auto* row = refresh_tokens.by_hash(sha256_hex(token));
    if (!row) throw std::runtime_error("no refresh token " + token);
    return *row;
  }
  std::vector<std::string> actions() const {
    std::vector<std::string> out;
    for (const auto& e : audit.entries) out.push_back(e.action);
    return out;
  }
  // A sign-up waiting for activation, its address not confirmed yet.
  std::int64_t pending(const std::string& username = "new.one") {
    return *users.insert_pending({username, username + "@example.com", fake_hash(password), Role::retailer,
                                  std::nullopt, std::nullopt});
  }
  domain::Result<Registered> sign_up(const infra::NewRegistration& row,
                                     std::optional<std::string> location_code = std::nullopt) {
    return register_account({"req-9"}, {row, std::move(location_code)}, {"https://ims.example/", 48 * 3600},
                            users, locations, verifications, mailbox, outbox, audit, credentials);
  }
  domain::Result<PinSignIn> pin(const PinAttempt& attempt, const PinRules& rules = {}) {
    return sign_in_with_pin({"req-pin"}, attempt, rules, users, locations, terminals, audit, credentials);
  }
};

infra::NewRegistration new_one(const std::string& username = "new.one", const std::string& email = "") {
  return {username,
          email.empty() ? username + "@example.com" : email,
          fake_hash(password),
          Role::retailer,
          std::nullopt,
          std::string("near the station")};
}

// ---------------------------------------------------------------- log_in

TEST(AuthUseCases, AWrongPasswordAnUnknownUserAndAnInactiveAccountAreRefusedAlike) {
  Accounts a;
  a.users.add("ravi", Role::admin, std::nullopt);
  const auto old = a.users.add("old.hand", Role::admin, std::nullopt);
  a.users.rows.at(old).is_active = false;

  auto wrong = a.login("ravi", "not the password");
  auto unknown = a.login("nobody", password);
  auto inactive = a.login("old.hand", password);
  for (const auto* refused : {&wrong, &unknown, &inactive}) {
    ASSERT_FALSE(refused->ok());
    EXPECT_EQ(refused->error().code, ErrorCode::unauthenticated);
    EXPECT_EQ(refused->error().message, bad_credentials);
  }
  EXPECT_TRUE(a.refresh_tokens.rows.empty());
  EXPECT_TRUE(a.audit.entries.empty());
  EXPECT_TRUE(a.credentials.claims_issued.empty());
}

TEST(AuthUseCases, AnUnknownUserCostsADummyCheckAndAKnownOneARealOne) {
  Accounts a;
  const auto old = a.users.add("old.hand", Role::admin, std::nullopt);
  a.users.rows.at(old).is_active = false;
  (void)a.login("nobody", password);
  EXPECT_EQ(a.credentials.dummy_verifies, 1);
  EXPECT_EQ(a.credentials.verifies, 0);
  (void)a.login("old.hand", password);
  EXPECT_EQ(a.credentials.verifies, 1) << "an inactive account's password is still checked";
  EXPECT_EQ(a.credentials.dummy_verifies, 1);
}

TEST(AuthUseCases, ALoginIssuesARefreshTokenKeptOnlyAsItsHashInANewFamilyAndIsAudited) {
  Accounts a;
  const auto store = a.locations.add("RET-1", "Retail one", LocationKind::retail);
  const auto id = a.users.add("ravi", Role::retailer, store);
  auto s = a.login("ravi", password);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->user.id, id);
  EXPECT_EQ(s->access_token, "access-1");
  EXPECT_EQ(s->refresh_token, "tok-1");
  EXPECT_EQ(s->expires_in, 900);

  ASSERT_EQ(a.refresh_tokens.rows.size(), 1u);
  const auto row = a.refresh_tokens.rows[0];  // a copy: the next login grows the rows
  EXPECT_EQ(row.token_hash, sha256_hex("tok-1"));
  EXPECT_NE(row.token_hash, "tok-1");
  EXPECT_EQ(row.record.user_id, id);
  EXPECT_EQ(row.ttl_seconds, 3600);

  ASSERT_EQ(a.credentials.claims_issued.size(), 1u);
  const auto& claims = a.credentials.claims_issued[0];
  EXPECT_EQ(claims.user_id, id);
  EXPECT_EQ(claims.role, Role::retailer);
  EXPECT_EQ(claims.location_id, store);
  EXPECT_FALSE(claims.shop_floor);

  ASSERT_EQ(a.audit.entries.size(), 1u);
  const auto& entry = a.audit.entries[0];
  EXPECT_EQ(entry.action, "auth.login");
  EXPECT_EQ(entry.actor_id, id);
  EXPECT_EQ(entry.entity, "user");
  EXPECT_EQ(entry.entity_id, std::to_string(id));
  EXPECT_EQ(entry.request_id, "req-login");

  const auto body = session_json(*s);
  EXPECT_EQ(body["token_type"], "Bearer");
  EXPECT_EQ(body["refresh_token"], "tok-1");
  EXPECT_EQ(body["user"]["username"], "ravi");
  EXPECT_EQ(body["user"]["role"], "retailer");
  EXPECT_EQ(body["user"]["location_id"], store);

  ASSERT_TRUE(a.login("ravi", password).ok());
  ASSERT_EQ(a.refresh_tokens.rows.size(), 2u);
  EXPECT_NE(a.refresh_tokens.rows[1].record.family_id, row.record.family_id) << "one family per login";
}

// ---------------------------------------------------------------- refresh_session

TEST(AuthUseCases, ARefreshSpendsItsTokenAndIssuesTheNextInTheSameFamily) {
  Accounts a;
  const auto id = a.users.add("ravi", Role::admin, std::nullopt);
  auto first = a.login("ravi", password);
  ASSERT_TRUE(first.ok());
  auto next = a.refresh(first->refresh_token);
  ASSERT_TRUE(next.ok());
  EXPECT_FALSE(next->refused.has_value());
  EXPECT_EQ(next->session.user.id, id);
  EXPECT_EQ(next->session.refresh_token, "tok-2");
  EXPECT_EQ(next->session.access_token, "access-2");
  EXPECT_TRUE(a.token_row("tok-1").record.spent);
  EXPECT_FALSE(a.token_row("tok-2").record.spent);
  EXPECT_EQ(a.token_row("tok-2").record.family_id, a.token_row("tok-1").record.family_id);

  auto third = a.refresh("tok-2");
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->session.refresh_token, "tok-3");
  EXPECT_EQ(a.token_row("tok-3").record.family_id, a.token_row("tok-1").record.family_id);
  EXPECT_TRUE(a.refresh_tokens.revoked_families.empty());
}

TEST(AuthUseCases, ASpentTokenShownAgainRevokesItsFamilyAndTheRefusalIsASuccess) {
  Accounts a;
  a.users.add("ravi", Role::admin, std::nullopt);
  ASSERT_TRUE(a.login("ravi", password).ok());  // tok-1, this device
  ASSERT_TRUE(a.login("ravi", password).ok());  // tok-2, another device
  ASSERT_TRUE(a.refresh("tok-1").ok());         // tok-3 replaces tok-1

  auto replay = a.refresh("tok-1");
  ASSERT_TRUE(replay.ok()) << "the revocation must commit";
  ASSERT_TRUE(replay->refused.has_value());
  EXPECT_EQ(replay->refused->code, ErrorCode::unauthenticated);
  EXPECT_NE(replay->refused->message.find("already used"), std::string::npos);
  EXPECT_TRUE(replay->session.refresh_token.empty());
  EXPECT_TRUE(replay->session.access_token.empty());
  EXPECT_EQ(a.refresh_tokens.rows.size(), 3u) << "nothing issued";

  const auto family = a.token_row("tok-1").record.family_id;
  EXPECT_EQ(a.refresh_tokens.revoked_families, std::vector<std::string>{family});
  EXPECT_TRUE(a.token_row("tok-3").record.revoked);
  EXPECT_FALSE(a.token_row("tok-2").record.revoked) << "another login's family stays";

  auto successor = a.refresh("tok-3");
  ASSERT_FALSE(successor.ok());
  EXPECT_EQ(successor.error().code, ErrorCode::unauthenticated);
  EXPECT_EQ(successor.error().message, bad_refresh);
  EXPECT_TRUE(a.refresh("tok-2").ok());
}

TEST(AuthUseCases, AnUnknownRevokedOrExpiredRefreshTokenIsRefusedAndNothingIsSpent) {
  Accounts a;
  a.users.add("ravi", Role::admin, std::nullopt);
  ASSERT_TRUE(a.login("ravi", password).ok());  // tok-1
  ASSERT_TRUE(a.login("ravi", password).ok());  // tok-2
  a.refresh_tokens.expire(sha256_hex("tok-1"));
  a.refresh_tokens.revoke_family(a.token_row("tok-2").record.family_id);

  for (const char* token : {"tok-1", "tok-2", "tok-99", ""}) {
    auto refused = a.refresh(token);
    ASSERT_FALSE(refused.ok()) << token;
    EXPECT_EQ(refused.error().code, ErrorCode::unauthenticated) << token;
    EXPECT_EQ(refused.error().message, bad_refresh) << token;
  }
  EXPECT_FALSE(a.token_row("tok-1").record.spent);
  EXPECT_FALSE(a.token_row("tok-2").record.spent);
  EXPECT_EQ(a.refresh_tokens.rows.size(), 2u);
  EXPECT_EQ(a.refresh_tokens.revoked_families.size(), 1u) << "only the test's own revocation";
}

TEST(AuthUseCases, ARefreshForAUserGoneOrInactiveIsRefusedAndSpendsNothing) {
  Accounts a;
  const auto ravi = a.users.add("ravi", Role::admin, std::nullopt);
  const auto mira = a.users.add("mira", Role::admin, std::nullopt);
  ASSERT_TRUE(a.login("ravi", password).ok());  // tok-1
  ASSERT_TRUE(a.login("mira", password).ok());  // tok-2
  a.users.rows.at(ravi).is_active = false;
  a.users.rows.erase(mira);
  for (const char* token : {"tok-1", "tok-2"}) {
    auto refused = a.refresh(token);
    ASSERT_FALSE(refused.ok()) << token;
    EXPECT_EQ(refused.error().message, bad_refresh);
  }
  EXPECT_FALSE(a.token_row("tok-1").record.spent);
  EXPECT_FALSE(a.token_row("tok-2").record.spent);
  EXPECT_EQ(a.refresh_tokens.rows.size(), 2u);
}

// ---------------------------------------------------------------- log_out

TEST(AuthUseCases, LogoutDeniesTheAccessTokenAndRevokesTheCallersOwnFamily) {
  Accounts a;
  const auto ravi = a.users.add("ravi", Role::admin, std::nullopt);
  auto here = a.login("ravi", password);        // tok-1
  ASSERT_TRUE(a.login("ravi", password).ok());  // tok-2, another device
  ASSERT_TRUE(here.ok());
  auto out = log_out(a.as(ravi), {"jti-1", 1'700'000'900, here->refresh_token}, a.refresh_tokens, a.access);
  ASSERT_TRUE(out.ok());
  ASSERT_EQ(a.access.denied.size(), 1u);
  EXPECT_EQ(a.access.denied[0], (std::pair<std::string, std::int64_t>{"jti-1", 1'700'000'900}));
  EXPECT_EQ(a.refresh_tokens.revoked_families,
            std::vector<std::string>{a.token_row("tok-1").record.family_id});
  EXPECT_TRUE(a.token_row("tok-1").record.revoked);
  EXPECT_FALSE(a.token_row("tok-2").record.revoked);
  EXPECT_TRUE(a.access.revoked_users.empty()) << "the other device's access token stays valid";
}

TEST(AuthUseCases, LogoutWithSomeoneElsesOrAnUnknownRefreshTokenRevokesNoFamily) {
  Accounts a;
  const auto ravi = a.users.add("ravi", Role::admin, std::nullopt);
  a.users.add("mira", Role::admin, std::nullopt);
  ASSERT_TRUE(a.login("mira", password).ok());  // tok-1, mira's
  ASSERT_TRUE(log_out(a.as(ravi), {"jti-a", 1, std::string("tok-1")}, a.refresh_tokens, a.access).ok());
  ASSERT_TRUE(log_out(a.as(ravi), {"jti-b", 2, std::string("tok-99")}, a.refresh_tokens, a.access).ok());
  ASSERT_TRUE(log_out(a.as(ravi), {"jti-c", 3, std::nullopt}, a.refresh_tokens, a.access).ok());
  EXPECT_EQ(a.access.denied.size(), 3u) << "the access token is denied whatever the refresh token";
  EXPECT_TRUE(a.refresh_tokens.revoked_families.empty());
  EXPECT_FALSE(a.token_row("tok-1").record.revoked);
}

// ---------------------------------------------------------------- who_am_i

TEST(AuthUseCases, WhoAmIShowsTheUserAndLocationAndRefusesAnInactiveOrGoneAccount) {
  Accounts a;
  const auto store = a.locations.add("RET-1", "Retail one", LocationKind::retail);
  const auto ravi = a.users.add("ravi", Role::retailer, store);
  const auto caller = a.as(ravi);
  auto me = who_am_i(caller, a.users, a.locations);
  ASSERT_TRUE(me.ok());
  EXPECT_EQ(me->user.username, "ravi");
  ASSERT_TRUE(me->location.has_value());
  EXPECT_EQ(me->location->code, "RET-1");
  const auto body = me_json(*me, true);
  EXPECT_EQ(body["shop_floor"], true);
  EXPECT_EQ(body["location"]["code"], "RET-1");
  EXPECT_EQ(body["location"]["kind"], "retail");
  EXPECT_FALSE(body.contains("password_hash"));

  a.users.rows.at(ravi).is_active = false;
  auto inactive = who_am_i(caller, a.users, a.locations);
  ASSERT_FALSE(inactive.ok());
  EXPECT_EQ(inactive.error().code, ErrorCode::unauthenticated);
  a.users.rows.erase(ravi);
  auto gone = who_am_i(caller, a.users, a.locations);
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code, ErrorCode::unauthenticated);
}

// ---------------------------------------------------------------- users

TEST(UserUseCases, CreateRefusesATakenUsernameWith409AndWritesNothing) {
  Accounts a;
  const auto admin = a.users.add("admin", Role::admin, std::nullopt);
  auto taken = create_user(a.as(admin), {"admin", "other@example.com", fake_hash(password), Role::admin, {}},
                           a.users, a.locations, a.audit);
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.error().code, ErrorCode::conflict);
  EXPECT_EQ(taken.error().message, "username is taken");
  ASSERT_EQ(taken.error().fields.size(), 1u);
  EXPECT_EQ(taken.error().fields[0], (domain::FieldError{"username", "is taken"}));
  EXPECT_EQ(a.users.rows.size(), 1u);
  EXPECT_TRUE(a.audit.entries.empty());
}

TEST(UserUseCases, CreateRefusesALocationThatDoesNotSuitTheRole) {
  Accounts a;
  const auto admin = a.users.add("admin", Role::admin, std::nullopt);
  const auto factory = a.locations.add("FAC-1", "Factory", LocationKind::factory);
  auto refusal = [&](std::optional<std::int64_t> location) {
    auto r =
        create_user(a.as(admin), {"ravi", "ravi@example.com", fake_hash(password), Role::retailer, location},
                    a.users, a.locations, a.audit);
    EXPECT_FALSE(r.ok());
    if (r.ok()) return domain::FieldError{};
    EXPECT_EQ(r.error().code, ErrorCode::validation);
    return r.error().fields.at(0);
  };
  EXPECT_EQ(refusal(factory),
            (domain::FieldError{"location_id", "must be a retail location for role retailer"}));
  EXPECT_EQ(refusal(std::nullopt), (domain::FieldError{"location_id", "is required for role retailer"}));
  EXPECT_EQ(refusal(99), (domain::FieldError{"location_id", "does not exist"}));
  EXPECT_EQ(a.users.rows.size(), 1u);
  EXPECT_TRUE(a.audit.entries.empty());
}

TEST(UserUseCases, CreateAuditsTheNewUserWithoutItsPasswordHash) {
  Accounts a;
  const auto admin = a.users.add("admin", Role::admin, std::nullopt);
  const auto store = a.locations.add("RET-1", "Retail one", LocationKind::retail);
  auto created =
      create_user(a.as(admin, "req-7"),
                  {"ravi", "ravi@example.com", fake_hash("a secret password"), Role::retailer, store},
                  a.users, a.locations, a.audit);
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created->username, "ravi");
  EXPECT_EQ(created->location_id, store);
  EXPECT_EQ(a.users.rows.size(), 2u);
  ASSERT_EQ(a.audit.entries.size(), 1u);
  const auto& entry = a.audit.entries[0];
  EXPECT_EQ(entry.action, "user.create");
  EXPECT_EQ(entry.actor_id, admin);
  EXPECT_EQ(entry.entity_id, std::to_string(created->id));
  EXPECT_EQ(entry.request_id, "req-7");
  EXPECT_FALSE(entry.before.has_value());
  ASSERT_TRUE(entry.after.has_value());
  const auto after = json::parse(*entry.after);
  EXPECT_EQ(after["username"], "ravi");
  EXPECT_EQ(after["role"], "retailer");
  EXPECT_FALSE(after.contains("password_hash"));
  EXPECT_EQ(entry.after->find("a secret password"), std::string::npos);
}

TEST(UserUseCases, DeactivatingAUserEndsEverySessionOfTheirsAndNoOneElses) {
  Accounts a;
  const auto admin = a.users.add("admin", Role::admin, std::nullopt);
  const auto ravi = a.users.add("ravi", Role::admin, std::nullopt);
  ASSERT_TRUE(a.login("ravi", password).ok());   // tok-1
  ASSERT_TRUE(a.login("ravi", password).ok());   // tok-2
  ASSERT_TRUE(a.login("admin", password).ok());  // tok-3
  a.audit.entries.clear();

  auto off = set_user_status(a.as(admin), {ravi, std::nullopt, false}, a.users, a.sessions(), a.audit);
  ASSERT_TRUE(off.ok());
  EXPECT_FALSE(off->is_active);
  EXPECT_EQ(off->version, 2);
  EXPECT_EQ(a.access.revoked_users, std::vector<std::int64_t>{ravi});
  EXPECT_EQ(a.refresh_tokens.revoked_users, std::vector<std::int64_t>{ravi});
  EXPECT_TRUE(a.token_row("tok-1").record.revoked);
  EXPECT_TRUE(a.token_row("tok-2").record.revoked);
  EXPECT_FALSE(a.token_row("tok-3").record.revoked);
  EXPECT_EQ(a.actions(), std::vector<std::string>{"user.deactivate"});
  EXPECT_FALSE(a.refresh("tok-2").ok());
  EXPECT_FALSE(a.login("ravi", password).ok());
}

TEST(UserUseCases, NobodyDeactivatesThemselvesAndReactivationEndsNoSession) {
  Accounts a;
  const auto admin = a.users.add("admin", Role::admin, std::nullopt);
  const auto ravi = a.users.add("ravi", Role::admin, std::nullopt);
  auto self = set_user_status(a.as(admin), {admin, std::nullopt, false}, a.users, a.sessions(), a.audit);
  ASSERT_FALSE(self.ok());
  EXPECT_EQ(self.error().code, ErrorCode::conflict);
  EXPECT_TRUE(a.users.rows.at(admin).is_active);
  EXPECT_TRUE(a.audit.entries.empty());

  a.users.rows.at(ravi).is_active = false;
  auto on = set_user_status(a.as(admin), {ravi, std::nullopt, true}, a.users, a.sessions(), a.audit);
  ASSERT_TRUE(on.ok());
  EXPECT_TRUE(on->is_active);
  EXPECT_EQ(a.actions(), std::vector<std::string>{"user.activate"});
  EXPECT_TRUE(a.access.revoked_users.empty());
  EXPECT_TRUE(a.refresh_tokens.revoked_users.empty());
}

TEST(UserUseCases, AStatusChangeRefusesAStaleVersionAWaitingSignUpAndAnUnknownUser) {
  Accounts a;
  const auto admin = a.users.add("admin", Role::admin, std::nullopt);
  const auto ravi = a.users.add("ravi", Role::admin, std::nullopt);
  const auto waiting = a.pending();
  auto stale = set_user_status(a.as(admin), {ravi, std::string("7"), false}, a.users, a.sessions(), a.audit);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::precondition_failed);
  EXPECT_NE(stale.error().message.find("version 1"), std::string::npos);
  auto early = set_user_status(a.as(admin), {waiting, std::nullopt, true}, a.users, a.sessions(), a.audit);
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().code, ErrorCode::conflict) << "a sign-up is decided through its activation";
  auto unknown = set_user_status(a.as(admin), {99, std::nullopt, false}, a.users, a.sessions(), a.audit);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::not_found);

  EXPECT_TRUE(a.users.rows.at(ravi).is_active);
  EXPECT_FALSE(a.users.rows.at(waiting).is_active);
  EXPECT_EQ(a.users.rows.at(waiting).status, "pending_activation");
  EXPECT_TRUE(a.access.revoked_users.empty());
  EXPECT_TRUE(a.audit.entries.empty());
}

TEST(UserUseCases, AProfileChangeEndsSessionsOnlyWhenTheRoleOrLocationChanges) {
  Accounts a;
  const auto admin = a.users.add("admin", Role::admin, std::nullopt);
  const auto one = a.locations.add("RET-1", "Retail one", LocationKind::retail);
  const auto two = a.locations.add("RET-2", "Retail two", LocationKind::retail);
  const auto ravi = a.users.add("ravi", Role::retailer, one);

  auto email = update_user(a.as(admin), {ravi, std::nullopt, std::string("ravi@shop.example"), {}, {}, false},
                           a.users, a.locations, a.sessions(), a.audit);
  ASSERT_TRUE(email.ok());
  EXPECT_EQ(email->email, "ravi@shop.example");
  EXPECT_EQ(email->version, 2);
  EXPECT_TRUE(a.access.revoked_users.empty()) << "tokens do not carry the email";

  auto moved = update_user(a.as(admin), {ravi, std::string("2"), {}, {}, two, false}, a.users, a.locations,
                           a.sessions(), a.audit);
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(moved->location_id, two);
  EXPECT_EQ(a.access.revoked_users, std::vector<std::int64_t>{ravi});
  EXPECT_EQ(a.refresh_tokens.revoked_users, std::vector<std::int64_t>{ravi});
  EXPECT_EQ(a.actions(), (std::vector<std::string>{"user.update", "user.update"}));
  EXPECT_EQ(json::parse(*a.audit.entries[1].before)["location_id"], one);
  EXPECT_EQ(json::parse(*a.audit.entries[1].after)["location_id"], two);

  auto cleared = update_user(a.as(admin), {ravi, std::nullopt, {}, {}, {}, true}, a.users, a.locations,
                             a.sessions(), a.audit);
  ASSERT_FALSE(cleared.ok()) << "a retailer needs a location";
  EXPECT_EQ(cleared.error().fields.at(0).field, "location_id");
  EXPECT_EQ(a.users.rows.at(ravi).location_id, two);
}

TEST(UserUseCases, AnAdminCannotRemoveTheirOwnAdminRoleButAnotherAdminCan) {
  Accounts a;
  const auto admin = a.users.add("admin", Role::admin, std::nullopt);
  const auto other = a.users.add("other.admin", Role::admin, std::nullopt);
  auto own = update_user(a.as(admin), {admin, std::nullopt, {}, Role::manufacturer, {}, false}, a.users,
                         a.locations, a.sessions(), a.audit);
  ASSERT_FALSE(own.ok());
  EXPECT_EQ(own.error().code, ErrorCode::conflict);
  EXPECT_EQ(a.users.rows.at(admin).role, Role::admin);
  EXPECT_TRUE(a.access.revoked_users.empty());

  auto by_other = update_user(a.as(other), {admin, std::nullopt, {}, Role::manufacturer, {}, false}, a.users,
                              a.locations, a.sessions(), a.audit);
  ASSERT_TRUE(by_other.ok());
  EXPECT_EQ(by_other->role, Role::manufacturer);
  EXPECT_EQ(a.access.revoked_users, std::vector<std::int64_t>{admin});
}

TEST(UserUseCases, ANewPasswordEndsTheSessionsAndStaysOutOfTheAuditTrail) {
  Accounts a;
  const auto admin = a.users.add("admin", Role::admin, std::nullopt);
  const auto ravi = a.users.add("ravi", Role::admin, std::nullopt);
  ASSERT_TRUE(a.login("ravi", password).ok());  // tok-1
  a.audit.entries.clear();
  auto set = set_user_password(a.as(admin), {ravi, fake_hash("a brand new password")}, a.users, a.sessions(),
                               a.audit);
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(a.access.revoked_users, std::vector<std::int64_t>{ravi});
  EXPECT_TRUE(a.token_row("tok-1").record.revoked);
  ASSERT_EQ(a.audit.entries.size(), 1u);
  EXPECT_EQ(a.audit.entries[0].action, "user.set_password");
  EXPECT_FALSE(a.audit.entries[0].before.has_value());
  EXPECT_FALSE(a.audit.entries[0].after.has_value());
  EXPECT_FALSE(a.login("ravi", password).ok());
  EXPECT_TRUE(a.login("ravi", "a brand new password").ok());

  auto unknown = set_user_password(a.as(admin), {99, fake_hash("x")}, a.users, a.sessions(), a.audit);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::not_found);
  EXPECT_EQ(a.access.revoked_users.size(), 1u);
}

TEST(UserUseCases, DeletingAUserEndsTheirSessionsButNobodyDeletesThemselves) {
  Accounts a;
  const auto admin = a.users.add("admin", Role::admin, std::nullopt);
  const auto ravi = a.users.add("ravi", Role::admin, std::nullopt);
  auto self = delete_user(a.as(admin), {admin}, a.users, a.sessions(), a.audit);
  ASSERT_FALSE(self.ok());
  EXPECT_EQ(self.error().code, ErrorCode::conflict);
  EXPECT_TRUE(a.users.rows.count(admin));

  ASSERT_TRUE(delete_user(a.as(admin), {ravi}, a.users, a.sessions(), a.audit).ok());
  EXPECT_FALSE(a.users.rows.count(ravi));
  EXPECT_EQ(a.access.revoked_users, std::vector<std::int64_t>{ravi});
  EXPECT_EQ(a.refresh_tokens.revoked_users, std::vector<std::int64_t>{ravi});
  ASSERT_EQ(a.audit.entries.size(), 1u);
  EXPECT_EQ(a.audit.entries[0].action, "user.delete");
  EXPECT_EQ(json::parse(*a.audit.entries[0].before)["username"], "ravi");
  EXPECT_FALSE(a.audit.entries[0].after.has_value());

  auto again = delete_user(a.as(admin), {ravi}, a.users, a.sessions(), a.audit);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::not_found);
}

TEST(UserUseCases, EmailAlertsAreTheCallersOwnAndA401OnceTheAccountIsGone) {
  Accounts a;
  const auto ravi = a.users.add("ravi", Role::admin, std::nullopt);
  EXPECT_TRUE(*get_email_alerts(a.as(ravi), a.users));
  auto off = set_email_alerts(a.as(ravi), false, a.users, a.audit);
  ASSERT_TRUE(off.ok());
  EXPECT_FALSE(*off);
  EXPECT_FALSE(*get_email_alerts(a.as(ravi), a.users));
  ASSERT_EQ(a.audit.entries.size(), 1u);
  EXPECT_EQ(a.audit.entries[0].action, "user.notifications");
  EXPECT_EQ(json::parse(*a.audit.entries[0].before)["email_alerts"], true);
  EXPECT_EQ(json::parse(*a.audit.entries[0].after)["email_alerts"], false);

  const auto caller = a.as(ravi);
  a.users.rows.erase(ravi);
  EXPECT_EQ(get_email_alerts(caller, a.users).error().code, ErrorCode::unauthenticated);
  EXPECT_EQ(set_email_alerts(caller, true, a.users, a.audit).error().code, ErrorCode::unauthenticated);
  EXPECT_EQ(a.audit.entries.size(), 1u);
}

// ---------------------------------------------------------------- activation of sign-ups

TEST(UserUseCases, ActivationNeedsAConfirmedAddressAndALocationThatSuitsTheRole) {
  Accounts a;
  const auto admin = a.users.add("admin", Role::admin, std::nullopt);
  const auto store = a.locations.add("RET-1", "Retail one", LocationKind::retail);
  const auto factory = a.locations.add("FAC-1", "Factory", LocationKind::factory);
  const auto waiting = a.pending();
  auto activate = [&](std::optional<std::int64_t> location) {
    return activate_registration(a.as(admin, "req-5"), {waiting, Role::retailer, location}, a.links, a.users,
                                 a.locations, a.mailbox, a.outbox, a.audit);
  };

  auto unconfirmed = activate(store);
  ASSERT_FALSE(unconfirmed.ok());
  EXPECT_EQ(unconfirmed.error().code, ErrorCode::conflict);
  a.users.mark_email_verified(waiting);
  auto misplaced = activate(factory);
  ASSERT_FALSE(misplaced.ok());
  EXPECT_EQ(misplaced.error().code, ErrorCode::validation);
  EXPECT_EQ(misplaced.error().fields.at(0).field, "location_id");
  EXPECT_EQ(a.users.rows.at(waiting).status, "pending_activation");
  EXPECT_TRUE(a.mailbox.emails.empty());
  EXPECT_TRUE(a.outbox.events.empty());
  EXPECT_TRUE(a.audit.entries.empty());

  auto active = activate(store);
  ASSERT_TRUE(active.ok());
  EXPECT_EQ(active->status, "active");
  EXPECT_TRUE(active->is_active);
  EXPECT_EQ(active->role, Role::retailer);
  EXPECT_EQ(active->location_id, store);
  ASSERT_EQ(a.mailbox.emails.size(), 1u);
  const auto& mail = a.mailbox.emails[0];
  EXPECT_EQ(mail.event, "activated");
  EXPECT_EQ(mail.recipient, "new.one@example.com");
  EXPECT_EQ(mail.user_id, waiting);
  EXPECT_NE(mail.text.find("as retailer at RET-1 (Retail one)"), std::string::npos) << mail.text;
  ASSERT_EQ(a.outbox.events.size(), 1u);
  const auto& event = a.outbox.events[0];
  EXPECT_EQ(event.type, "account.activated");
  EXPECT_EQ(event.data, (json{{"user_id", waiting}, {"role", "retailer"}, {"location_id", store}}));
  EXPECT_EQ(event.correlation_id, "req-5");
  EXPECT_EQ(event.actor_id, admin);
  EXPECT_EQ(a.actions(), std::vector<std::string>{"user.activate_registration"});
  EXPECT_TRUE(a.login("new.one", password).ok()) << "the person can sign in now";
}

TEST(UserUseCases, OnlyAWaitingSignUpIsActivatedOrRejected) {
  Accounts a;
  const auto admin = a.users.add("admin", Role::admin, std::nullopt);
  const auto ravi = a.users.add("ravi", Role::admin, std::nullopt);
  auto activated = activate_registration(a.as(admin), {ravi, Role::admin, std::nullopt}, a.links, a.users,
                                         a.locations, a.mailbox, a.outbox, a.audit);
  ASSERT_FALSE(activated.ok());
  EXPECT_EQ(activated.error().code, ErrorCode::conflict);
  auto rejected = reject_registration(a.as(admin), {ravi}, a.links, a.users, a.mailbox, a.outbox, a.audit);
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.error().code, ErrorCode::conflict);
  auto unknown = reject_registration(a.as(admin), {99}, a.links, a.users, a.mailbox, a.outbox, a.audit);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::not_found);
  EXPECT_TRUE(a.users.rows.count(ravi));
  EXPECT_TRUE(a.mailbox.emails.empty());
  EXPECT_TRUE(a.outbox.events.empty());
  EXPECT_TRUE(a.audit.entries.empty());
}

TEST(UserUseCases, RejectionRemovesTheSignUpAndTellsThePerson) {
  Accounts a;
  const auto admin = a.users.add("admin", Role::admin, std::nullopt);
  const auto waiting = a.pending();
  ASSERT_TRUE(
      reject_registration(a.as(admin), {waiting}, a.links, a.users, a.mailbox, a.outbox, a.audit).ok());
  EXPECT_FALSE(a.users.rows.count(waiting));
  EXPECT_EQ(a.mailbox.events(), std::vector<std::string>{"rejected"});
  EXPECT_EQ(a.mailbox.emails[0].recipient, "new.one@example.com");
  EXPECT_EQ(a.outbox.types(), std::vector<std::string>{"account.rejected"});
  EXPECT_EQ(a.outbox.events[0].data["user_id"], waiting);
  ASSERT_EQ(a.actions(), std::vector<std::string>{"user.reject_registration"});
  EXPECT_EQ(json::parse(*a.audit.entries[0].before)["username"], "new.one");
}

// ---------------------------------------------------------------- registration and confirmation

TEST(AccountUseCases, ASignUpWaitsWithASingleUseLinkKeptOnlyAsItsHash) {
  Accounts a;
  const auto store = a.locations.add("RET-1", "Retail one", LocationKind::retail);
  auto done = a.sign_up(new_one(), "RET-1");
  ASSERT_TRUE(done.ok());
  EXPECT_FALSE(done->owners_told);
  auto user = a.users.find_by_username("new.one");
  ASSERT_TRUE(user.has_value());
  EXPECT_EQ(user->status, "pending_activation");
  EXPECT_EQ(user->requested_location_id, store) << "the code names the location asked for";

  ASSERT_EQ(a.verifications.rows.size(), 1u);
  EXPECT_EQ(a.verifications.rows[0].user_id, user->id);
  EXPECT_EQ(a.verifications.rows[0].token_hash, sha256_hex("tok-1"));
  EXPECT_EQ(a.verifications.rows[0].ttl_seconds, 48 * 3600);

  ASSERT_EQ(a.mailbox.emails.size(), 1u);
  const auto& mail = a.mailbox.emails[0];
  EXPECT_EQ(mail.event, "verify");
  EXPECT_EQ(mail.recipient, "new.one@example.com");
  EXPECT_NE(mail.text.find("https://ims.example/api/v1/auth/verify?token=tok-1"), std::string::npos)
      << mail.text;
  EXPECT_NE(mail.text.find("for 48 hours"), std::string::npos);

  ASSERT_EQ(a.outbox.events.size(), 1u);
  const auto& event = a.outbox.events[0];
  EXPECT_EQ(event.type, "account.registered");
  EXPECT_EQ(event.data["user_id"], user->id);
  EXPECT_EQ(event.data["requested_role"], "retailer");
  EXPECT_EQ(event.data["requested_location_id"], store);
  EXPECT_EQ(event.data["requested_location"], "RET-1 (Retail one)");
  EXPECT_EQ(event.correlation_id, "req-9");
  EXPECT_FALSE(event.actor_id.has_value());

  ASSERT_EQ(a.audit.entries.size(), 1u);
  EXPECT_EQ(a.audit.entries[0].action, "user.register");
  EXPECT_FALSE(a.audit.entries[0].actor_id.has_value());
  EXPECT_EQ(a.audit.entries[0].entity_id, std::to_string(user->id));
  EXPECT_EQ(a.audit.entries[0].after->find("tok-1"), std::string::npos);
}

TEST(AccountUseCases, ASignUpForATakenNameOrAddressTellsTheOwnersAndCreatesNothing) {
  Accounts a;
  a.users.add("ravi", Role::admin, std::nullopt);  // ravi@example.com
  a.users.add("mira", Role::admin, std::nullopt);  // mira@example.com

  auto same_owner = a.sign_up(new_one("ravi", "RAVI@example.com"));
  ASSERT_TRUE(same_owner.ok());
  EXPECT_TRUE(same_owner->owners_told);
  ASSERT_EQ(a.mailbox.emails.size(), 1u) << "one owner of both, told once";
  EXPECT_EQ(a.mailbox.emails[0].event, "taken");
  EXPECT_EQ(a.mailbox.emails[0].recipient, "ravi@example.com");

  auto two_owners = a.sign_up(new_one("ravi", "mira@example.com"));
  ASSERT_TRUE(two_owners.ok());
  EXPECT_TRUE(two_owners->owners_told);
  ASSERT_EQ(a.mailbox.emails.size(), 3u);
  EXPECT_EQ(a.mailbox.emails[1].recipient, "ravi@example.com");
  EXPECT_EQ(a.mailbox.emails[2].recipient, "mira@example.com");

  EXPECT_EQ(a.users.rows.size(), 2u);
  EXPECT_TRUE(a.verifications.rows.empty());
  EXPECT_TRUE(a.outbox.events.empty());
  EXPECT_TRUE(a.audit.entries.empty());
}

TEST(AccountUseCases, ASignUpNamingNoActiveLocationIs422AndALostRaceLooksLikeASuccess) {
  Accounts a;
  a.locations.add("OLD-1", "Closed shop", LocationKind::retail, false);
  for (const char* code : {"NOPE", "OLD-1"}) {
    auto refused = a.sign_up(new_one(), std::string(code));
    ASSERT_FALSE(refused.ok()) << code;
    EXPECT_EQ(refused.error().code, ErrorCode::validation);
    EXPECT_EQ(refused.error().fields.at(0).field, "location_code");
  }
  EXPECT_TRUE(a.users.rows.empty());

  a.users.lose_next_race = true;
  auto raced = a.sign_up(new_one());
  ASSERT_TRUE(raced.ok());
  EXPECT_FALSE(raced->owners_told);
  EXPECT_TRUE(a.mailbox.emails.empty());
  EXPECT_TRUE(a.verifications.rows.empty());
  EXPECT_TRUE(a.outbox.events.empty());
}

TEST(AccountUseCases, AConfirmationLinkWorksOnce) {
  Accounts a;
  ASSERT_TRUE(a.sign_up(new_one()).ok());  // tok-1
  const auto id = a.users.find_by_username("new.one")->id;
  a.audit.entries.clear();

  auto confirmed = verify_email({"req-v"}, "tok-1", a.users, a.verifications, a.audit);
  ASSERT_TRUE(confirmed.ok());
  EXPECT_EQ(*confirmed, id);
  EXPECT_TRUE(a.users.rows.at(id).email_verified);
  ASSERT_EQ(a.audit.entries.size(), 1u);
  EXPECT_EQ(a.audit.entries[0].action, "user.verify_email");
  EXPECT_EQ(a.audit.entries[0].actor_id, id);
  EXPECT_EQ(a.audit.entries[0].request_id, "req-v");

  for (const std::string& token :
       {std::string("tok-1"), std::string("tok-2"), std::string(), std::string(201, 'a')}) {
    auto refused = verify_email({"req-v"}, token, a.users, a.verifications, a.audit);
    ASSERT_FALSE(refused.ok()) << token;
    EXPECT_EQ(refused.error().code, ErrorCode::validation);
    EXPECT_EQ(refused.error().fields.at(0).field, "token");
  }
  EXPECT_EQ(a.verifications.consumes, 3) << "an empty or overlong token never reaches the store";
  EXPECT_EQ(a.audit.entries.size(), 1u);
}

// ---------------------------------------------------------------- PINs

TEST(AccountUseCases, SettingMyPinNeedsMyCurrentPasswordAndAnActiveAccount) {
  Accounts a;
  const auto ravi = a.users.add("ravi", Role::admin, std::nullopt);
  auto wrong =
      set_my_pin(a.as(ravi), {"not my password", fake_hash("4321")}, a.users, a.audit, a.credentials);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, ErrorCode::validation);
  EXPECT_EQ(wrong.error().fields.at(0).field, "password");
  EXPECT_FALSE(a.users.rows.at(ravi).pin_hash.has_value());
  EXPECT_TRUE(a.audit.entries.empty());

  ASSERT_TRUE(set_my_pin(a.as(ravi), {password, fake_hash("4321")}, a.users, a.audit, a.credentials).ok());
  EXPECT_EQ(a.users.rows.at(ravi).pin_hash, fake_hash("4321"));
  EXPECT_EQ(a.actions(), std::vector<std::string>{"user.set_pin"});

  a.users.rows.at(ravi).is_active = false;
  auto inactive = set_my_pin(a.as(ravi), {password, fake_hash("9999")}, a.users, a.audit, a.credentials);
  ASSERT_FALSE(inactive.ok());
  EXPECT_EQ(inactive.error().code, ErrorCode::unauthenticated);
  EXPECT_EQ(a.users.rows.at(ravi).pin_hash, fake_hash("4321"));
}

TEST(AccountUseCases, APinSignsInAtTheUsersOwnLocationWithAShortShopFloorToken) {
  Accounts a;
  const auto store = a.locations.add("RET-1", "Retail one", LocationKind::retail);
  const auto ravi = a.users.add("ravi", Role::retailer, store);
  a.users.rows.at(ravi).pin_hash = fake_hash("4321");
  a.users.rows.at(ravi).pin_failures = 2;

  auto s = a.pin({"RET-1", "ravi", "4321", std::nullopt}, {false, 5, 600});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->outcome, PinOutcome::success);
  EXPECT_FALSE(s->refused.has_value());
  EXPECT_EQ(s->user.id, ravi);
  EXPECT_EQ(s->access_token, "access-1");
  EXPECT_EQ(s->expires_in, 600);
  ASSERT_EQ(a.credentials.claims_issued.size(), 1u);
  const auto& claims = a.credentials.claims_issued[0];
  EXPECT_TRUE(claims.shop_floor);
  EXPECT_EQ(claims.user_id, ravi);
  EXPECT_EQ(claims.location_id, store);
  EXPECT_EQ(claims.expires_at - claims.issued_at, 600);
  EXPECT_EQ(a.users.rows.at(ravi).pin_failures, 0) << "a right PIN clears the failures";
  ASSERT_EQ(a.actions(), std::vector<std::string>{"auth.pin_login"});
  EXPECT_EQ(json::parse(*a.audit.entries[0].after), (json{{"location_id", store}, {"terminal_id", nullptr}}));
  EXPECT_TRUE(a.refresh_tokens.rows.empty()) << "a shop-floor session is never refreshed";
  const auto body = pin_session_json(*s);
  EXPECT_EQ(body["scope"], "shop_floor");
  EXPECT_EQ(body["user"]["username"], "ravi");
  EXPECT_STREQ(outcome_label(s->outcome), "success");
}

TEST(AccountUseCases, WrongPinsAreCountedAndTheLimitLocksThePin) {
  Accounts a;
  const auto admin = a.users.add("admin", Role::admin, std::nullopt);
  const auto store = a.locations.add("RET-1", "Retail one", LocationKind::retail);
  const auto ravi = a.users.add("ravi", Role::retailer, store);
  a.users.rows.at(ravi).pin_hash = fake_hash("4321");
  const PinRules rules{false, 3, 600};

  for (int failures = 1; failures <= 2; ++failures) {
    auto wrong = a.pin({"RET-1", "ravi", "1111", std::nullopt}, rules);
    ASSERT_TRUE(wrong.ok()) << "the failure must commit";
    EXPECT_EQ(wrong->outcome, PinOutcome::wrong_pin);
    ASSERT_TRUE(wrong->refused.has_value());
    EXPECT_EQ(wrong->refused->code, ErrorCode::unauthenticated);
    EXPECT_EQ(wrong->refused->message, bad_pin);
    EXPECT_TRUE(wrong->access_token.empty());
    EXPECT_EQ(a.users.rows.at(ravi).pin_failures, failures);
    EXPECT_FALSE(a.users.rows.at(ravi).pin_locked);
  }
  auto locking = a.pin({"RET-1", "ravi", "1111", std::nullopt}, rules);
  ASSERT_TRUE(locking.ok());
  EXPECT_EQ(locking->outcome, PinOutcome::locked);
  EXPECT_TRUE(a.users.rows.at(ravi).pin_locked);
  ASSERT_TRUE(locking->refused.has_value());
  EXPECT_NE(locking->refused->message.find("locked"), std::string::npos);
  EXPECT_EQ(a.actions(), (std::vector<std::string>{"auth.pin_failed", "auth.pin_failed", "auth.pin_locked"}));
  EXPECT_EQ(json::parse(*a.audit.entries[2].after)["failures"], 3);

  const auto checks = a.credentials.verifies;
  auto right_but_locked = a.pin({"RET-1", "ravi", "4321", std::nullopt}, rules);
  ASSERT_TRUE(right_but_locked.ok());
  EXPECT_EQ(right_but_locked->outcome, PinOutcome::locked);
  EXPECT_TRUE(right_but_locked->access_token.empty());
  EXPECT_EQ(a.credentials.verifies, checks) << "a locked PIN is not even checked";
  EXPECT_TRUE(a.credentials.claims_issued.empty());

  ASSERT_TRUE(reset_pin(a.as(admin), {ravi, fake_hash("2468")}, a.users, a.audit).ok());
  EXPECT_EQ(a.pin({"RET-1", "ravi", "2468", std::nullopt}, rules)->outcome, PinOutcome::success);
}

TEST(AccountUseCases, APinSignInIsRefusedAlikeWhateverIsWrongAtTheCostOfARealCheck) {
  Accounts a;
  const auto one = a.locations.add("RET-1", "Retail one", LocationKind::retail);
  const auto two = a.locations.add("RET-2", "Retail two", LocationKind::retail);
  const auto ravi = a.users.add("ravi", Role::retailer, one);
  a.users.rows.at(ravi).pin_hash = fake_hash("4321");
  a.users.add("mira", Role::retailer, one);  // no PIN
  const auto old = a.users.add("old.hand", Role::retailer, one);
  a.users.rows.at(old).pin_hash = fake_hash("4321");
  a.users.rows.at(old).is_active = false;
  const auto away = a.users.add("away", Role::retailer, two);
  a.users.rows.at(away).pin_hash = fake_hash("4321");

  const std::vector<PinAttempt> attempts{
      {"RET-9", "ravi", "4321", std::nullopt},      // no such location
      {"RET-2", "ravi", "4321", std::nullopt},      // not ravi's location
      {"RET-1", "nobody", "4321", std::nullopt},    // no such user
      {"RET-1", "mira", "4321", std::nullopt},      // no PIN
      {"RET-1", "old.hand", "4321", std::nullopt},  // inactive
      {"RET-1", "away", "4321", std::nullopt},      // another location's user
  };
  for (const auto& attempt : attempts) {
    auto refused = a.pin(attempt);
    ASSERT_TRUE(refused.ok());
    EXPECT_EQ(refused->outcome, PinOutcome::refused) << attempt.location_code << " " << attempt.username;
    ASSERT_TRUE(refused->refused.has_value());
    EXPECT_EQ(refused->refused->message, bad_pin);
  }
  EXPECT_EQ(a.credentials.dummy_verifies, 6);
  EXPECT_EQ(a.credentials.verifies, 0);

  const auto lookups = a.users.username_lookups;
  auto malformed = a.pin({"RET-1", "ravi", "43a1", std::nullopt});
  ASSERT_TRUE(malformed.ok());
  EXPECT_EQ(malformed->outcome, PinOutcome::refused);
  EXPECT_EQ(malformed->refused->message, bad_pin);
  EXPECT_EQ(a.users.username_lookups, lookups) << "a malformed PIN looks nobody up";
  EXPECT_EQ(a.credentials.dummy_verifies, 7);

  EXPECT_EQ(a.users.rows.at(ravi).pin_failures, 0);
  EXPECT_TRUE(a.audit.entries.empty());
  EXPECT_TRUE(a.credentials.claims_issued.empty());
}

// ---------------------------------------------------------------- terminals

TEST(AccountUseCases, ATerminalIsNeededWhenRequiredAndMustBeALiveOneOfTheLocation) {
  Accounts a;
  const auto admin = a.users.add("admin", Role::admin, std::nullopt);
  const auto one = a.locations.add("RET-1", "Retail one", LocationKind::retail);
  const auto two = a.locations.add("RET-2", "Retail two", LocationKind::retail);
  const auto ravi = a.users.add("ravi", Role::retailer, one);
  a.users.rows.at(ravi).pin_hash = fake_hash("4321");
  auto till = create_terminal(a.as(admin), {one, "Till 1"}, a.locations, a.terminals, a.audit, a.credentials);
  auto elsewhere =
      create_terminal(a.as(admin), {two, "Till 2"}, a.locations, a.terminals, a.audit, a.credentials);
  ASSERT_TRUE(till.ok());
  ASSERT_TRUE(elsewhere.ok());
  a.audit.entries.clear();
  const PinRules required{true, 5, 600};

  auto attempt = [&](std::optional<std::string> secret, const PinRules& rules) {
    return a.pin({"RET-1", "ravi", "4321", std::move(secret)}, rules)->outcome;
  };
  EXPECT_EQ(attempt(std::nullopt, required), PinOutcome::refused);
  EXPECT_EQ(attempt(elsewhere->secret, required), PinOutcome::refused) << "another location's terminal";
  EXPECT_EQ(attempt(std::string("tok-99"), PinRules{}), PinOutcome::refused)
      << "a secret given is checked even when none is required";
  EXPECT_EQ(a.credentials.verifies, 0);

  EXPECT_EQ(attempt(till->secret, required), PinOutcome::success);
  EXPECT_TRUE(a.terminals.rows.at(till->terminal.id).record.last_used_at.has_value());
  ASSERT_EQ(a.actions(), std::vector<std::string>{"auth.pin_login"});
  EXPECT_EQ(json::parse(*a.audit.entries[0].after)["terminal_id"], till->terminal.id);

  ASSERT_TRUE(revoke_terminal(a.as(admin), {one, till->terminal.id}, a.terminals, a.audit).ok());
  EXPECT_EQ(attempt(till->secret, required), PinOutcome::refused) << "a revoked terminal";
}

TEST(AccountUseCases, ATerminalsSecretIsShownOnceAndOnlyItsHashIsKept) {
  Accounts a;
  const auto admin = a.users.add("admin", Role::admin, std::nullopt);
  const auto store = a.locations.add("RET-1", "Retail one", LocationKind::retail);
  auto nowhere = create_terminal(a.as(admin), {99, "Till"}, a.locations, a.terminals, a.audit, a.credentials);
  ASSERT_FALSE(nowhere.ok());
  EXPECT_EQ(nowhere.error().code, ErrorCode::not_found);
  EXPECT_TRUE(a.terminals.rows.empty());

  auto created =
      create_terminal(a.as(admin), {store, "Till 1"}, a.locations, a.terminals, a.audit, a.credentials);
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created->secret, "tok-1");
  EXPECT_EQ(created->terminal.name, "Till 1");
  EXPECT_EQ(created->terminal.location_id, store);
  const auto& row = a.terminals.rows.at(created->terminal.id);
  EXPECT_EQ(row.secret_hash, sha256_hex("tok-1"));
  EXPECT_EQ(row.created_by, admin);
  ASSERT_EQ(a.actions(), std::vector<std::string>{"terminal.create"});
  EXPECT_EQ(a.audit.entries[0].after->find("tok-1"), std::string::npos);
  EXPECT_EQ(a.audit.entries[0].after->find(row.secret_hash), std::string::npos);
  EXPECT_FALSE(terminal_json(created->terminal).contains("secret"));

  auto listed = list_terminals(store, a.locations, a.terminals);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].id, created->terminal.id);
  EXPECT_EQ(list_terminals(99, a.locations, a.terminals).error().code, ErrorCode::not_found);
}

TEST(AccountUseCases, RevokingATerminalOfAnotherLocationIs404AndARevokedOneIsNotListed) {
  Accounts a;
  const auto admin = a.users.add("admin", Role::admin, std::nullopt);
  const auto one = a.locations.add("RET-1", "Retail one", LocationKind::retail);
  const auto two = a.locations.add("RET-2", "Retail two", LocationKind::retail);
  const auto id =
      create_terminal(a.as(admin), {one, "Till 1"}, a.locations, a.terminals, a.audit, a.credentials)
          ->terminal.id;
  a.audit.entries.clear();

  auto wrong_place = revoke_terminal(a.as(admin), {two, id}, a.terminals, a.audit);
  ASSERT_FALSE(wrong_place.ok());
  EXPECT_EQ(wrong_place.error().code, ErrorCode::not_found);
  EXPECT_EQ(list_terminals(one, a.locations, a.terminals)->size(), 1u);
  EXPECT_TRUE(a.audit.entries.empty());

  ASSERT_TRUE(revoke_terminal(a.as(admin), {one, id}, a.terminals, a.audit).ok());
  EXPECT_TRUE(list_terminals(one, a.locations, a.terminals)->empty());
  ASSERT_EQ(a.actions(), std::vector<std::string>{"terminal.revoke"});
  EXPECT_EQ(a.audit.entries[0].entity_id, std::to_string(id));
  EXPECT_EQ(revoke_terminal(a.as(admin), {one, id}, a.terminals, a.audit).error().code, ErrorCode::not_found);
}

}  // namespace
}  // namespace ims::api
