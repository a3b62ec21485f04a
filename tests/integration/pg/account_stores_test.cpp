// The account stores (users, refresh tokens, email verifications, terminals, account emails) against
// the test stack's PostgreSQL, each test in a transaction that is never committed: the rows it writes
// (its own locations and users included) vanish with it, and the alerts worker's sender never sees
// the emails it queues.
#include <gtest/gtest.h>

#include <cstdlib>

#include "ims/infra/account_store.hpp"
#include "ims/infra/pg.hpp"
#include "ims/infra/session_store.hpp"
#include "ims/infra/user_records.hpp"

using namespace ims;
using domain::Role;

namespace {

std::string database_url() {
  const char* url = std::getenv("IMS_DATABASE_URL");
  return url ? url : "postgresql://ims:ims@127.0.0.1:26432/ims";
}

pqxx::connection& prepared(pqxx::connection& conn) {
  for (const auto& [name, sql] : infra::store_statements()) conn.prepare(name, sql);
  return conn;
}

constexpr const char* hash = "$argon2id$v=19$m=65536,t=3,p=4$zz$zz";

struct Rollback {
  pqxx::connection conn{database_url()};
  pqxx::work txn{prepared(conn)};  // destroyed without commit: rolled back
  infra::UnitOfWork unit{txn};
  std::int64_t factory = location("ZZ-FACTORY", "factory", std::nullopt);
  std::int64_t shop = location("ZZ-SHOP", "retail", factory);
  std::int64_t other_shop = location("ZZ-SHOP-2", "retail", factory);
  std::int64_t user = person("zz-ann", shop);
  std::int64_t other_user = person("zz-bob", other_shop);

  std::int64_t location(const std::string& code, const std::string& kind, std::optional<std::int64_t> up) {
    return txn
        .exec_params1(
            "INSERT INTO inventory.locations (code, name, kind, upstream_location_id)"
            " VALUES ($1, $1, $2, $3) RETURNING id",
            code, kind, up)[0]
        .as<std::int64_t>();
  }
  // A retailer of the location, <username>@example.test.
  std::int64_t person(const std::string& username, std::int64_t location_id) {
    return txn
        .exec_params1(
            "INSERT INTO auth.users (username, email, password_hash, role, location_id)"
            " VALUES ($1, $1 || '@example.test', $2, 'retailer', $3) RETURNING id",
            username, hash, location_id)[0]
        .as<std::int64_t>();
  }

  // The first column of the first row as text; nullopt for no row or NULL.
  template <typename... Args>
  std::optional<std::string> value(const std::string& sql, Args&&... args) {
    const auto rows = txn.exec_params(sql, std::forward<Args>(args)...);
    if (rows.empty()) return std::nullopt;
    return infra::nullable<std::string>(rows[0][0]);
  }
  bool is(const std::string& condition, const std::string& table, std::int64_t id) {
    return value("SELECT (" + condition + ")::text FROM " + table + " WHERE id = $1", id) == "true";
  }
};

}  // namespace

// --- refresh tokens ---

TEST(RefreshTokenStore, IssuesFamiliesAndFindsTheirTokens) {
  Rollback db;
  infra::PgRefreshTokenStore tokens(db.unit);
  const auto family = tokens.issue(db.user, "", "zz-hash-1", 3600);  // a new family
  EXPECT_EQ(family.size(), 36u);                                     // a uuid
  auto found = tokens.find_for_update("zz-hash-1");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->family_id, family);
  EXPECT_EQ(found->user_id, db.user);
  EXPECT_FALSE(found->expired);
  EXPECT_FALSE(found->spent);
  EXPECT_FALSE(found->revoked);
  EXPECT_FALSE(tokens.find_for_update("zz-no-such-hash"));

  EXPECT_EQ(tokens.issue(db.user, family, "zz-hash-2", 3600), family);  // the next in the family
  const auto next = tokens.find_for_update("zz-hash-2");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->family_id, family);
  EXPECT_NE(next->id, found->id);
  EXPECT_EQ(db.value("SELECT count(*)::text FROM auth.refresh_tokens WHERE family_id = $1::uuid", family),
            "2");
  EXPECT_TRUE(db.is("expires_at > now() + interval '59 minutes' AND expires_at <= now() + interval '1 hour'",
                    "auth.refresh_tokens", next->id));

  const auto another = tokens.issue(db.user, "", "zz-hash-3", 3600);
  EXPECT_NE(another, family);
}

TEST(RefreshTokenStore, SpendsATokenAndTellsAnExpiredOne) {
  Rollback db;
  infra::PgRefreshTokenStore tokens(db.unit);
  const auto family = tokens.issue(db.user, "", "zz-hash-1", 3600);
  tokens.issue(db.user, family, "zz-hash-2", 3600);
  const auto first = tokens.find_for_update("zz-hash-1");
  ASSERT_TRUE(first);
  tokens.spend(first->id);
  EXPECT_TRUE(tokens.find_for_update("zz-hash-1")->spent);
  EXPECT_FALSE(tokens.find_for_update("zz-hash-2")->spent);  // only that one
  EXPECT_FALSE(tokens.find_for_update("zz-hash-1")->revoked);

  tokens.issue(db.user, "", "zz-hash-old", -60);
  const auto old = tokens.find_for_update("zz-hash-old");
  ASSERT_TRUE(old);
  EXPECT_TRUE(old->expired);
  EXPECT_FALSE(old->spent);
  tokens.issue(db.user, "", "zz-hash-now", 0);  // expires the moment it is issued
  EXPECT_TRUE(tokens.find_for_update("zz-hash-now")->expired);
}

TEST(RefreshTokenStore, RevokesAFamilyOrEveryTokenOfAUser) {
  Rollback db;
  infra::PgRefreshTokenStore tokens(db.unit);
  const auto one = tokens.issue(db.user, "", "zz-hash-1a", 3600);
  tokens.issue(db.user, one, "zz-hash-1b", 3600);
  tokens.issue(db.user, "", "zz-hash-2a", 3600);
  tokens.issue(db.other_user, "", "zz-hash-bob", 3600);

  tokens.revoke_family(one);
  EXPECT_TRUE(tokens.find_for_update("zz-hash-1a")->revoked);
  EXPECT_TRUE(tokens.find_for_update("zz-hash-1b")->revoked);
  EXPECT_FALSE(tokens.find_for_update("zz-hash-2a")->revoked);  // the user's other session

  tokens.revoke_all_for_user(db.user);
  EXPECT_TRUE(tokens.find_for_update("zz-hash-2a")->revoked);
  EXPECT_FALSE(tokens.find_for_update("zz-hash-bob")->revoked);  // someone else's
  EXPECT_EQ(
      db.value("SELECT count(*)::text FROM auth.refresh_tokens WHERE user_id = $1 AND revoked_at IS NULL",
               db.user),
      "0");
}

// --- email verifications ---

TEST(EmailVerificationStore, ConsumesAnUnexpiredTokenOnce) {
  Rollback db;
  infra::PgEmailVerificationStore verifications(db.unit);
  verifications.create(db.user, "zz-verify-1", 3600);
  EXPECT_EQ(db.value("SELECT (used_at IS NULL AND expires_at > now())::text FROM auth.email_verifications"
                     " WHERE token_hash = 'zz-verify-1' AND user_id = $1",
                     db.user),
            "true");
  EXPECT_EQ(verifications.consume("zz-verify-1"), db.user);
  EXPECT_FALSE(verifications.consume("zz-verify-1"));  // spent
  EXPECT_EQ(db.value("SELECT (used_at IS NOT NULL)::text FROM auth.email_verifications"
                     " WHERE token_hash = 'zz-verify-1'"),
            "true");

  verifications.create(db.other_user, "zz-verify-old", -60);
  EXPECT_FALSE(verifications.consume("zz-verify-old"));  // expired
  EXPECT_EQ(db.value("SELECT (used_at IS NULL)::text FROM auth.email_verifications"
                     " WHERE token_hash = 'zz-verify-old'"),
            "true");
  EXPECT_FALSE(verifications.consume("zz-no-such-token"));

  verifications.create(db.other_user, "zz-verify-2", 60);
  EXPECT_EQ(verifications.consume("zz-verify-2"), db.other_user);
}

// --- terminals ---

TEST(TerminalStore, CreatesListsFindsAndRevokesTheTerminalsOfALocation) {
  Rollback db;
  infra::PgTerminalStore terminals(db.unit);
  const auto till = terminals.create(db.shop, "Till 1", "zz-secret-1", db.user);
  const auto back = terminals.create(db.shop, "Back office", "zz-secret-2", db.user);
  const auto elsewhere = terminals.create(db.other_shop, "Till 1", "zz-secret-3", db.other_user);
  EXPECT_EQ(db.value("SELECT created_by::text FROM auth.terminals WHERE id = $1", till),
            std::to_string(db.user));

  auto list = terminals.list(db.shop);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].id, till);  // by id
  EXPECT_EQ(list[0].location_id, db.shop);
  EXPECT_EQ(list[0].name, "Till 1");
  EXPECT_EQ(list[0].created_at.size(), 20u);  // 2026-12-03T10:00:00Z
  EXPECT_EQ(list[0].created_at.back(), 'Z');
  EXPECT_FALSE(list[0].last_used_at);
  EXPECT_EQ(list[1].id, back);
  EXPECT_EQ(list[1].name, "Back office");

  const auto found = terminals.find(db.shop, back);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->name, "Back office");
  EXPECT_FALSE(terminals.find(db.other_shop, back));  // not that location's
  EXPECT_EQ(terminals.find(db.other_shop, elsewhere)->location_id, db.other_shop);

  EXPECT_FALSE(terminals.revoke(db.other_shop, till));  // not that location's
  EXPECT_TRUE(terminals.revoke(db.shop, till));
  EXPECT_FALSE(terminals.revoke(db.shop, till));  // already revoked
  EXPECT_TRUE(db.is("revoked_at IS NOT NULL", "auth.terminals", till));
  EXPECT_FALSE(terminals.find(db.shop, till));
  list = terminals.list(db.shop);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].id, back);
  EXPECT_EQ(terminals.list(db.other_shop).size(), 1u);
}

TEST(TerminalStore, UsesALiveTerminalBySecret) {
  Rollback db;
  infra::PgTerminalStore terminals(db.unit);
  const auto till = terminals.create(db.shop, "Till 1", "zz-secret-1", db.user);
  EXPECT_FALSE(terminals.use(db.other_shop, "zz-secret-1"));  // another location's device
  EXPECT_FALSE(db.value("SELECT last_used_at::text FROM auth.terminals WHERE id = $1", till));
  EXPECT_FALSE(terminals.use(db.shop, "zz-wrong-secret"));

  const auto used = terminals.use(db.shop, "zz-secret-1");
  ASSERT_TRUE(used);
  EXPECT_EQ(used->id, till);
  EXPECT_EQ(used->name, "Till 1");
  ASSERT_TRUE(used->last_used_at);
  EXPECT_EQ(used->last_used_at->size(), 20u);
  EXPECT_TRUE(db.is("last_used_at IS NOT NULL", "auth.terminals", till));
  EXPECT_EQ(terminals.find(db.shop, till)->last_used_at, used->last_used_at);

  terminals.revoke(db.shop, till);
  EXPECT_FALSE(terminals.use(db.shop, "zz-secret-1"));  // revoked
}

// --- account emails ---

TEST(AccountMailbox, QueuesAnEmailAboutAnAccount) {
  Rollback db;
  infra::PgAccountMailbox mailbox(db.unit);
  mailbox.queue({db.user, "zz-ann@example.test", "verify", "Confirm your address", "Open the link",
                 "<p>Open the link</p>"});
  mailbox.queue({std::nullopt, "zz-taken@example.test", "taken", "Someone tried to sign up", "Was it you?",
                 "<p>Was it you?</p>"});

  const auto rows = db.txn.exec(
      "SELECT account_event, user_id, subject, body_text, body_html, status, alert_id IS NULL AND report_id "
      "IS NULL,"
      " message_id, attempts FROM reporting.email_deliveries"
      " WHERE recipient IN ('zz-ann@example.test', 'zz-taken@example.test') ORDER BY id");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][0].as<std::string>(), "verify");
  EXPECT_EQ(rows[0][1].as<std::int64_t>(), db.user);
  EXPECT_EQ(rows[0][2].as<std::string>(), "Confirm your address");
  EXPECT_EQ(rows[0][3].as<std::string>(), "Open the link");
  EXPECT_EQ(rows[0][4].as<std::string>(), "<p>Open the link</p>");
  EXPECT_EQ(rows[0][5].as<std::string>(), "queued");
  EXPECT_TRUE(rows[0][6].as<bool>());  // an account email: no alert, no report
  const auto message_id = rows[0][7].as<std::string>();
  EXPECT_EQ(message_id.rfind("<account-verify-", 0), 0u);
  EXPECT_EQ(message_id.substr(message_id.size() - 5), "@ims>");
  EXPECT_EQ(rows[0][8].as<int>(), 0);
  EXPECT_EQ(rows[1][0].as<std::string>(), "taken");
  EXPECT_TRUE(rows[1][1].is_null());
  EXPECT_NE(rows[1][7].as<std::string>(), message_id);
}

// --- users ---

TEST(UserStore, InsertsAndFindsAUser) {
  Rollback db;
  infra::PgUserStore users(db.unit);
  const auto id = users.insert({"zz-cara", "Zz-Cara@Example.test", hash, Role::stockist, db.shop});
  const auto u = users.find(id, false);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->id, id);
  EXPECT_EQ(u->username, "zz-cara");
  EXPECT_EQ(u->email, "Zz-Cara@Example.test");  // kept as given
  EXPECT_EQ(u->role, Role::stockist);
  EXPECT_EQ(u->location_id, db.shop);
  EXPECT_TRUE(u->is_active);
  EXPECT_EQ(u->version, 1);
  EXPECT_EQ(u->created_at.size(), 20u);  // 2026-12-03T10:00:00Z
  EXPECT_EQ(u->updated_at, u->created_at);
  EXPECT_EQ(u->password_hash, hash);
  EXPECT_EQ(u->status, "active");
  EXPECT_TRUE(u->email_verified);  // an account an admin made
  EXPECT_FALSE(u->requested_location_id);
  EXPECT_FALSE(u->registration_note);
  EXPECT_FALSE(u->pin_hash);
  EXPECT_EQ(u->pin_failures, 0);
  EXPECT_FALSE(u->pin_locked);

  const auto admin = users.insert({"zz-root", "zz-root@example.test", hash, Role::admin, std::nullopt});
  EXPECT_FALSE(users.find(admin, true)->location_id);
  EXPECT_EQ(users.find(admin, true)->role, Role::admin);
  EXPECT_FALSE(users.find(-1, false));
  EXPECT_EQ(users.find_by_username("zz-cara")->id, id);
  EXPECT_FALSE(users.find_by_username("ZZ-CARA"));                 // usernames are exact
  EXPECT_EQ(users.find_by_email("zz-cara@example.TEST")->id, id);  // emails are not
  EXPECT_FALSE(users.find_by_email("zz-nobody@example.test"));
}

TEST(UserStore, ListsUsersByFilterAPageAtATime) {
  Rollback db;
  infra::PgUserStore users(db.unit);
  // db.user (zz-ann) is the shop's first; then two more.
  const auto cara = users.insert({"zz-cara", "zz-cara@example.test", hash, Role::stockist, db.shop});
  const auto dan = users.insert({"zz-dan", "zz-dan@example.test", hash, Role::retailer, db.shop});

  infra::UserFilter at_shop;
  at_shop.location_id = db.shop;
  auto page = users.list(at_shop);
  ASSERT_EQ(page.size(), 3u);
  EXPECT_EQ(page[0].id, db.user);  // by id
  EXPECT_EQ(page[1].id, cara);
  EXPECT_EQ(page[2].id, dan);

  at_shop.limit = 1;  // up to limit + 1: the extra row says there is another page
  page = users.list(at_shop);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].id, db.user);
  at_shop.after_id = page[0].id;
  page = users.list(at_shop);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].id, cara);
  at_shop.after_id = dan;
  EXPECT_TRUE(users.list(at_shop).empty());

  infra::UserFilter retailers;
  retailers.location_id = db.shop;
  retailers.role = Role::retailer;
  page = users.list(retailers);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].id, db.user);
  EXPECT_EQ(page[1].id, dan);

  infra::UserFilter by_text;
  by_text.location_id = db.shop;
  by_text.q = "ZZ-DA";  // username or email, any case
  page = users.list(by_text);
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].id, dan);
  by_text.q = "zz-cara@example";
  ASSERT_EQ(users.list(by_text).size(), 1u);

  users.set_active(cara, false);
  infra::UserFilter inactive;
  inactive.location_id = db.shop;
  inactive.is_active = false;
  page = users.list(inactive);
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].id, cara);
  EXPECT_FALSE(page[0].is_active);
  EXPECT_EQ(page[0].version, 2);

  const auto pending =
      users.insert_pending({"zz-eve", "zz-eve@example.test", hash, Role::cfa, db.shop, std::nullopt});
  ASSERT_TRUE(pending);
  infra::UserFilter waiting;
  waiting.status = "pending_activation";
  waiting.q = "zz-eve";
  page = users.list(waiting);
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].id, *pending);
  at_shop = {};
  at_shop.location_id = db.shop;
  EXPECT_EQ(users.list(at_shop).size(), 3u);  // a sign-up is bound to no location yet
}

TEST(UserStore, RegistersAndActivatesASignUp) {
  Rollback db;
  infra::PgUserStore users(db.unit);
  const auto id = users.insert_pending(
      {"zz-eve", "zz-eve@example.test", hash, Role::stockist, db.shop, std::string("the new branch")});
  ASSERT_TRUE(id);
  auto u = users.find(*id, false);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->status, "pending_activation");
  EXPECT_FALSE(u->is_active);
  EXPECT_EQ(u->role, Role::stockist);  // the role asked for
  EXPECT_FALSE(u->location_id);
  EXPECT_EQ(u->requested_location_id, db.shop);
  EXPECT_EQ(u->registration_note, "the new branch");
  EXPECT_FALSE(u->email_verified);

  // A name or an address already taken: nothing written, and the transaction goes on.
  EXPECT_FALSE(users.insert_pending(
      {"zz-eve", "zz-eve-2@example.test", hash, Role::retailer, std::nullopt, std::nullopt}));
  EXPECT_FALSE(users.insert_pending(
      {"zz-eve-2", "ZZ-EVE@example.test", hash, Role::retailer, std::nullopt, std::nullopt}));
  EXPECT_EQ(db.value("SELECT count(*)::text FROM auth.users WHERE username LIKE 'zz-eve%'"), "1");

  users.mark_email_verified(*id);
  u = users.find(*id, false);
  EXPECT_TRUE(u->email_verified);
  EXPECT_EQ(u->status, "pending_activation");
  EXPECT_EQ(u->version, 2);

  users.activate(*id, Role::retailer, db.other_shop);  // what the admin decided
  u = users.find(*id, false);
  EXPECT_EQ(u->status, "active");
  EXPECT_TRUE(u->is_active);
  EXPECT_EQ(u->role, Role::retailer);
  EXPECT_EQ(u->location_id, db.other_shop);
  EXPECT_EQ(u->version, 3);
  users.activate(*id, Role::cfa, db.shop);  // only a pending account
  EXPECT_EQ(users.find(*id, false)->role, Role::retailer);
  EXPECT_EQ(users.find(*id, false)->version, 3);
}

TEST(UserStore, UpdatesProfilePasswordPinAndEmailAlerts) {
  Rollback db;
  infra::PgUserStore users(db.unit);
  users.update_profile(db.user, "zz-ann-new@example.test", Role::stockist, db.other_shop);
  auto u = users.find(db.user, false);
  EXPECT_EQ(u->email, "zz-ann-new@example.test");
  EXPECT_EQ(u->role, Role::stockist);
  EXPECT_EQ(u->location_id, db.other_shop);
  EXPECT_EQ(u->version, 2);
  const std::string changed = std::string(hash) + "-changed";
  users.set_password(db.user, changed);
  EXPECT_EQ(users.find(db.user, false)->password_hash, changed);

  const std::string pin = std::string(hash) + "-pin";
  users.set_pin(db.user, pin);
  EXPECT_EQ(users.find(db.user, false)->pin_hash, pin);
  EXPECT_EQ(users.record_pin_failure(db.user, false), 1);
  EXPECT_FALSE(users.find(db.user, false)->pin_locked);
  EXPECT_EQ(users.record_pin_failure(db.user, true), 2);
  u = users.find(db.user, false);
  EXPECT_EQ(u->pin_failures, 2);
  EXPECT_TRUE(u->pin_locked);
  users.clear_pin_failures(db.user);
  u = users.find(db.user, false);
  EXPECT_EQ(u->pin_failures, 0);
  EXPECT_TRUE(u->pin_locked);  // only a new PIN lifts the lock
  users.record_pin_failure(db.user, false);
  users.set_pin(db.user, std::nullopt);
  u = users.find(db.user, false);
  EXPECT_FALSE(u->pin_hash);
  EXPECT_EQ(u->pin_failures, 0);
  EXPECT_FALSE(u->pin_locked);

  EXPECT_EQ(users.email_alerts(db.user), true);  // on by default
  users.set_email_alerts(db.user, false);
  EXPECT_EQ(users.email_alerts(db.user), false);
  EXPECT_FALSE(users.email_alerts(-1));

  users.remove(db.other_user);
  EXPECT_FALSE(users.find(db.other_user, false));
  EXPECT_FALSE(users.find_by_username("zz-bob"));
}
