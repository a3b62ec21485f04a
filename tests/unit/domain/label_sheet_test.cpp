// The printable sheet: an A4 page of at most 24 cells, each label embedded as a data: URI with its
// caption escaped; base64 as RFC 4648 spells it.
#include <gtest/gtest.h>

#include "ims/domain/label_sheet.hpp"

using namespace ims::domain;

namespace {
std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
  return n;
}
}  // namespace

TEST(Base64, MatchesTheRfc4648TestVectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode(std::string("\xff\x00\x80", 3)), "/wCA");
}

TEST(LabelSheet, AnA4PageOfAtMost24CellsInThreeColumns) {
  std::vector<SheetLabel> labels(30, SheetLabel{"image/png", "PNG", "SKU-1"});
  const auto svg = label_sheet_svg(labels);
  EXPECT_NE(svg.find("width=\"210.00mm\" height=\"297.00mm\" viewBox=\"0 0 210.00 297.00\""),
            std::string::npos);
  EXPECT_EQ(count_of(svg, "<image "), labels_per_sheet);
  EXPECT_EQ(count_of(svg, "href=\"data:image/png;base64,UE5H\""), 24u);
  // The third cell starts the third column; the fourth starts the second row, 37 mm lower.
  EXPECT_NE(svg.find("<image x=\"142.50\" y=\"3.00\""), std::string::npos) << svg.substr(0, 600);
  EXPECT_NE(svg.find("<image x=\"2.50\" y=\"40.00\""), std::string::npos);
}

TEST(LabelSheet, CaptionsAreEscapedOneLineAndShort) {
  const auto svg =
      label_sheet_svg({{"image/svg+xml", "<svg/>", "A&B <lot>\r\n\"x\"" + std::string(100, 'y')}});
  EXPECT_NE(svg.find(">A&amp;B &lt;lot&gt;  &quot;x&quot;yyy"), std::string::npos) << svg;
  EXPECT_EQ(svg.find("<lot>"), std::string::npos);
  EXPECT_EQ(svg.find("y\r"), std::string::npos);
  EXPECT_EQ(svg.find(std::string(60, 'y')), std::string::npos) << "a caption longer than a cell";
  EXPECT_NE(svg.find("href=\"data:image/svg+xml;base64,PHN2Zy8+\""), std::string::npos);
}
