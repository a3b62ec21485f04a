#pragma once
// Report files, written row by row so a report of any length costs the same memory: CSV (RFC
// 4180, a header row), JSON ({"columns": [...], "rows": [{...}]}, decimals as exact strings) and
// XLSX (libxlsxwriter in constant-memory mode, numbers as numbers, a bold header row).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ims/domain/report.hpp"
#include "ims/infra/report_store.hpp"

namespace ims::infra {

class ReportWriter {
 public:
  virtual ~ReportWriter() = default;
  // false when the file cannot take this row (see refusal()); the report then fails.
  virtual bool row(const ReportRow& row) = 0;
  // Completes the file; throws when it cannot be written (a full disk is not the data's fault).
  virtual void finish() = 0;
  virtual std::optional<std::string> refusal() const = 0;
};

inline constexpr std::size_t xlsx_max_rows = 1'048'575;  // a sheet's 1,048,576 rows less the header

// Opens `path` for a report of these columns; throws when the file cannot be created.
std::unique_ptr<ReportWriter> open_report_writer(domain::ReportFormat format, const std::string& path,
                                                 const std::vector<ReportColumn>& columns);

// One CSV field: quoted when it holds a comma, quote, CR or LF, and when it starts with = + - @
// (so a spreadsheet does not run it as a formula), inner quotes doubled.
std::string csv_field(const std::string& text, bool numeric = false);

}  // namespace ims::infra
