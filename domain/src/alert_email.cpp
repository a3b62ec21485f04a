#include "ims/domain/alert_email.hpp"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "ims/domain/stock.hpp"

namespace ims::domain {
namespace {

constexpr std::size_t max_subject_bytes = 200;
// A long product name gives way in the subject, so the location and the figures after it still fit.
constexpr std::size_t max_subject_product_bytes = 80;

struct Row {
  std::string label;
  std::string value;
};

// What one kind says; rendered as text and as HTML by the same two functions, so both name the
// same things. All plain text: the HTML renderer escapes every piece.
struct Draft {
  std::string subject;  // after "[IMS] "
  std::string heading;
  std::string summary;
  std::vector<Row> rows;
};

std::string joined(const std::string& a, const std::string& b, const std::string& separator = " ") {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return a + separator + b;
}

std::string product_of(const AlertEmailFacts& f) {
  return joined(f.product_sku, f.product_name);
}

// At most `limit` bytes, cut on a UTF-8 character boundary and marked with "...".
std::string clipped(const std::string& text, std::size_t limit) {
  if (text.size() <= limit) return text;
  std::size_t n = limit - 3;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  return text.substr(0, n) + "...";
}

std::string subject_product(const AlertEmailFacts& f) {
  return clipped(product_of(f), max_subject_product_bytes);
}

std::string location_of(const AlertEmailFacts& f) {
  if (f.location_name.empty()) return f.location_code;
  return f.location_code.empty() ? f.location_name : f.location_code + " (" + f.location_name + ")";
}

std::string at(const std::string& location) {
  return location.empty() ? "" : " at " + location;
}

std::string with_unit(const std::string& value, const std::string& unit) {
  if (value.empty() || unit.empty() || !Quantity::parse(value)) return value;
  return value + " " + unit;
}

void add(std::vector<Row>& rows, std::string label, std::string value) {
  if (!value.empty()) rows.push_back({std::move(label), std::move(value)});
}

void add_product_and_location(std::vector<Row>& rows, const AlertEmailFacts& f) {
  add(rows, "Product", product_of(f));
  add(rows, "Location", location_of(f));
}

Draft low_stock(const AlertEmailFacts& f) {
  Draft d;
  d.subject = "Low stock: " + subject_product(f) + at(f.location_code) + " (" + f.available +
              " available, min " + f.min + ")";
  d.heading = "Low stock" + at(f.location_code);
  d.summary = product_of(f) + " is at or below its minimum" + at(location_of(f)) + ": " +
              with_unit(f.available, f.unit) + " available, minimum " + with_unit(f.min, f.unit) + ".";
  add_product_and_location(d.rows, f);
  add(d.rows, "Available", with_unit(f.available, f.unit));
  add(d.rows, "Minimum", with_unit(f.min, f.unit));
  add(d.rows, "Maximum", with_unit(f.max, f.unit));
  add(d.rows, "Suggested reorder", with_unit(f.suggested_quantity, f.unit));
  return d;
}

Draft lot_expiring(const AlertEmailFacts& f) {
  Draft d;
  const std::string lot = "lot " + f.lot_code;
  if (f.expired) {
    d.subject = "EXPIRED lot: " + subject_product(f) + " " + lot + at(f.location_code) + " (expired " +
                f.expires_on + ")";
    d.heading = "Lot EXPIRED" + at(f.location_code);
    d.summary = "Lot " + f.lot_code + " of " + product_of(f) + at(location_of(f)) + " EXPIRED on " +
                f.expires_on + ". Expired stock is never allocated; write it off or return it.";
  } else {
    d.subject =
        "Lot expiring: " + subject_product(f) + " " + lot + at(f.location_code) + " on " + f.expires_on;
    d.heading = "Lot expiring soon" + at(f.location_code);
    d.summary = "Lot " + f.lot_code + " of " + product_of(f) + at(location_of(f)) + " expires on " +
                f.expires_on + ". Sell or move it before then.";
  }
  add_product_and_location(d.rows, f);
  add(d.rows, "Lot", f.lot_code);
  add(d.rows, "Expires on", f.expired ? f.expires_on + " (EXPIRED)" : f.expires_on);
  add(d.rows, "Available", with_unit(f.available, f.unit));
  return d;
}

// on_hand - ledger_sum, signed, when both are decimals.
std::string drift_difference(const AlertEmailFacts& f) {
  const auto on_hand = Quantity::parse(f.on_hand);
  const auto ledger = Quantity::parse(f.ledger_sum);
  if (!on_hand || !ledger) return "";
  const Quantity diff = *on_hand - *ledger;
  return with_unit((diff.milli() > 0 ? "+" : "") + diff.to_string(), f.unit);
}

Draft inventory_drift(const AlertEmailFacts& f) {
  Draft d;
  d.subject = "Inventory drift: " + subject_product(f) + at(f.location_code) + " (stock " + f.on_hand +
              ", ledger " + f.ledger_sum + ")";
  d.heading = "Stock does not match the ledger" + at(f.location_code);
  d.summary = "The stock figure for " + product_of(f) + at(location_of(f)) + " is " +
              with_unit(f.on_hand, f.unit) + " on hand, but its movements sum to " +
              with_unit(f.ledger_sum, f.unit) +
              ". Nothing was corrected automatically: count the stock and book an adjustment.";
  add_product_and_location(d.rows, f);
  add(d.rows, "On hand (stock)", with_unit(f.on_hand, f.unit));
  add(d.rows, "Sum of movements", with_unit(f.ledger_sum, f.unit));
  add(d.rows, "Difference", drift_difference(f));
  return d;
}

Draft request_overdue(const AlertEmailFacts& f) {
  Draft d;
  const std::string product = subject_product(f);
  d.subject = "Request overdue: " + f.request_number + (product.empty() ? "" : " for " + product) +
              at(f.location_code) + (f.due_at.empty() ? "" : " (due " + f.due_at + ")");
  d.heading = "Approval request " + f.request_number + " is waiting";
  d.summary = "Approval request " + f.request_number + " is still pending" +
              (f.due_at.empty() ? "" : "; approve or deny it by " + f.due_at) + ", or it expires.";
  add(d.rows, "Request", f.request_number);
  add_product_and_location(d.rows, f);
  add(d.rows, "Due", f.due_at);
  return d;
}

Draft transfer_discrepancy(const AlertEmailFacts& f) {
  Draft d;
  const std::string discrepancy = with_unit(f.discrepancy, f.unit);
  d.subject = "Transfer discrepancy: " + f.transfer_number + " " + subject_product(f) + at(f.location_code) +
              " (" + discrepancy + ")";
  d.heading = "Transfer " + f.transfer_number + " arrived with a difference";
  d.summary = "Transfer " + f.transfer_number + " of " + product_of(f) + at(location_of(f)) +
              " was received with a different quantity than was sent: " + discrepancy +
              ". The received quantity was booked; review the difference with the other location.";
  add(d.rows, "Transfer", f.transfer_number);
  add_product_and_location(d.rows, f);
  add(d.rows, "Discrepancy", discrepancy);
  return d;
}

Draft account_pending(const AlertEmailFacts& f) {
  Draft d;
  d.subject = "Account waiting for activation: " + clipped(f.account_username, 64) +
              (f.requested_role.empty() ? "" : " (" + f.requested_role + ")");
  d.heading = "A new account waits for activation";
  d.summary =
      f.account_username + " signed up and asks to work as " + f.requested_role +
      (f.requested_location.empty() ? "" : " at " + f.requested_location) +
      ". Activate it with the role and location you decide, or reject it, on the admin dashboard. It can "
      "be activated once its email address is confirmed.";
  add(d.rows, "Username", f.account_username);
  add(d.rows, "Email", f.account_email);
  add(d.rows, "Requested role", f.requested_role);
  add(d.rows, "Requested location", f.requested_location);
  add(d.rows, "Note", f.note);
  return d;
}

Draft generic(const AlertEmailFacts& f) {
  Draft d;
  d.subject = "Alert: " + joined(f.kind, subject_product(f)) + at(f.location_code);
  d.heading = "Alert: " + f.kind;
  d.summary = "IMS raised a " + f.kind + " alert" + (product_of(f).empty() ? "" : " for " + product_of(f)) +
              at(location_of(f)) + ".";
  add_product_and_location(d.rows, f);
  return d;
}

Draft draft_for(const AlertEmailFacts& f) {
  if (f.kind == "stock.low") return low_stock(f);
  if (f.kind == "lot.expiring") return lot_expiring(f);
  if (f.kind == "inventory.drift") return inventory_drift(f);
  if (f.kind == "request.overdue") return request_overdue(f);
  if (f.kind == "transfer.discrepancy") return transfer_discrepancy(f);
  if (f.kind == "account.pending") return account_pending(f);
  return generic(f);
}

// One line (a header cannot carry CR/LF), cut to the limit on a UTF-8 character boundary.
std::string subject_line(const std::string& text) {
  std::string s = "[IMS] " + text;
  std::replace_if(
      s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }, ' ');
  return clipped(s, max_subject_bytes);
}

std::string alert_link(const AlertEmailFacts& f) {
  std::string base = f.dashboard_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base.empty() ? "" : base + "/#/alerts/" + std::to_string(f.alert_id);
}

constexpr const char* footer =
    "You receive this email because you are responsible for this location in IMS or are an administrator.";

std::string render_text(const Draft& d, const std::string& link) {
  std::size_t width = 0;
  for (const auto& r : d.rows) width = std::max(width, r.label.size());
  std::string out = d.heading + "\n\n" + d.summary + "\n\n";
  for (const auto& r : d.rows)
    out += r.label + ":" + std::string(width - r.label.size() + 1, ' ') + r.value + "\n";
  if (!link.empty()) out += "\nOpen the alert on the dashboard: " + link + "\n";
  out += "\n-- \n" + std::string(footer) + "\n";  // "-- " is the signature separator mail readers know
  return out;
}

std::string render_html(const Draft& d, const std::string& subject, const std::string& link) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>" +
                    html_escape(subject) + "</title></head>\n<body>\n";
  out += "<h2>" + html_escape(d.heading) + "</h2>\n<p>" + html_escape(d.summary) + "</p>\n";
  out += "<table cellpadding=\"4\" cellspacing=\"0\" border=\"0\">\n";
  for (const auto& r : d.rows) {
    out += "<tr><th align=\"left\">" + html_escape(r.label) + "</th><td>" + html_escape(r.value) +
           "</td></tr>\n";
  }
  out += "</table>\n";
  if (!link.empty()) {
    out += "<p><a href=\"" + html_escape(link) + "\">Open the alert on the dashboard</a><br>" +
           html_escape(link) + "</p>\n";
  }
  out += "<p><small>" + html_escape(footer) + "</small></p>\n</body>\n</html>\n";
  return out;
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

RenderedEmail render_alert_email(const AlertEmailFacts& facts) {
  Draft d = draft_for(facts);
  add(d.rows, "Severity", facts.severity);
  add(d.rows, "Alert", "#" + std::to_string(facts.alert_id));
  const std::string link = alert_link(facts);
  RenderedEmail email;
  email.subject = subject_line(d.subject);
  email.text = render_text(d, link);
  email.html = render_html(d, email.subject, link);
  return email;
}

}  // namespace ims::domain
