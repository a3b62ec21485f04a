// What each alert's email names, in its subject, text and HTML; escaping of data in the HTML.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ims/domain/alert_email.hpp"

using namespace ims::domain;

namespace {

AlertEmailFacts base(const std::string& kind) {
  AlertEmailFacts f;
  f.alert_id = 42;
  f.kind = kind;
  f.severity = "warning";
  f.product_sku = "SKU-123";
  f.product_name = "Widget";
  f.location_code = "RET-ANDHERI";
  f.location_name = "Andheri Retail";
  f.unit = "pcs";
  f.dashboard_url = "http://127.0.0.1:8080/";
  return f;
}

AlertEmailFacts low_stock() {
  auto f = base("stock.low");
  f.available = "4";
  f.min = "5";
  f.max = "20";
  f.suggested_quantity = "16";
  return f;
}

// Every piece appears in the text and in the HTML.
void expect_names(const RenderedEmail& e, const std::vector<std::string>& pieces) {
  for (const auto& p : pieces) {
    EXPECT_NE(e.text.find(p), std::string::npos) << "text lacks '" << p << "':\n" << e.text;
    EXPECT_NE(e.html.find(p), std::string::npos) << "html lacks '" << p << "':\n" << e.html;
  }
}

const std::string alert_link = "http://127.0.0.1:8080/#/alerts/42";

}  // namespace

TEST(AlertEmail, LowStockNamesProductLocationQuantitiesAndTheDashboard) {
  const auto e = render_alert_email(low_stock());
  EXPECT_EQ(e.subject, "[IMS] Low stock: SKU-123 Widget at RET-ANDHERI (4 available, min 5)");
  expect_names(e, {"SKU-123", "Widget", "RET-ANDHERI", "Andheri Retail", "4 pcs", "5 pcs", "20 pcs", "16 pcs",
                   "Suggested reorder", alert_link});
  EXPECT_NE(e.html.find("href=\"" + alert_link + "\""), std::string::npos) << e.html;
}

TEST(AlertEmail, DecimalQuantitiesAreShownAsStored) {
  auto f = low_stock();
  f.available = "12.5";
  f.min = "15";
  f.unit = "kg";
  const auto e = render_alert_email(f);
  EXPECT_NE(e.subject.find("(12.5 available, min 15)"), std::string::npos) << e.subject;
  expect_names(e, {"12.5 kg", "15 kg"});
}

TEST(AlertEmail, ExpiringLotNamesLotAndDate) {
  auto f = base("lot.expiring");
  f.lot_code = "L-2026-07";
  f.expires_on = "2026-07-31";
  const auto e = render_alert_email(f);
  EXPECT_EQ(e.subject, "[IMS] Lot expiring: SKU-123 Widget lot L-2026-07 at RET-ANDHERI on 2026-07-31");
  expect_names(e, {"SKU-123", "Widget", "RET-ANDHERI", "L-2026-07", "2026-07-31", alert_link});
  EXPECT_EQ(e.text.find("EXPIRED"), std::string::npos);
}

TEST(AlertEmail, ExpiredLotSaysExpired) {
  auto f = base("lot.expiring");
  f.lot_code = "L-1";
  f.expires_on = "2026-01-31";
  f.expired = true;
  const auto e = render_alert_email(f);
  EXPECT_NE(e.subject.find("EXPIRED"), std::string::npos) << e.subject;
  EXPECT_NE(e.subject.find("L-1"), std::string::npos) << e.subject;
  expect_names(e, {"EXPIRED", "L-1", "2026-01-31", "SKU-123", "RET-ANDHERI"});
}

TEST(AlertEmail, DriftNamesBothFiguresAndTheDifference) {
  auto f = base("inventory.drift");
  f.on_hand = "10";
  f.ledger_sum = "7.5";
  const auto e = render_alert_email(f);
  EXPECT_EQ(e.subject, "[IMS] Inventory drift: SKU-123 Widget at RET-ANDHERI (stock 10, ledger 7.5)");
  expect_names(e, {"10 pcs", "7.5 pcs", "+2.5 pcs", "SKU-123", "RET-ANDHERI", alert_link});
}

TEST(AlertEmail, OverdueRequestNamesTheRequestAndItsDeadline) {
  auto f = base("request.overdue");
  f.product_sku.clear();
  f.product_name.clear();
  f.request_number = "REQ-000012";
  f.due_at = "2026-12-03 10:00 UTC";
  const auto e = render_alert_email(f);
  EXPECT_EQ(e.subject, "[IMS] Request overdue: REQ-000012 at RET-ANDHERI (due 2026-12-03 10:00 UTC)");
  expect_names(e, {"REQ-000012", "2026-12-03 10:00 UTC", "RET-ANDHERI", alert_link});
  EXPECT_EQ(e.text.find("Product"), std::string::npos) << "no product row without a product";
}

TEST(AlertEmail, TransferDiscrepancyNamesTransferProductAndDifference) {
  auto f = base("transfer.discrepancy");
  f.transfer_number = "TR-000003";
  f.discrepancy = "-2";
  const auto e = render_alert_email(f);
  EXPECT_EQ(e.subject, "[IMS] Transfer discrepancy: TR-000003 SKU-123 Widget at RET-ANDHERI (-2 pcs)");
  expect_names(e, {"TR-000003", "SKU-123", "Widget", "RET-ANDHERI", "-2 pcs", alert_link});
}

TEST(AlertEmail, UnknownKindStillRendersNamingIt) {
  auto f = base("supplier.late");
  const auto e = render_alert_email(f);
  EXPECT_NE(e.subject.find("supplier.late"), std::string::npos) << e.subject;
  expect_names(e, {"supplier.late", "SKU-123", alert_link});
}

TEST(AlertEmail, EscapesDataInTheHtml) {
  auto f = low_stock();
  f.product_name = "<b>&\"'";
  f.location_name = "<script>alert(1)</script>";
  const auto e = render_alert_email(f);
  EXPECT_EQ(e.html.find("<b>&"), std::string::npos) << e.html;
  EXPECT_EQ(e.html.find("<script>"), std::string::npos) << e.html;
  EXPECT_NE(e.html.find("&lt;b&gt;&amp;&quot;&#39;"), std::string::npos) << e.html;
  EXPECT_NE(e.html.find("&lt;script&gt;"), std::string::npos) << e.html;
  EXPECT_NE(e.text.find("<b>&\"'"), std::string::npos) << "plain text shows the name as it is";
}

TEST(AlertEmail, SubjectIsOneLineOfAtMost200Bytes) {
  auto f = low_stock();
  f.product_name = "Widget\r\nBcc: victim@example.com";
  auto e = render_alert_email(f);
  EXPECT_EQ(e.subject.find_first_of("\r\n"), std::string::npos) << e.subject;
  EXPECT_NE(e.subject.find("Widget  Bcc"), std::string::npos) << e.subject;

  f.product_name.clear();
  for (int i = 0; i < 100; ++i) f.product_name += "é";  // two bytes each: a cut must not split one
  e = render_alert_email(f);
  EXPECT_LE(e.subject.size(), 200u);
  EXPECT_TRUE(e.subject.ends_with(" at RET-ANDHERI (4 available, min 5)"))
      << "the name gives way: " << e.subject;
  EXPECT_NE(e.subject.find("éé..."), std::string::npos) << e.subject;

  for (int i = 0; i < 20; ++i) f.location_code += "-LONG-CODE";
  e = render_alert_email(f);
  EXPECT_LE(e.subject.size(), 200u);
  EXPECT_TRUE(e.subject.ends_with("...")) << e.subject;
}

TEST(AlertEmail, LinkWorksWithOrWithoutATrailingSlash) {
  auto f = low_stock();
  f.dashboard_url = "https://ims.example.com";
  EXPECT_NE(render_alert_email(f).text.find("https://ims.example.com/#/alerts/42"), std::string::npos);
  f.dashboard_url = "https://ims.example.com///";
  EXPECT_NE(render_alert_email(f).text.find("https://ims.example.com/#/alerts/42"), std::string::npos);
}

TEST(HtmlEscape, EscapesTheFiveSpecials) {
  EXPECT_EQ(html_escape("a<b>&\"'c"), "a&lt;b&gt;&amp;&quot;&#39;c");
  EXPECT_EQ(html_escape("plain ₹"), "plain ₹");
  EXPECT_EQ(html_escape(""), "");
}
