// Label content per subject and symbology, its refusals, the lifecycle, scope and the ZPL text.
#include <gtest/gtest.h>

#include "ims/domain/label.hpp"

using namespace ims::domain;

namespace {

LabelFacts product(std::optional<std::string> gtin, std::string sku = "SKU-1") {
  return {LabelSubject::product, 7, std::move(sku), std::move(gtin), std::nullopt};
}
LabelFacts lot(std::optional<std::string> gtin, std::optional<std::string> expires = "2027-03-31",
               std::string code = "L2026-09") {
  return {LabelSubject::lot, 9, std::move(code), std::move(gtin), std::move(expires)};
}
const std::string dash = "https://ims.example.com/";

struct ContentCase {
  const char* name;
  LabelFacts facts;
  Symbology symbology;
  const char* content;  // nullptr: refused
  const char* reason_has = "";
};

}  // namespace

TEST(LabelContent, EachSubjectEncodesWhatItsSymbologyCarries) {
  const std::vector<ContentCase> cases{
      {"product qr is the SKU", product(std::nullopt), Symbology::qr, "SKU-1"},
      {"product code128 is the SKU", product(std::nullopt), Symbology::code128, "SKU-1"},
      {"product ean13 is the GTIN-13", product("4006381333931"), Symbology::ean13, "4006381333931"},
      {"a GTIN-12 becomes a GTIN-13", product("036000291452"), Symbology::ean13, "0036000291452"},
      {"a GTIN-14 with indicator 0", product("04006381333931"), Symbology::ean13, "4006381333931"},
      {"no GTIN, no EAN-13", product(std::nullopt), Symbology::ean13, nullptr, "has no GTIN"},
      {"bad check digit", product("4006381333932"), Symbology::ean13, nullptr, "wrong check digit"},
      {"GTIN-8 has no EAN-13", product("96385074"), Symbology::ean13, nullptr, "12 or 13 digits"},
      {"product gs1_128", product("4006381333931"), Symbology::gs1_128, "(01)04006381333931"},
      {"lot gs1 datamatrix", lot("4006381333931"), Symbology::gs1_datamatrix,
       "(01)04006381333931(17)270331(10)L2026-09"},
      {"lot without expiry", lot("4006381333931", std::nullopt), Symbology::gs1_128,
       "(01)04006381333931(10)L2026-09"},
      {"lot of a product without GTIN", lot(std::nullopt), Symbology::gs1_datamatrix, nullptr,
       "lot's product has no GTIN"},
      {"lot code beyond (10)'s 20", lot("4006381333931", "2027-03-31", std::string(21, 'A')),
       Symbology::gs1_128, nullptr, "20 characters"},
      {"lot code with a space", lot("4006381333931", "2027-03-31", "L 1"), Symbology::gs1_128, nullptr,
       "does not allow"},
      {"lot qr is its code", lot(std::nullopt), Symbology::qr, "L2026-09"},
      {"order qr has number and link",
       {LabelSubject::order, 42, "SO-000042", std::nullopt, std::nullopt},
       Symbology::qr,
       "SO-000042\nhttps://ims.example.com/#/orders/42"},
      {"order code128 is the number",
       {LabelSubject::order, 42, "SO-000042", std::nullopt, std::nullopt},
       Symbology::code128,
       "SO-000042"},
      {"an order has no GTIN",
       {LabelSubject::order, 42, "SO-000042", std::nullopt, std::nullopt},
       Symbology::ean13,
       nullptr,
       "order has no GTIN"},
      {"location is its code",
       {LabelSubject::location, 3, "RET-01", std::nullopt, std::nullopt},
       Symbology::code128,
       "RET-01"},
      {"transfer is its number",
       {LabelSubject::transfer, 5, "TR-000005", std::nullopt, std::nullopt},
       Symbology::qr,
       "TR-000005"},
      {"transfer gs1 refused",
       {LabelSubject::transfer, 5, "TR-000005", std::nullopt, std::nullopt},
       Symbology::gs1_datamatrix,
       nullptr,
       "no GTIN"},
      {"code128 too long", product(std::nullopt, std::string(81, 'X')), Symbology::code128, nullptr,
       "too long"},
      {"code128 80 fits", product(std::nullopt, std::string(80, 'X')), Symbology::code128,
       "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"},
      {"code128 is ASCII", product(std::nullopt, "SKU-\xc3\xa9"), Symbology::code128, nullptr, "ASCII"},
      {"qr too long", product(std::nullopt, std::string(1001, 'Q')), Symbology::qr, nullptr, "too long"},
  };
  for (const auto& c : cases) {
    auto r = label_content(c.facts, c.symbology, dash);
    if (c.content) {
      ASSERT_TRUE(r.ok()) << c.name << ": " << r.error().message;
      EXPECT_EQ(*r, c.content) << c.name;
    } else {
      ASSERT_FALSE(r.ok()) << c.name << " gave " << *r;
      EXPECT_EQ(r.error().code, ErrorCode::validation) << c.name;
      EXPECT_NE(r.error().message.find(c.reason_has), std::string::npos)
          << c.name << ": " << r.error().message;
    }
  }
}

TEST(LabelContent, TwelveBareDigitsGetTheirCheckDigit) {
  EXPECT_EQ(gs1_check_digit("400638133393"), 1);
  EXPECT_EQ(ean13_of("400638133393").value(),
            "4006381333931");  // not a valid GTIN-12: an EAN-13 without its check digit
  EXPECT_EQ(gs1_data_characters("(01)04006381333931(10)A"), "010400638133393110A");
}

TEST(LabelLifecycle, PendingRendersOrFailsOnce) {
  EXPECT_EQ(render_label(LabelStatus::pending).value(), LabelStatus::ready);
  EXPECT_EQ(fail_label(LabelStatus::pending).value(), LabelStatus::failed);
  for (auto from : {LabelStatus::ready, LabelStatus::failed}) {
    EXPECT_EQ(render_label(from).error().code, ErrorCode::conflict);
    EXPECT_EQ(fail_label(from).error().code, ErrorCode::conflict);
  }
}

TEST(LabelNames, RoundTrip) {
  for (auto s : {"qr", "code128", "ean13", "gs1_128", "gs1_datamatrix"})
    EXPECT_EQ(to_string(*parse_symbology(s)), s);
  for (auto s : {"product", "lot", "order", "location", "transfer"})
    EXPECT_EQ(to_string(*parse_label_subject(s)), s);
  EXPECT_FALSE(parse_label_format("pdf"));
  EXPECT_EQ(content_type_of(LabelFormat::svg), "image/svg+xml");
  EXPECT_EQ(content_type_of(LabelFormat::zpl), "application/zpl");
}

TEST(LabelScope, ScopedLikeTheSubject) {
  const Actor retailer{5, Role::retailer, 40};
  const Actor admin{1, Role::admin, std::nullopt};
  EXPECT_TRUE(can_see_label_subject(retailer, LabelSubject::product, {}));
  EXPECT_TRUE(can_see_label_subject(retailer, LabelSubject::location, {}));
  EXPECT_TRUE(can_see_label_subject(retailer, LabelSubject::order, {40, -1}));   // its own sale
  EXPECT_TRUE(can_see_label_subject(retailer, LabelSubject::order, {30, 40}));   // it buys
  EXPECT_FALSE(can_see_label_subject(retailer, LabelSubject::order, {41, -1}));  // another store's
  EXPECT_FALSE(can_see_label_subject(retailer, LabelSubject::transfer, {10, 30}));
  EXPECT_TRUE(can_see_label_subject(retailer, LabelSubject::lot, {10, 40}));
  EXPECT_FALSE(can_see_label_subject(retailer, LabelSubject::lot, {}));
  EXPECT_TRUE(can_see_label_subject(admin, LabelSubject::order, {41, -1}));
}

TEST(LabelZpl, EachSymbologyHasItsCommand) {
  struct Z {
    Symbology s;
    std::string content;
    const char* has;
  };
  for (const auto& z : std::vector<Z>{
           {Symbology::qr, "SO-1\nhttp://x/#/orders/1", "^BQN,2,4^FH\\^FDMA,SO-1\\0Ahttp://x/#/orders/1^FS"},
           {Symbology::gs1_datamatrix, "(01)04006381333931(17)270331(10)L1",
            "^BXN,4,200,,,,#^FD#101040063813339311727033110L1^FS"},
           {Symbology::code128, "SKU^1~x", "^BCN,100,Y,N,N^FH\\^FDSKU\\5E1\\7Ex^FS"},
           {Symbology::gs1_128, "(01)04006381333931", "^BCN,100,Y,N,N,D^FD(01)04006381333931^FS"},
           {Symbology::ean13, "4006381333931", "^BEN,100,Y,N^FD400638133393^FS"}}) {
    const auto zpl = zpl_label(z.s, z.content, LabelSize::medium);
    EXPECT_EQ(zpl.rfind("^XA", 0), 0u) << zpl;
    EXPECT_NE(zpl.find("^CI28"), std::string::npos) << zpl;
    EXPECT_NE(zpl.find(z.has), std::string::npos) << zpl;
    EXPECT_NE(zpl.find("^XZ"), std::string::npos) << zpl;
  }
  EXPECT_NE(zpl_label(Symbology::qr, "A", LabelSize::large).find("^BQN,2,8"), std::string::npos);
}
