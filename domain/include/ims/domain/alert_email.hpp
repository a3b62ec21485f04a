#pragma once
// The email an alert sends: subject, plain text and HTML, from the facts the alerts worker
// gathered. Pure: no clock, no lookups, so every kind is table-tested.
#include <cstdint>
#include <string>
#include <string_view>

namespace ims::domain {

struct AlertEmailFacts {
  std::int64_t alert_id = 0;
  std::string kind;  // stock.low | lot.expiring | inventory.drift | request.overdue | transfer.discrepancy
  std::string severity;                   // info | warning | critical
  std::string product_sku, product_name;  // may be empty (request.overdue may name no product)
  std::string location_code, location_name;
  std::string unit;                          // unit of measure, e.g. "pcs"
  std::string available, min, max;           // decimal strings as stored ("4", "12.5"), stock.low
  std::string suggested_quantity;            // max - available, stock.low
  std::string lot_code, expires_on;          // lot.expiring
  bool expired = false;                      // lot.expiring: already past expires_on
  std::string on_hand, ledger_sum;           // inventory.drift: the stock row's figure and the movements' sum
  std::string request_number, due_at;        // request.overdue
  std::string transfer_number, discrepancy;  // transfer.discrepancy
  std::string account_username, account_email, requested_role, requested_location, note;  // account.pending
  std::string dashboard_url;  // e.g. http://127.0.0.1:8080; a trailing slash is fine
};

struct RenderedEmail {
  std::string subject;  // one line, at most 200 bytes, "[IMS] ..."
  std::string text;
  std::string html;  // every value from the facts escaped
};

// Unknown kinds still render (a generic alert naming the kind), so a new kind never loses its email.
RenderedEmail render_alert_email(const AlertEmailFacts& facts);

// & < > " ' as entities: safe in element content and in quoted attribute values.
std::string html_escape(std::string_view text);

}  // namespace ims::domain
