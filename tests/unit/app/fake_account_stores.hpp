#pragma once
// Hand-written in-memory account stores and ports for the auth, user and account use-case tests:
// the behaviour the use cases rely on (ids, versions bumped on change, refresh-token families,
// single-use verification tokens, live terminals), no SQL, no services. FOR UPDATE is ignored.
// The credentials are fakes too: a secret's "hash" is "hash:" + the secret (fake_hash), random
// tokens are tok-1, tok-2, ... and access tokens access-1, access-2, ...; every call is counted.
#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "ims/api/use_cases/credentials.hpp"
#include "ims/infra/account_store.hpp"
#include "ims/infra/session_store.hpp"
#include "ims/infra/user_records.hpp"

namespace ims::test {

// What FakeCredentials accepts as the stored hash of `secret` (a password or a PIN).
inline std::string fake_hash(const std::string& secret) {
  return "hash:" + secret;
}

class FakeUserStore final : public infra::UserStore {
 public:
  std::optional<infra::UserRecord> find(std::int64_t id, bool) override {
    auto it = rows.find(id);
    if (it == rows.end()) return std::nullopt;
    return it->second;
  }
  std::optional<infra::UserRecord> find_by_username(const std::string& username) override {
    ++username_lookups;
    for (const auto& [id, u] : rows)
      if (u.username == username) return u;
    return std::nullopt;
  }
  std::optional<infra::UserRecord> find_by_email(const std::string& email) override {
    for (const auto& [id, u] : rows)
      if (lower(u.email) == lower(email)) return u;
    return std::nullopt;
  }
  std::vector<infra::UserRecord> list(const infra::UserFilter& f) override {
    std::vector<infra::UserRecord> out;
    for (const auto& [id, u] : rows) {
      if (f.after_id && id <= *f.after_id) continue;
      if (f.role && u.role != *f.role) continue;
      if (f.location_id && u.location_id != *f.location_id) continue;
      if (f.is_active && u.is_active != *f.is_active) continue;
      if (f.status && u.status != *f.status) continue;
      if (f.q && u.username.find(*f.q) == std::string::npos && u.email.find(*f.q) == std::string::npos)
        continue;
      if (static_cast<int>(out.size()) == f.limit + 1) break;
      out.push_back(u);
    }
    return out;
  }
  std::int64_t insert(const infra::NewUserRow& row) override {
    infra::UserRecord u;
    u.id = next_id++;
    u.username = row.username;
    u.email = row.email;
    u.password_hash = row.password_hash;
    u.role = row.role;
    u.location_id = row.location_id;
    rows[u.id] = u;
    return u.id;
  }
  std::optional<std::int64_t> insert_pending(const infra::NewRegistration& row) override {
    if (lose_next_race) {  // a concurrent sign-up took the name a moment ago
      lose_next_race = false;
      return std::nullopt;
    }
    if (find_by_username(row.username) || find_by_email(row.email)) return std::nullopt;
    infra::UserRecord u;
    u.id = next_id++;
    u.username = row.username;
    u.email = row.email;
    u.password_hash = row.password_hash;
    u.role = row.requested_role;
    u.is_active = false;
    u.status = "pending_activation";
    u.email_verified = false;
    u.requested_location_id = row.requested_location_id;
    u.registration_note = row.note;
    rows[u.id] = u;
    return u.id;
  }
  void update_profile(std::int64_t id, const std::string& email, domain::Role role,
                      std::optional<std::int64_t> location_id) override {
    auto& u = rows.at(id);
    u.email = email;
    u.role = role;
    u.location_id = location_id;
    ++u.version;
  }
  void set_active(std::int64_t id, bool active) override {
    rows.at(id).is_active = active;
    ++rows.at(id).version;
  }
  void set_password(std::int64_t id, const std::string& password_hash) override {
    rows.at(id).password_hash = password_hash;
    ++rows.at(id).version;
  }
  void mark_email_verified(std::int64_t id) override {
    rows.at(id).email_verified = true;
    ++rows.at(id).version;
  }
  void activate(std::int64_t id, domain::Role role, std::optional<std::int64_t> location_id) override {
    auto& u = rows.at(id);
    u.role = role;
    u.location_id = location_id;
    u.is_active = true;
    u.status = "active";
    ++u.version;
  }
  void set_pin(std::int64_t id, const std::optional<std::string>& pin_hash) override {
    auto it = rows.find(id);
    if (it == rows.end()) return;  // like an UPDATE that matches no row
    it->second.pin_hash = pin_hash;
    it->second.pin_failures = 0;
    it->second.pin_locked = false;
    ++it->second.version;
  }
  void remove(std::int64_t id) override {
    rows.erase(id);
    alerts_off.erase(id);
  }
  std::optional<bool> email_alerts(std::int64_t id) override {
    if (!rows.count(id)) return std::nullopt;
    return alerts_off.count(id) == 0;
  }
  void set_email_alerts(std::int64_t id, bool enabled) override {
    if (enabled) {
      alerts_off.erase(id);
    } else {
      alerts_off.insert(id);
    }
  }
  int record_pin_failure(std::int64_t id, bool lock) override {
    auto& u = rows.at(id);
    ++u.pin_failures;
    if (lock) u.pin_locked = true;
    return u.pin_failures;
  }
  void clear_pin_failures(std::int64_t id) override { rows.at(id).pin_failures = 0; }

  // An active user as an admin would have created it, with the password "hash:" + password.
  std::int64_t add(const std::string& username, domain::Role role, std::optional<std::int64_t> location_id,
                   const std::string& password = "correct horse battery") {
    return insert({username, username + "@example.com", fake_hash(password), role, location_id});
  }

  std::map<std::int64_t, infra::UserRecord> rows;
  std::set<std::int64_t> alerts_off;
  int username_lookups = 0;
  bool lose_next_race = false;  // the next insert_pending finds its name taken
  std::int64_t next_id = 1;

 private:
  static std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
  }
};

class FakeLocationLookup final : public infra::LocationLookup {
 public:
  std::optional<infra::LocationSummary> find(std::int64_t id) override {
    auto it = rows.find(id);
    if (it == rows.end()) return std::nullopt;
    return it->second;
  }
  std::optional<infra::LocationSummary> find_active_by_code(const std::string& code) override {
    for (const auto& [id, l] : rows)
      if (l.code == code && !inactive.count(id)) return l;
    return std::nullopt;
  }

  std::int64_t add(const std::string& code, const std::string& name, domain::LocationKind kind,
                   bool active = true) {
    const auto id = next_id++;
    rows[id] = {id, code, name, kind};
    if (!active) inactive.insert(id);
    return id;
  }

  std::map<std::int64_t, infra::LocationSummary> rows;
  std::set<std::int64_t> inactive;
  std::int64_t next_id = 1;
};

class FakeRefreshTokenStore final : public infra::RefreshTokenStore {
 public:
  struct Row {
    infra::RefreshTokenRecord record;
    std::string token_hash;
    int ttl_seconds = 0;
  };

  std::string issue(std::int64_t user_id, const std::string& family_id, const std::string& token_hash,
                    int ttl_seconds) override {
    auto family = family_id.empty() ? "family-" + std::to_string(++families) : family_id;
    Row row;
    row.record.id = next_id++;
    row.record.family_id = family;
    row.record.user_id = user_id;
    row.token_hash = token_hash;
    row.ttl_seconds = ttl_seconds;
    rows.push_back(row);
    return family;
  }
  std::optional<infra::RefreshTokenRecord> find_for_update(const std::string& token_hash) override {
    for (const auto& r : rows)
      if (r.token_hash == token_hash) return r.record;
    return std::nullopt;
  }
  void spend(std::int64_t id) override {
    for (auto& r : rows)
      if (r.record.id == id) r.record.spent = true;
  }
  void revoke_family(const std::string& family_id) override {
    revoked_families.push_back(family_id);
    for (auto& r : rows)
      if (r.record.family_id == family_id) r.record.revoked = true;
  }
  void revoke_all_for_user(std::int64_t user_id) override {
    revoked_users.push_back(user_id);
    for (auto& r : rows)
      if (r.record.user_id == user_id) r.record.revoked = true;
  }

  // The row of a token hash; nullptr when there is none.
  const Row* by_hash(const std::string& token_hash) const {
    for (const auto& r : rows)
      if (r.token_hash == token_hash) return &r;
    return nullptr;
  }
  // Expires the row of a token hash (time passing).
  void expire(const std::string& token_hash) {
    for (auto& r : rows)
      if (r.token_hash == token_hash) r.record.expired = true;
  }

  std::vector<Row> rows;
  std::vector<std::string> revoked_families;  // every revoke_family, in order
  std::vector<std::int64_t> revoked_users;    // every revoke_all_for_user, in order
  int families = 0;
  std::int64_t next_id = 1;
};

class FakeEmailVerificationStore final : public infra::EmailVerificationStore {
 public:
  struct Row {
    std::int64_t user_id = 0;
    std::string token_hash;
    int ttl_seconds = 0;
    bool used = false;
    bool expired = false;
  };

  void create(std::int64_t user_id, const std::string& token_hash, int ttl_seconds) override {
    rows.push_back({user_id, token_hash, ttl_seconds, false, false});
  }
  std::optional<std::int64_t> consume(const std::string& token_hash) override {
    ++consumes;
    for (auto& r : rows) {
      if (r.token_hash == token_hash && !r.used && !r.expired) {
        r.used = true;
        return r.user_id;
      }
    }
    return std::nullopt;
  }

  std::vector<Row> rows;
  int consumes = 0;
};

class FakeTerminalStore final : public infra::TerminalStore {
 public:
  struct Row {
    infra::TerminalRecord record;
    std::string secret_hash;
    std::int64_t created_by = 0;
    bool revoked = false;
  };

  std::int64_t create(std::int64_t location_id, const std::string& name, const std::string& secret_hash,
                      std::int64_t created_by) override {
    Row row;
    row.record.id = next_id++;
    row.record.location_id = location_id;
    row.record.name = name;
    row.record.created_at = "2024-05-01T10:00:00.000Z";
    row.secret_hash = secret_hash;
    row.created_by = created_by;
    rows[row.record.id] = row;
    return row.record.id;
  }
  std::vector<infra::TerminalRecord> list(std::int64_t location_id) override {
    std::vector<infra::TerminalRecord> out;
    for (const auto& [id, r] : rows)
      if (!r.revoked && r.record.location_id == location_id) out.push_back(r.record);
    return out;
  }
  std::optional<infra::TerminalRecord> find(std::int64_t location_id, std::int64_t id) override {
    auto it = rows.find(id);
    if (it == rows.end() || it->second.revoked || it->second.record.location_id != location_id)
      return std::nullopt;
    return it->second.record;
  }
  bool revoke(std::int64_t location_id, std::int64_t id) override {
    auto it = rows.find(id);
    if (it == rows.end() || it->second.revoked || it->second.record.location_id != location_id) return false;
    it->second.revoked = true;
    return true;
  }
  std::optional<infra::TerminalRecord> use(std::int64_t location_id,
                                           const std::string& secret_hash) override {
    for (auto& [id, r] : rows) {
      if (!r.revoked && r.record.location_id == location_id && r.secret_hash == secret_hash) {
        r.record.last_used_at = "2024-05-01T11:00:00.000Z";
        return r.record;
      }
    }
    return std::nullopt;
  }

  std::map<std::int64_t, Row> rows;
  std::int64_t next_id = 1;
};

class FakeAccountMailbox final : public infra::AccountMailbox {
 public:
  void queue(const infra::AccountEmail& email) override { emails.push_back(email); }
  std::vector<std::string> events() const {
    std::vector<std::string> out;
    for (const auto& e : emails) out.push_back(e.event);
    return out;
  }
  std::vector<infra::AccountEmail> emails;
};

class FakeCredentials final : public api::Credentials {
 public:
  bool verify(const std::string& stored_hash, const std::string& secret) override {
    ++verifies;
    return stored_hash == fake_hash(secret);
  }
  void verify_dummy(const std::string&) override { ++dummy_verifies; }
  std::string random_token() override { return "tok-" + std::to_string(++tokens); }
  std::string access_token(infra::AccessClaims& claims, int ttl_seconds) override {
    const auto n = claims_issued.size() + 1;
    claims.jti = "jti-" + std::to_string(n);
    claims.issued_at = now;
    claims.expires_at = now + (ttl_seconds == 0 ? access_ttl_seconds() : ttl_seconds);
    claims_issued.push_back(claims);
    return "access-" + std::to_string(n);
  }
  int access_ttl_seconds() const override { return 900; }

  int verifies = 0;
  int dummy_verifies = 0;
  int tokens = 0;
  std::int64_t now = 1'700'000'000;
  std::vector<infra::AccessClaims> claims_issued;  // of every access token, in order
};

class FakeAccessRevocation final : public api::AccessRevocation {
 public:
  void revoke_user(std::int64_t user_id) override { revoked_users.push_back(user_id); }
  void deny_token(const std::string& jti, std::int64_t expires_at) override {
    denied.emplace_back(jti, expires_at);
  }
  std::vector<std::int64_t> revoked_users;
  std::vector<std::pair<std::string, std::int64_t>> denied;  // jti, expires_at
};

}  // namespace ims::test
