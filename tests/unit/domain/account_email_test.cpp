// The emails about an account: what each says, and nothing from the facts unescaped in the HTML.
#include <gtest/gtest.h>

#include "ims/domain/account_email.hpp"
#include "ims/domain/alert_email.hpp"
#include "ims/domain/alerts.hpp"

using namespace ims::domain;

TEST(AccountEmail, TheVerificationEmailCarriesTheLinkAndHowLongItWorks) {
  AccountEmailFacts f{
      "meera", "http://ims.example/", "http://ims.example/api/v1/auth/verify?token=abc&x=1", 24, "", ""};
  auto mail = render_verification_email(f);
  EXPECT_EQ(mail.subject, "[IMS] Confirm your email address");
  EXPECT_NE(mail.text.find("http://ims.example/api/v1/auth/verify?token=abc&x=1"), std::string::npos);
  EXPECT_NE(mail.text.find("24 hours"), std::string::npos);
  EXPECT_NE(mail.html.find("token=abc&amp;x=1"), std::string::npos) << "the link is escaped in the HTML";
}

TEST(AccountEmail, NamesAreEscapedInTheHtml) {
  AccountEmailFacts f{"<b>x</b>", "http://ims.example", "", 0, "retailer", "RET-1 (A & B)"};
  auto mail = render_activated_email(f);
  EXPECT_EQ(mail.html.find("<b>x</b>"), std::string::npos);
  EXPECT_NE(mail.html.find("&lt;b&gt;x&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(mail.text.find("as retailer at RET-1 (A & B)"), std::string::npos);
  EXPECT_NE(mail.text.find("http://ims.example/"), std::string::npos) << "a sign-in link";
}

TEST(AccountEmail, TheOwnerOfATakenNameIsToldNothingWasCreated) {
  auto mail = render_taken_email({"retailer", "http://ims.example", "", 0, "", ""});
  EXPECT_NE(mail.text.find("no second one was created"), std::string::npos);
  auto rejected = render_rejected_email({"meera", "", "", 0, "", ""});
  EXPECT_NE(rejected.subject.find("declined"), std::string::npos);
}

TEST(AccountEmail, AdminsAreToldWhoWaitsForActivation) {
  AlertEmailFacts f;
  f.alert_id = 9;
  f.kind = "account.pending";
  f.account_username = "meera";
  f.requested_role = "retailer";
  f.requested_location = "RET-ANDHERI (Andheri Retail Store)";
  f.dashboard_url = "http://ims.example";
  auto mail = render_alert_email(f);
  EXPECT_EQ(mail.subject, "[IMS] Account waiting for activation: meera (retailer)");
  EXPECT_NE(mail.text.find("RET-ANDHERI (Andheri Retail Store)"), std::string::npos);
  EXPECT_NE(mail.text.find("http://ims.example/#/alerts/9"), std::string::npos);
}

TEST(AccountEmail, APendingAccountIsOneInfoAlertThatClosesWhenDecided) {
  auto key = account_pending_key(12);
  EXPECT_EQ(key.kind, "account.pending");
  EXPECT_EQ(key.subject, "user:12");
  EXPECT_FALSE(key.location_id.has_value()) << "no location: for admins";
  EXPECT_TRUE(closes_by_itself("account.pending"));
  EXPECT_EQ(alert_severity("account.pending", false), "info");
  EXPECT_FALSE(tells_manufacturers("account.pending", std::nullopt));
}
