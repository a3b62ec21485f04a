#pragma once
// SQL of reporting.reports and of the rows each report type is made of. Shared by the API
// (request, read) and the reports worker (stream the rows, finish, fail). Typed records only;
// a report's rows are text cells (decimals exactly as PostgreSQL's numeric prints them).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "ims/domain/report.hpp"

namespace ims::infra {

class UnitOfWork;

struct ReportRecord {
  std::int64_t id = 0;
  domain::ReportType type = domain::ReportType::daily_sales;
  domain::ReportFormat format = domain::ReportFormat::csv;
  domain::ReportParams params;
  domain::ReportStatus status = domain::ReportStatus::pending;
  std::optional<std::int64_t> location_id;
  std::optional<std::int64_t> requested_by;
  std::optional<std::string> file_name;
  std::optional<std::int64_t> row_count;
  std::optional<std::int64_t> size_bytes;
  std::optional<std::string> reason;
  std::string created_at;
  std::optional<std::string> finished_at;
};

struct NewReport {
  domain::ReportType type = domain::ReportType::daily_sales;
  domain::ReportFormat format = domain::ReportFormat::csv;
  domain::ReportParams params;
  std::optional<std::int64_t> location_id;
  std::optional<std::int64_t> requested_by;
  std::optional<std::string> source_event;  // the scheduler's event the worker made it from
  std::string request_id;
};

// A user who gets the nightly report's link.
struct ReportRecipient {
  std::int64_t user_id = 0;
  std::string email;
};

struct LocationName {
  std::string code;
  std::string name;
};

// One email of a report (a row of reporting.email_deliveries naming the report), sent after
// commit by the alerts worker's sender.
struct QueuedReportEmail {
  std::int64_t report_id = 0;
  std::int64_t user_id = 0;
  std::string recipient;
  std::string subject;
  std::string text;
  std::string html;
  std::string message_id;
};

// A report whose file is past its retention: the row is marked expired, the file is the caller's
// to delete after commit.
struct ExpiredReport {
  std::int64_t id = 0;
  std::string file_name;
};

class ReportStore {
 public:
  virtual ~ReportStore() = default;
  // nullopt when the source event has made this location's report already.
  virtual std::optional<ReportRecord> create(const NewReport& report) = 0;
  virtual std::optional<ReportRecord> find(std::int64_t id, bool for_update = false) = 0;
  // Newest first: reports of one location (or every report when location_id is empty) with an
  // id below before_id, at most limit of them.
  virtual std::vector<ReportRecord> list(std::optional<std::int64_t> location_id,
                                         std::optional<std::int64_t> before_id, int limit) = 0;
  virtual bool location_exists(std::int64_t id) = 0;
  // The locations that sell (stockist and retail), for the nightly daily_sales reports.
  virtual std::vector<std::int64_t> selling_locations() = 0;
  virtual void mark_ready(std::int64_t id, const std::string& file_name, std::int64_t row_count,
                          std::int64_t size_bytes) = 0;
  virtual void mark_failed(std::int64_t id, const std::string& reason) = 0;

  // --- the nightly report's email ---
  virtual std::optional<LocationName> location_name(std::int64_t id) = 0;
  // Active users of the location who take email (auth.users.email_alerts), by id.
  virtual std::vector<ReportRecipient> location_recipients(std::int64_t location_id) = 0;
  virtual void queue_email(const QueuedReportEmail& email) = 0;

  // --- retention ---
  // Ready reports finished more than `retention_days` ago become expired, oldest first, at most
  // `limit`; rows another worker holds are skipped.
  virtual std::vector<ExpiredReport> expire_ready(int retention_days, int limit) = 0;
  // The files of reports expired in the last `hours`: deleted again on every pass, so a worker
  // that stopped between commit and delete leaves nothing behind for long.
  virtual std::vector<std::string> files_expired_within(int hours) = 0;
};

class PgReportStore final : public ReportStore {
 public:
  explicit PgReportStore(pqxx::work& txn) : txn_(txn) {}
  explicit PgReportStore(UnitOfWork& unit);  // a use case's
  std::optional<ReportRecord> create(const NewReport& report) override;
  std::optional<ReportRecord> find(std::int64_t id, bool for_update = false) override;
  std::vector<ReportRecord> list(std::optional<std::int64_t> location_id,
                                 std::optional<std::int64_t> before_id, int limit) override;
  bool location_exists(std::int64_t id) override;
  std::vector<std::int64_t> selling_locations() override;
  void mark_ready(std::int64_t id, const std::string& file_name, std::int64_t row_count,
                  std::int64_t size_bytes) override;
  void mark_failed(std::int64_t id, const std::string& reason) override;
  std::optional<LocationName> location_name(std::int64_t id) override;
  std::vector<ReportRecipient> location_recipients(std::int64_t location_id) override;
  void queue_email(const QueuedReportEmail& email) override;
  std::vector<ExpiredReport> expire_ready(int retention_days, int limit) override;
  std::vector<std::string> files_expired_within(int hours) override;

 private:
  pqxx::work& txn_;
};

// --- the rows of a report ---

enum class ColumnKind { text, integer, decimal };
struct ReportColumn {
  std::string name;
  ColumnKind kind = ColumnKind::text;
};
using ReportRow = std::vector<std::optional<std::string>>;  // one cell per column; nullopt: empty

// The columns of each type, in order (the first row of a CSV, the keys of a JSON row).
const std::vector<ReportColumn>& report_columns(domain::ReportType type);

struct ReportQuery {
  domain::ReportType type = domain::ReportType::daily_sales;
  domain::ReportParams params;
  std::optional<std::int64_t> location_id;
};

class RowSink {
 public:
  virtual ~RowSink() = default;
  // false: stop, the report cannot take more rows.
  virtual bool row(const ReportRow& row) = 0;
};

class ReportSource {
 public:
  virtual ~ReportSource() = default;
  // Streams the rows into the sink. Returns why the data could not make the report (a query the
  // database refused); broken infrastructure and serialization failures throw.
  virtual std::optional<std::string> stream(const ReportQuery& query, RowSink& sink) = 0;
};

// Rows through a server-side cursor, 1000 at a time, inside a savepoint of the caller's transaction
// so that a refused query fails the report and not the transaction.
class PgReportSource final : public ReportSource {
 public:
  explicit PgReportSource(pqxx::work& txn) : txn_(txn) {}
  std::optional<std::string> stream(const ReportQuery& query, RowSink& sink) override;

 private:
  pqxx::work& txn_;
};

// params as stored and carried in events: {from?, to?, location_id?, days?}; nulls are absent.
nlohmann::json to_json(const domain::ReportParams& params);
// Reads params of the wrong JSON type as validation errors ("params.from must be a date string").
domain::Result<domain::ReportParams> report_params_from_json(const nlohmann::json& params);

}  // namespace ims::infra
