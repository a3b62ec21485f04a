#pragma once
// PostgreSQL through libpqxx 6.4: one PgSession per thread, reconnecting lazily; units of work
// retried whole on serialization failure or deadlock, never after an in-doubt commit.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <pqxx/pqxx>

#include "ims/infra/errors.hpp"
#include "ims/infra/metrics.hpp"
#include "ims/infra/pg_statements.hpp"

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

// The transaction one use case runs in (PgSession::unit). Stores are built on it; use cases and
// handlers only pass it along, so libpqxx stays inside infra.
class UnitOfWork {
 public:
  explicit UnitOfWork(pqxx::work& txn) : txn_(txn) {}
  pqxx::work& txn() { return txn_; }

 private:
  pqxx::work& txn_;
};

// The prepared statements of every store (infra/src/statements.cpp); each session registers them on
// every (re)connection, and libpqxx prepares each on its first use.
const PreparedStatements& store_statements();

class PgSession {
 public:
  // `meters`, when given, counts this session in the process's ims_db_sessions gauges.
  explicit PgSession(std::string url, PreparedStatements statements = {}, DbSessionMeters* meters = nullptr)
      : url_(std::move(url)), statements_(std::move(statements)), meters_(meters) {}
  ~PgSession() { drop(); }
  PgSession(const PgSession&) = delete;
  PgSession& operator=(const PgSession&) = delete;

  // Runs fn(pqxx::work&) and commits. The transaction rolls back unless fn returns normally.
  template <typename Fn>
  auto transact(Fn&& fn) -> decltype(fn(std::declval<pqxx::work&>())) {
    using R = decltype(fn(std::declval<pqxx::work&>()));
    if constexpr (std::is_void_v<R>) {
      attempt([&](pqxx::work& txn) {
        fn(txn);
        return true;
      });
    } else {
      std::optional<R> result;
      attempt([&](pqxx::work& txn) {
        result.emplace(fn(txn));
        return true;
      });
      return std::move(*result);
    }
  }

  // Runs a use case: fn(UnitOfWork&) returns a domain::Result, committed only when it is a success.
  // A refusal rolls the transaction back, so whatever the use case wrote before refusing is undone.
  template <typename Fn>
  auto unit(Fn&& fn) -> decltype(fn(std::declval<UnitOfWork&>())) {
    using R = decltype(fn(std::declval<UnitOfWork&>()));
    std::optional<R> result;
    attempt([&](pqxx::work& txn) {
      UnitOfWork unit(txn);
      result.emplace(fn(unit));
      return result->ok();
    });
    return std::move(*result);
  }

  // Fails fast with DependencyUnavailable if the server cannot be reached.
  void ping();

  // Runs inside every unit of work just before its commit (the API records a request's
  // Idempotency-Key this way, in the same transaction as the request's effect). Set and cleared by
  // the owner of the session's thread.
  std::function<void(pqxx::work&)> before_commit;
  std::function<void()> after_commit;

 private:
  // One unit with its retries: fn(txn) returns whether to commit (false rolls back).
  template <typename Fn>
  void attempt(Fn&& fn) {
    constexpr int attempts = 5;
    bool reused = healthy();
    const InUse in_use(meters_);
    for (int attempt = 1;; ++attempt) {
      try {
        pqxx::work txn(connection());
        if (!fn(txn)) {
          txn.abort();
          return;
        }
        if (before_commit) before_commit(txn);
        txn.commit();
        if (after_commit) after_commit();
        return;
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

  // Counts the session in use while a unit of work runs.
  struct InUse {
    DbSessionMeters* meters;
    explicit InUse(DbSessionMeters* m) : meters(m) {
      if (meters) meters->began();
    }
    ~InUse() {
      if (meters) meters->ended();
    }
    InUse(const InUse&) = delete;
    InUse& operator=(const InUse&) = delete;
  };

  pqxx::connection& connection();
  bool healthy() const { return conn_ && conn_->is_open(); }
  void drop() {
    if (!conn_) return;
    conn_.reset();
    if (meters_) meters_->closed();
  }

  std::string url_;
  PreparedStatements statements_;
  DbSessionMeters* meters_;
  std::unique_ptr<pqxx::connection> conn_;
};

}  // namespace ims::infra
