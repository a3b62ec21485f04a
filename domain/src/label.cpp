#include "ims/domain/label.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include "ims/domain/catalog.hpp"
#include "ims/domain/order.hpp"

#include "enum_names.hpp"

namespace ims::domain {
namespace {

constexpr std::array<std::pair<LabelSubject, std::string_view>, 5> subjects{
    {{LabelSubject::product, "product"},
     {LabelSubject::lot, "lot"},
     {LabelSubject::order, "order"},
     {LabelSubject::location, "location"},
     {LabelSubject::transfer, "transfer"}}};
constexpr std::array<std::pair<Symbology, std::string_view>, 5> symbologies{
    {{Symbology::qr, "qr"},
     {Symbology::code128, "code128"},
     {Symbology::ean13, "ean13"},
     {Symbology::gs1_128, "gs1_128"},
     {Symbology::gs1_datamatrix, "gs1_datamatrix"}}};
constexpr std::array<std::pair<LabelFormat, std::string_view>, 3> formats{
    {{LabelFormat::png, "png"}, {LabelFormat::svg, "svg"}, {LabelFormat::zpl, "zpl"}}};
constexpr std::array<std::pair<LabelSize, std::string_view>, 3> sizes{
    {{LabelSize::small, "small"}, {LabelSize::medium, "medium"}, {LabelSize::large, "large"}}};
constexpr std::array<std::pair<LabelStatus, std::string_view>, 3> statuses{
    {{LabelStatus::pending, "pending"}, {LabelStatus::ready, "ready"}, {LabelStatus::failed, "failed"}}};

Error refusal(std::string reason) {
  return Error::of(ErrorCode::validation, std::move(reason));
}

// The longest content each symbology takes here: Code 128 stays scannable by hand-held readers;
// GS1-128 carries at most 48 data characters (GS1 General Specifications); 2-D symbols are cut
// well below their capacity so a medium label stays printable.
constexpr std::size_t max_code128 = 80;
constexpr std::size_t max_gs1_128_data = 48;
constexpr std::size_t max_matrix = 1000;

bool printable_ascii(const std::string& text) {
  return std::all_of(text.begin(), text.end(), [](unsigned char c) { return c >= 0x20 && c < 0x7f; });
}

// GS1 AI (10) takes up to 20 characters of GS1's set 82; parentheses are left out as well, since
// they delimit the AIs of the element string.
std::optional<std::string> check_gs1_lot(const std::string& lot) {
  static constexpr std::string_view extra = "!\"%&'*+,-./:;<=>?_";
  if (lot.size() > 20) return "the lot code is longer than the 20 characters GS1 allows in (10)";
  for (unsigned char c : lot) {
    if (!std::isalnum(c) && extra.find(static_cast<char>(c)) == std::string_view::npos) {
      return "the lot code has a character GS1 does not allow in (10): '" +
             std::string(1, static_cast<char>(c)) + "'";
    }
  }
  return std::nullopt;
}

Result<std::string> gtin14_of(const LabelFacts& f) {
  const std::string whose = f.subject == LabelSubject::lot ? "the lot's product" : "the product";
  if (!f.gtin || f.gtin->empty()) return refusal(whose + " has no GTIN");
  if (auto bad = check_gtin(*f.gtin)) return refusal(whose + "'s GTIN " + *bad);
  return std::string(14 - f.gtin->size(), '0') + *f.gtin;
}

Result<std::string> gs1_element_string(const LabelFacts& f) {
  auto gtin = gtin14_of(f);
  if (!gtin) return gtin.error();
  std::string out = "(01)" + *gtin;
  if (f.subject == LabelSubject::lot) {
    if (f.expires_on) {
      const auto& d = *f.expires_on;  // YYYY-MM-DD
      if (d.size() != 10) return refusal("the lot's expiry is not a date");
      out += "(17)" + d.substr(2, 2) + d.substr(5, 2) + d.substr(8, 2);
    }
    if (auto bad = check_gs1_lot(f.code)) return refusal(*bad);
    out += "(10)" + f.code;
  }
  return out;
}

Result<std::string> plain_content(const LabelFacts& f, Symbology s, const std::string& dashboard_url) {
  if (f.subject == LabelSubject::order && s == Symbology::qr) {
    auto base = dashboard_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    return f.code + "\n" + base + "/#/orders/" + std::to_string(f.id);
  }
  return f.code;
}

Result<std::string> checked(Symbology s, std::string content) {
  switch (s) {
    case Symbology::code128:
      if (!printable_ascii(content)) return refusal("Code 128 takes printable ASCII only");
      if (content.size() > max_code128)
        return refusal("the content (" + std::to_string(content.size()) +
                       " characters) is too long for Code 128 (at most " + std::to_string(max_code128) + ")");
      break;
    case Symbology::gs1_128:
      if (gs1_data_characters(content).size() > max_gs1_128_data)
        return refusal("the element string is too long for GS1-128 (at most 48 data characters)");
      break;
    case Symbology::qr:
    case Symbology::gs1_datamatrix:
      if (content.size() > max_matrix)
        return refusal("the content (" + std::to_string(content.size()) +
                       " bytes) is too long for a label (at most " + std::to_string(max_matrix) + ")");
      break;
    case Symbology::ean13:
      break;
  }
  if (content.empty()) return refusal("the subject has nothing to encode");
  return content;
}

bool carries_gtin(LabelSubject s) {
  return s == LabelSubject::product || s == LabelSubject::lot;
}

}  // namespace

std::optional<LabelSubject> parse_label_subject(std::string_view t) {
  return detail::parse_name(subjects, t);
}
std::optional<Symbology> parse_symbology(std::string_view t) {
  return detail::parse_name(symbologies, t);
}
std::optional<LabelFormat> parse_label_format(std::string_view t) {
  return detail::parse_name(formats, t);
}
std::optional<LabelSize> parse_label_size(std::string_view t) {
  return detail::parse_name(sizes, t);
}
std::optional<LabelStatus> parse_label_status(std::string_view t) {
  return detail::parse_name(statuses, t);
}
std::string_view to_string(LabelSubject v) {
  return detail::name_of(subjects, v, "");
}
std::string_view to_string(Symbology v) {
  return detail::name_of(symbologies, v, "");
}
std::string_view to_string(LabelFormat v) {
  return detail::name_of(formats, v, "");
}
std::string_view to_string(LabelSize v) {
  return detail::name_of(sizes, v, "");
}
std::string_view to_string(LabelStatus v) {
  return detail::name_of(statuses, v, "");
}

std::string_view content_type_of(LabelFormat format) {
  switch (format) {
    case LabelFormat::png:
      return "image/png";
    case LabelFormat::svg:
      return "image/svg+xml";
    case LabelFormat::zpl:
      return "application/zpl";
  }
  return "application/octet-stream";
}

bool is_gs1(Symbology s) {
  return s == Symbology::gs1_128 || s == Symbology::gs1_datamatrix;
}

int gs1_check_digit(std::string_view digits) {
  int sum = 0;
  const auto n = digits.size();
  for (std::size_t i = 0; i < n; ++i) sum += (digits[n - 1 - i] - '0') * (i % 2 == 0 ? 3 : 1);
  return (10 - sum % 10) % 10;
}

Result<std::string> ean13_of(const std::string& gtin) {
  const bool digits =
      !gtin.empty() && std::all_of(gtin.begin(), gtin.end(), [](unsigned char c) { return std::isdigit(c); });
  if (!digits) return refusal("the GTIN must contain digits only");
  if (gtin.size() == 12 && !check_gtin(gtin)) return "0" + gtin;  // a valid GTIN-12 (UPC-A)
  if (gtin.size() == 12) return gtin + std::to_string(gs1_check_digit(gtin));
  if (gtin.size() == 14 && gtin[0] != '0')
    return refusal("a GTIN-14 with indicator digit " + gtin.substr(0, 1) + " has no EAN-13");
  if (gtin.size() == 14) return ean13_of(gtin.substr(1));
  if (gtin.size() != 13)
    return refusal("an EAN-13 needs a GTIN of 12 or 13 digits, not " + std::to_string(gtin.size()));
  if (auto bad = check_gtin(gtin)) return refusal("the GTIN " + *bad);
  return gtin;
}

std::string gs1_data_characters(std::string_view element_string) {
  std::string out;
  for (char c : element_string) {
    if (c != '(' && c != ')') out += c;
  }
  return out;
}

Result<std::string> label_content(const LabelFacts& f, Symbology s, const std::string& dashboard_url) {
  if ((s == Symbology::ean13 || is_gs1(s)) && !carries_gtin(f.subject)) {
    const std::string subject(to_string(f.subject));
    return refusal(std::string(subject == "order" ? "an " : "a ") + subject +
                   " has no GTIN: " + std::string(to_string(s)) + " labels are for products and lots");
  }
  if (s == Symbology::ean13) {
    const std::string whose = f.subject == LabelSubject::lot ? "the lot's product" : "the product";
    if (!f.gtin || f.gtin->empty()) return refusal(whose + " has no GTIN, which an EAN-13 encodes");
    auto ean = ean13_of(*f.gtin);
    if (!ean) return refusal(whose + ": " + ean.error().message);
    return *ean;
  }
  if (is_gs1(s)) {
    auto element = gs1_element_string(f);
    if (!element) return element.error();
    return checked(s, *element);
  }
  auto plain = plain_content(f, s, dashboard_url);
  if (!plain) return plain.error();
  return checked(s, *plain);
}

Result<LabelStatus> render_label(LabelStatus from) {
  if (from != LabelStatus::pending)
    return Error::of(ErrorCode::conflict, "the label is " + std::string(to_string(from)) + " already");
  return LabelStatus::ready;
}

Result<LabelStatus> fail_label(LabelStatus from) {
  if (from != LabelStatus::pending)
    return Error::of(ErrorCode::conflict, "the label is " + std::string(to_string(from)) + " already");
  return LabelStatus::failed;
}

bool can_see_label_subject(const Actor& actor, LabelSubject subject,
                           const std::vector<std::int64_t>& locations) {
  switch (subject) {
    case LabelSubject::product:
    case LabelSubject::location:
      return true;  // the catalog and the chain are read by everyone
    case LabelSubject::order: {
      const auto at = [&](std::size_t i) {
        return i < locations.size() ? std::optional(locations[i]) : std::nullopt;
      };
      return can_see_order(actor, at(0), at(1));
    }
    case LabelSubject::transfer:
    case LabelSubject::lot:
      if (!is_location_scoped(actor.role)) return true;
      return std::any_of(locations.begin(), locations.end(),
                         [&](std::int64_t l) { return can_access_location(actor, l); });
  }
  return false;
}

int module_dots(LabelSize size) {
  switch (size) {
    case LabelSize::small:
      return 2;
    case LabelSize::medium:
      return 4;
    case LabelSize::large:
      return 8;
  }
  return 4;
}

namespace {

// ^FH\ field data: the characters ZPL would read as a command prefix, and the escape itself.
std::string zpl_field(const std::string& text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out = "^FH\\^FD";
  for (unsigned char c : text) {
    if (c == '^' || c == '~' || c == '\\' || c < 0x20) {
      out += '\\';
      out += hex[c >> 4];
      out += hex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "^FS";
}

}  // namespace

std::string zpl_label(Symbology s, const std::string& content, LabelSize size) {
  const int dots = module_dots(size);
  const int height = 25 * dots;  // bar height of the linear symbols
  const std::string at = "^FO" + std::to_string(10 * dots) + "," + std::to_string(10 * dots);
  std::string z = "^XA\n^CI28\n";
  switch (s) {
    case Symbology::qr:
      // model 2, magnification = dots per module; "MA,": error correction M, automatic input.
      z += at + "^BQN,2," + std::to_string(std::min(dots, 10)) + zpl_field("MA," + content) + "\n";
      break;
    case Symbology::gs1_datamatrix:
      // ECC 200 with '#' as the escape character ('_', the usual one, is in GS1's character set):
      // #1 is the FNC1 that makes it a GS1 DataMatrix. AIs 01 and 17 are fixed length and (10) is
      // last, so no separator follows.
      z += at + "^BXN," + std::to_string(dots) + ",200,,,,#^FD#1" + gs1_data_characters(content) + "^FS\n";
      break;
    case Symbology::code128:
      z += "^BY" + std::to_string(std::min(dots, 10)) + "\n" + at + "^BCN," + std::to_string(height) +
           ",Y,N,N" + zpl_field(content) + "\n";
      break;
    case Symbology::gs1_128:
      // Mode D (UCC/EAN): the printer puts FNC1 first and reads the parenthesised AIs.
      z += "^BY" + std::to_string(std::min(dots, 10)) + "\n" + at + "^BCN," + std::to_string(height) +
           ",Y,N,N,D^FD" + content + "^FS\n";
      break;
    case Symbology::ean13:
      // ^BE takes the first 12 digits and prints the check digit it computes.
      z += "^BY" + std::to_string(std::min(dots, 10)) + "\n" + at + "^BEN," + std::to_string(height) +
           ",Y,N^FD" + content.substr(0, 12) + "^FS\n";
      break;
  }
  return z + "^XZ\n";
}

}  // namespace ims::domain
