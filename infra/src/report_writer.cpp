#include "ims/infra/report_writer.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <xlsxwriter.h>
#include <nlohmann/json.hpp>

namespace ims::infra {
namespace {

std::ofstream open_file(const std::string& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot create the report file " + path);
  return out;
}

void check(std::ofstream& out, const std::string& path) {
  if (!out) throw std::runtime_error("cannot write the report file " + path);
}

class CsvWriter final : public ReportWriter {
 public:
  CsvWriter(const std::string& path, const std::vector<ReportColumn>& columns)
      : path_(path), columns_(columns), out_(open_file(path)) {
    std::string line;
    for (std::size_t i = 0; i < columns.size(); ++i) line += (i ? "," : "") + csv_field(columns[i].name);
    out_ << line << "\r\n";
  }
  bool row(const ReportRow& row) override {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i) line += ',';
      if (row[i]) line += csv_field(*row[i], i < columns_.size() && columns_[i].kind != ColumnKind::text);
    }
    out_ << line << "\r\n";
    check(out_, path_);
    return true;
  }
  void finish() override {
    out_.flush();
    check(out_, path_);
    out_.close();
  }
  std::optional<std::string> refusal() const override { return std::nullopt; }

 private:
  std::string path_;
  std::vector<ReportColumn> columns_;
  std::ofstream out_;
};

class JsonWriter final : public ReportWriter {
 public:
  JsonWriter(const std::string& path, const std::vector<ReportColumn>& columns)
      : path_(path), columns_(columns), out_(open_file(path)) {
    nlohmann::json names = nlohmann::json::array();
    for (const auto& c : columns) names.push_back(c.name);
    out_ << "{\"columns\":" << names.dump() << ",\"rows\":[";
  }
  bool row(const ReportRow& row) override {
    nlohmann::json object = nlohmann::json::object();
    for (std::size_t i = 0; i < row.size() && i < columns_.size(); ++i) {
      if (!row[i]) {
        object[columns_[i].name] = nullptr;
      } else if (columns_[i].kind == ColumnKind::integer) {
        object[columns_[i].name] = std::stoll(*row[i]);
      } else {
        object[columns_[i].name] = *row[i];  // text, and decimals exactly as the database wrote them
      }
    }
    out_ << (first_ ? "\n" : ",\n") << object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    first_ = false;
    check(out_, path_);
    return true;
  }
  void finish() override {
    out_ << "\n]}\n";
    out_.flush();
    check(out_, path_);
    out_.close();
  }
  std::optional<std::string> refusal() const override { return std::nullopt; }

 private:
  std::string path_;
  std::vector<ReportColumn> columns_;
  std::ofstream out_;
  bool first_ = true;
};

class XlsxWriter final : public ReportWriter {
 public:
  XlsxWriter(const std::string& path, const std::vector<ReportColumn>& columns)
      : path_(path), columns_(columns) {
    tmpdir_ = std::filesystem::path(path).parent_path().string();
    lxw_workbook_options options{};
    options.constant_memory = LXW_TRUE;  // each row goes to disk once the next begins
    options.tmpdir = tmpdir_.empty() ? nullptr : tmpdir_.data();
    options.use_zip64 = LXW_TRUE;
    book_ = workbook_new_opt(path.c_str(), &options);
    if (!book_) throw std::runtime_error("cannot create the report file " + path);
    sheet_ = workbook_add_worksheet(book_, "Report");
    bold_ = workbook_add_format(book_);
    format_set_bold(bold_);
    integer_ = workbook_add_format(book_);
    format_set_num_format(integer_, "0");
    decimal_ = workbook_add_format(book_);
    format_set_num_format(decimal_, "#,##0.00###");
    for (std::size_t i = 0; i < columns.size(); ++i)
      write(worksheet_write_string(sheet_, 0, static_cast<lxw_col_t>(i), columns[i].name.c_str(), bold_));
  }
  ~XlsxWriter() override {
    if (book_) workbook_close(book_);  // an unfinished file; the caller removes it
  }
  XlsxWriter(const XlsxWriter&) = delete;
  XlsxWriter& operator=(const XlsxWriter&) = delete;

  bool row(const ReportRow& row) override {
    if (rows_ >= xlsx_max_rows) {
      refusal_ = "an XLSX sheet holds at most " + std::to_string(xlsx_max_rows) +
                 " rows; ask for CSV or JSON, or a shorter period";
      return false;
    }
    const auto r = static_cast<lxw_row_t>(++rows_);
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (!row[i]) continue;
      const auto c = static_cast<lxw_col_t>(i);
      const auto kind = i < columns_.size() ? columns_[i].kind : ColumnKind::text;
      const auto error = kind == ColumnKind::text
                             ? worksheet_write_string(sheet_, r, c, row[i]->c_str(), nullptr)
                             : worksheet_write_number(sheet_, r, c, std::strtod(row[i]->c_str(), nullptr),
                                                      kind == ColumnKind::integer ? integer_ : decimal_);
      if (error != LXW_NO_ERROR) {  // e.g. a text over 32,767 characters: the data's fault
        refusal_ =
            "row " + std::to_string(rows_) + ", column " + std::to_string(i + 1) + ": " + lxw_strerror(error);
        return false;
      }
    }
    return true;
  }
  void finish() override {
    auto* book = book_;
    book_ = nullptr;
    const auto error = workbook_close(book);
    if (error != LXW_NO_ERROR)
      throw std::runtime_error("cannot write the report file " + path_ + ": " + lxw_strerror(error));
  }
  std::optional<std::string> refusal() const override { return refusal_; }

 private:
  void write(lxw_error error) {
    if (error != LXW_NO_ERROR) throw std::runtime_error(std::string("libxlsxwriter: ") + lxw_strerror(error));
  }

  std::string path_;
  std::vector<ReportColumn> columns_;
  std::string tmpdir_;
  lxw_workbook* book_ = nullptr;
  lxw_worksheet* sheet_ = nullptr;
  lxw_format* bold_ = nullptr;
  lxw_format* integer_ = nullptr;
  lxw_format* decimal_ = nullptr;
  std::size_t rows_ = 0;
  std::optional<std::string> refusal_;
};

}  // namespace

std::string csv_field(const std::string& text, bool numeric) {
  const bool formula =
      !numeric && !text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@');
  if (!formula && text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  if (formula) out += '\'';
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::unique_ptr<ReportWriter> open_report_writer(domain::ReportFormat format, const std::string& path,
                                                 const std::vector<ReportColumn>& columns) {
  switch (format) {
    case domain::ReportFormat::csv:
      return std::make_unique<CsvWriter>(path, columns);
    case domain::ReportFormat::json:
      return std::make_unique<JsonWriter>(path, columns);
    case domain::ReportFormat::xlsx:
      return std::make_unique<XlsxWriter>(path, columns);
  }
  throw std::logic_error("unknown report format");
}

}  // namespace ims::infra
