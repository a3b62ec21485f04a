#pragma once
// PostgreSQL through libpqxx 6.4: one PgSession per thread, reconnecting lazily; units of work
// retried whole on serialization failure or deadlock, never after an in-doubt commit.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <pqxx/pqxx>

#include "ims/infra/errors.hpp"

// libpqxx 6.4 passes an empty std::optional as SQL NULL (pqxx/internal/type_utils.hxx).

namespace ims::infra {

// A nullable column as std::optional (libpqxx 6.4's own optional conversion does not compile).
template <typename T>
std::optional<T> nullable(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<T>();
}

// Adds connect_timeout to a libpq URI unless it has one.
std::string with_connect_timeout(const std::string& url, int seconds);

// Named statements a session prepares on every (re)connection; libpqxx prepares them on first use.
using PreparedStatements = std::vector<std::pair<std::string, std::string>>;

class PgSession {
 public:
  explicit PgSession(std::string url, PreparedStatements statements = {})
      : url_(std::move(url)), statements_(std::move(statements)) {}
  PgSession(const PgSession&) = delete;
  PgSession& operator=(const PgSession&) = delete;

  // Runs fn(pqxx::work&) and commits. The transaction rolls back unless fn returns normally.
  template <typename Fn>
  auto transact(Fn&& fn) -> decltype(fn(std::declval<pqxx::work&>())) {
    constexpr int attempts = 5;
    bool reused = healthy();
    for (int attempt = 1;; ++attempt) {
      try {
        pqxx::work txn(connection());
        if constexpr (std::is_void_v<decltype(fn(txn))>) {
          fn(txn);
          if (before_commit) before_commit(txn);
          txn.commit();
          if (after_commit) after_commit();
          return;
        } else {
          auto result = fn(txn);
          if (before_commit) before_commit(txn);
          txn.commit();
          if (after_commit) after_commit();
          return result;
        }
      } catch (const pqxx::in_doubt_error& e) {
        drop();
        throw DependencyUnavailable("postgresql", std::string("commit outcome unknown: ") + e.what());
      } catch (const pqxx::transaction_rollback&) {
        if (attempt >= attempts) throw;  // serialization failure / deadlock: retry the whole unit
      } catch (const pqxx::broken_connection& e) {
        // Nothing was committed, so the unit may run again on a fresh connection — once, for a
        // connection that went stale (server restarted) while this thread was idle.
        const bool was_stale = reused;
        drop();
        if (!was_stale) throw DependencyUnavailable("postgresql", e.what());
      } catch (const pqxx::sql_error& e) {
        if (healthy()) throw;
        const bool was_stale = reused;
        drop();
        if (!was_stale) throw DependencyUnavailable("postgresql", e.what());
      }
      reused = false;
    }
  }

  // Fails fast with DependencyUnavailable if the server cannot be reached.
  void ping();

  // Runs inside every unit of work just before its commit (the API records a request's
  // Idempotency-Key this way, in the same transaction as the request's effect). Set and cleared by
  // the owner of the session's thread.
  std::function<void(pqxx::work&)> before_commit;
  std::function<void()> after_commit;

 private:
  pqxx::connection& connection();
  bool healthy() const { return conn_ && conn_->is_open(); }
  void drop() { conn_.reset(); }

  std::string url_;
  PreparedStatements statements_;
  std::unique_ptr<pqxx::connection> conn_;
};

}  // namespace ims::infra
