#pragma once
// A printable sheet of labels: one A4 page (210 × 297 mm) of 3 columns × 8 rows of 70 × 37 mm
// cells (the common "24 per sheet" label stock), each a rendered label scaled to fit with its
// content as a caption underneath. Pure: the images come in as bytes.
#include <cstddef>
#include <string>
#include <vector>

namespace ims::domain {

inline constexpr std::size_t sheet_columns = 3;
inline constexpr std::size_t sheet_rows = 8;
inline constexpr std::size_t labels_per_sheet = sheet_columns * sheet_rows;

struct SheetLabel {
  std::string content_type;  // image/png or image/svg+xml
  std::string bytes;
  std::string caption;  // printed under the symbol (escaped here)
};

// An SVG document in millimetres; labels beyond labels_per_sheet are not placed. Each image is
// embedded as a data: URI, so the sheet is one self-contained file a browser prints at 100 %.
std::string label_sheet_svg(const std::vector<SheetLabel>& labels);

// RFC 4648 base64 with padding.
std::string base64_encode(const std::string& bytes);

}  // namespace ims::domain
