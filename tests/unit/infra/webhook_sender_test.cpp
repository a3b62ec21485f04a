#include "ims/infra/webhook_sender.hpp"

#include <gtest/gtest.h>

using namespace ims::infra;

// The Standard Webhooks reference test vector (standard-webhooks/standard-webhooks libraries).
TEST(WebhookSignature, MatchesTheStandardWebhooksTestVector) {
  EXPECT_EQ(sign_webhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                         R"({"test": 2432232314})"),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST(WebhookSecret, GeneratedSecretsAreWhsecOf32RandomBytes) {
  const auto a = generate_webhook_secret();
  const auto b = generate_webhook_secret();
  EXPECT_EQ(a.rfind("whsec_", 0), 0u);
  EXPECT_NE(a, b);
  auto key = webhook_key(a);
  ASSERT_TRUE(key);
  EXPECT_EQ(key->size(), 32u);
  EXPECT_FALSE(webhook_key("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
  EXPECT_FALSE(webhook_key("whsec_not base64!"));
  EXPECT_FALSE(webhook_key("whsec_"));
}

TEST(WebhookPoster, RefusesLoopbackUnlessAllowed) {
  CurlWebhookPoster poster({false, std::chrono::milliseconds(500), std::chrono::milliseconds(1000)});
  auto out = poster.post({"http://127.0.0.1:9/hook", generate_webhook_secret(), "evt", 1, "{}"});
  EXPECT_FALSE(out.status_code);
  EXPECT_NE(out.error.find("loopback address 127.0.0.1"), std::string::npos) << out.error;
  auto meta =
      poster.post({"http://169.254.169.254/latest/meta-data", generate_webhook_secret(), "evt", 1, "{}"});
  EXPECT_NE(meta.error.find("metadata address"), std::string::npos) << meta.error;
  auto localhost = poster.post({"http://localhost:9/", generate_webhook_secret(), "evt", 1, "{}"});
  EXPECT_NE(localhost.error.find("loopback"), std::string::npos) << localhost.error;
}

TEST(WebhookPoster, ConnectsToLoopbackWhenAllowed) {
  CurlWebhookPoster poster({true, std::chrono::milliseconds(500), std::chrono::milliseconds(1000)});
  // Port 9 (discard) is closed here: the attempt is made and fails to connect, not refused.
  auto out = poster.post({"http://127.0.0.1:9/hook", generate_webhook_secret(), "evt", 1, "{}"});
  EXPECT_FALSE(out.status_code);
  EXPECT_EQ(out.error.find("refused:"), std::string::npos) << out.error;
  EXPECT_NE(out.error.find("127.0.0.1"), std::string::npos) << out.error;
}

TEST(WebhookAnswer, KeepsPrintableTextOnly) {
  EXPECT_EQ(printable_prefix(std::string("ok\n\x01\xff", 5), 1024), "ok\n??");
  EXPECT_EQ(printable_prefix(std::string(2000, 'a'), 1024).size(), 1024u);
}
