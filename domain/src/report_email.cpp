#include "ims/domain/report_email.hpp"

#include <algorithm>

namespace ims::domain {
namespace {

std::string title_of(ReportType type) {
  switch (type) {
    case ReportType::daily_sales:
      return "Daily sales";
    case ReportType::stock_valuation:
      return "Stock valuation";
    case ReportType::movements:
      return "Stock movements";
    case ReportType::low_stock:
      return "Low stock";
    case ReportType::expiry:
      return "Expiry";
  }
  return "IMS";
}

// A header line carries no control characters, and stays short.
std::string one_line(std::string s, std::size_t limit) {
  std::replace_if(
      s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }, ' ');
  if (s.size() <= limit) return s;
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // a UTF-8 boundary
  return s.substr(0, cut);
}

}  // namespace

RenderedEmail render_report_email(const ReportEmailFacts& f) {
  const std::string title = title_of(f.type);
  const std::string where =
      f.location_name.empty() ? f.location_code : f.location_code + " " + f.location_name;
  const std::string period = f.from == f.to ? f.from : f.from + " to " + f.to;
  std::string base = f.dashboard_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  const std::string link = base.empty() ? "" : base + "/#/reports/" + std::to_string(f.report_id);
  const std::string file = report_file_name(f.type, f.report_id, f.format);

  RenderedEmail out;
  out.subject = one_line(
      "[IMS] " + title + " report for " + f.location_code + (period.empty() ? "" : ", " + period), 200);
  const std::string heading = title + " report ready";
  const std::string summary = "The " + title + " report of " + where +
                              (period.empty() ? "" : " for " + period) +
                              " is ready: " + std::to_string(f.row_count) + " rows in " + file + ".";
  out.text = heading + "\n\n" + summary + "\n";
  if (!link.empty()) out.text += "\nOpen it on the dashboard: " + link + "\n";
  out.text += "\n-- \nYou receive this email because you work at this location in IMS.\n";
  out.html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>" +
             html_escape(out.subject) + "</title></head>\n<body>\n<h2>" + html_escape(heading) +
             "</h2>\n<p>" + html_escape(summary) + "</p>\n";
  if (!link.empty()) {
    out.html += "<p><a href=\"" + html_escape(link) + "\">Open the report on the dashboard</a><br>" +
                html_escape(link) + "</p>\n";
  }
  out.html +=
      "<p><small>You receive this email because you work at this location in "
      "IMS.</small></p>\n</body>\n</html>\n";
  return out;
}

std::string report_message_id(std::int64_t report_id, std::int64_t user_id) {
  return "<report-" + std::to_string(report_id) + "-user-" + std::to_string(user_id) + "@ims>";
}

}  // namespace ims::domain
