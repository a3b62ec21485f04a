#include "ims/domain/label_sheet.hpp"

#include <algorithm>
#include <cstdio>

#include "ims/domain/alert_email.hpp"

namespace ims::domain {
namespace {

constexpr double page_width_mm = 210.0;
constexpr double page_height_mm = 297.0;
constexpr double cell_width_mm = 70.0;
constexpr double cell_height_mm = 37.0;
constexpr double top_margin_mm = (page_height_mm - sheet_rows * cell_height_mm) / 2;
constexpr double padding_mm = 2.5;
constexpr double caption_mm = 3.0;  // font size of the caption line

std::string mm(double v) {
  char out[32];
  std::snprintf(out, sizeof out, "%.2f", v);
  return out;
}

// One line of at most `limit` bytes, cut on a UTF-8 boundary, without control characters.
std::string caption_of(std::string text, std::size_t limit = 48) {
  std::replace_if(
      text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; },
      ' ');
  if (text.size() <= limit) return text;
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "…";
}

}  // namespace

std::string base64_encode(const std::string& bytes) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  if (i < bytes.size()) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? alphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string label_sheet_svg(const std::vector<SheetLabel>& labels) {
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
      mm(page_width_mm) + "mm\" height=\"" + mm(page_height_mm) + "mm\" viewBox=\"0 0 " + mm(page_width_mm) +
      " " + mm(page_height_mm) + "\">\n";
  const std::size_t count = std::min(labels.size(), labels_per_sheet);
  for (std::size_t i = 0; i < count; ++i) {
    const auto& label = labels[i];
    const double x = static_cast<double>(i % sheet_columns) * cell_width_mm;
    const double y = top_margin_mm + static_cast<double>(i / sheet_columns) * cell_height_mm;
    const double image_height = cell_height_mm - 2 * padding_mm - caption_mm - 1.0;
    out += "<g>\n<image x=\"" + mm(x + padding_mm) + "\" y=\"" + mm(y + padding_mm) + "\" width=\"" +
           mm(cell_width_mm - 2 * padding_mm) + "\" height=\"" + mm(image_height) +
           "\" preserveAspectRatio=\"xMidYMid meet\" href=\"data:" + label.content_type + ";base64," +
           base64_encode(label.bytes) + "\"/>\n";
    out += "<text x=\"" + mm(x + cell_width_mm / 2) + "\" y=\"" + mm(y + cell_height_mm - padding_mm) +
           "\" font-family=\"sans-serif\" font-size=\"" + mm(caption_mm) + "\" text-anchor=\"middle\">" +
           html_escape(caption_of(label.caption)) + "</text>\n</g>\n";
  }
  out += "</svg>\n";
  return out;
}

}  // namespace ims::domain
