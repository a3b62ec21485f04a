#pragma once
// Labels (issue 11): what a label of a product, lot, order, location or transfer encodes in each
// symbology, why it cannot (no GTIN, a bad check digit, too long), the label's lifecycle, who may
// see a subject, and the ZPL II text a thermal printer draws the same symbol from.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ims/domain/policy.hpp"
#include "ims/domain/result.hpp"

namespace ims::domain {

enum class LabelSubject { product, lot, order, location, transfer };
enum class Symbology { qr, code128, ean13, gs1_128, gs1_datamatrix };
enum class LabelFormat { png, svg, zpl };
enum class LabelSize { small, medium, large };
enum class LabelStatus { pending, ready, failed };

std::optional<LabelSubject> parse_label_subject(std::string_view text);
std::optional<Symbology> parse_symbology(std::string_view text);
std::optional<LabelFormat> parse_label_format(std::string_view text);
std::optional<LabelSize> parse_label_size(std::string_view text);
std::optional<LabelStatus> parse_label_status(std::string_view text);
std::string_view to_string(LabelSubject subject);
std::string_view to_string(Symbology symbology);
std::string_view to_string(LabelFormat format);
std::string_view to_string(LabelSize size);
std::string_view to_string(LabelStatus status);

std::string_view content_type_of(LabelFormat format);  // image/png, image/svg+xml, application/zpl
bool is_gs1(Symbology symbology);

// What the store found about a label's subject.
struct LabelFacts {
  LabelSubject subject = LabelSubject::product;
  std::int64_t id = 0;
  std::string code;                       // SKU, lot code, order number, location code, transfer number
  std::optional<std::string> gtin;        // the product's (a lot's product's)
  std::optional<std::string> expires_on;  // a lot's, YYYY-MM-DD
};

// The text the symbol encodes, or a validation error whose message is the label's reason:
//  product → SKU (qr, code128), GTIN-13 (ean13), (01)GTIN-14 (gs1_*);
//  lot → lot code (qr, code128), its product's GTIN-13 (ean13), (01)…(17)YYMMDD(10)LOT (gs1_*);
//  order → "<number>\n<dashboard>/#/orders/<id>" (qr), the number otherwise;
//  location → code; transfer → number. GS1 element strings use parenthesised AIs.
Result<std::string> label_content(const LabelFacts& facts, Symbology symbology,
                                  const std::string& dashboard_url);

// The 13 digits of an EAN-13 from a product's GTIN: a valid GTIN-13; a GTIN-12 (UPC-A) or a GTIN-14
// with indicator 0, re-expressed; 12 bare digits get their check digit computed. Else the reason.
Result<std::string> ean13_of(const std::string& gtin);
// The GS1 mod-10 check digit of the digits given (without it).
int gs1_check_digit(std::string_view digits);
// "(01)…(17)…(10)…" without the parentheses: the data a GS1 symbol carries (FNC1 aside).
std::string gs1_data_characters(std::string_view element_string);

// Lifecycle: pending → ready | failed; anything else is a conflict.
Result<LabelStatus> render_label(LabelStatus from);
Result<LabelStatus> fail_label(LabelStatus from);

// Who sees a subject (and its labels): products and locations everyone; an order its seller and
// buyer locations (as can_see_order); a transfer its two locations; a lot the locations holding
// it. `locations` are those the store found for the subject. Unscoped roles see all.
bool can_see_label_subject(const Actor& actor, LabelSubject subject,
                           const std::vector<std::int64_t>& locations);

// Dots per module of each size (PNG pixels are zint's scale × 2; ZPL module width/magnification).
int module_dots(LabelSize size);

// ZPL II for one label holding the symbol of `content` (as label_content made it): ^XA, UTF-8,
// ^BQ (QR), ^BX (DataMatrix, FNC1-led for GS1), ^BC (Code 128; mode D for GS1-128), ^BE (EAN-13),
// the human-readable line, ^XZ. Field data is hex-escaped (^FH) where ZPL would read a command.
std::string zpl_label(Symbology symbology, const std::string& content, LabelSize size);

}  // namespace ims::domain
