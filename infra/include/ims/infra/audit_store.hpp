#pragma once
// audit.log: who changed what, with the record before and after. Written in the unit of work of the
// change it describes, so a change and its audit row commit or roll back together.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ims/infra/pg_statements.hpp"

namespace ims::infra {

class UnitOfWork;

struct AuditEntry {
  std::optional<std::int64_t> actor_id;
  std::string action;  // e.g. user.create
  std::string entity;  // e.g. user
  std::string entity_id;
  std::optional<std::string> before;  // JSON
  std::optional<std::string> after;   // JSON
  std::string request_id;
};

class AuditTrail {
 public:
  virtual ~AuditTrail() = default;
  virtual void record(const AuditEntry& entry) = 0;
};

class PgAuditTrail final : public AuditTrail {
 public:
  explicit PgAuditTrail(UnitOfWork& unit) : unit_(unit) {}
  void record(const AuditEntry& entry) override;

 private:
  UnitOfWork& unit_;
};

// A row of the log as read back (GET /audit), newest first.
struct AuditRecord {
  std::int64_t id = 0;
  std::optional<std::int64_t> actor_id;
  std::string action;
  std::string entity;
  std::optional<std::string> entity_id;
  std::optional<std::string> before;  // JSON
  std::optional<std::string> after;   // JSON
  std::optional<std::string> request_id;
  std::string at;  // ISO 8601 UTC, milliseconds
};

struct AuditFilter {
  std::optional<std::int64_t> before_id;  // the cursor: rows older than this one
  std::optional<std::string> entity;
  std::optional<std::string> entity_id;
  std::optional<std::string> action;
  std::optional<std::int64_t> actor_id;
  std::optional<std::string> request_id;
  int limit = 50;
};

class AuditLog {
 public:
  virtual ~AuditLog() = default;
  virtual std::vector<AuditRecord> list(const AuditFilter& filter) = 0;  // up to limit + 1, newest first
};

class PgAuditLog final : public AuditLog {
 public:
  explicit PgAuditLog(UnitOfWork& unit) : unit_(unit) {}
  std::vector<AuditRecord> list(const AuditFilter& filter) override;

  static PreparedStatements statements();

 private:
  UnitOfWork& unit_;
};

}  // namespace ims::infra
