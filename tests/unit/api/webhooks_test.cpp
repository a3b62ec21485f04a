#include "ims/api/webhooks.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../../support/fake_webhook_store.hpp"

using namespace ims;
using ims::testing::FakeWebhookStore;

namespace {

const domain::Actor admin{1, domain::Role::admin, std::nullopt};

api::webhooks::WebhookInput input(std::string url, std::vector<std::string> types) {
  return {std::move(url), std::move(types), std::nullopt, std::nullopt, std::nullopt};
}

bool names(const domain::Error& e, const std::string& field) {
  for (const auto& f : e.fields)
    if (f.field == field) return true;
  return false;
}

}  // namespace

TEST(CreateWebhook, GeneratesASecretShownOnce) {
  FakeWebhookStore store;
  auto made =
      api::webhooks::create_webhook(store, admin, input("https://hooks.example.com/ims", {"order.*"}));
  ASSERT_TRUE(made);
  ASSERT_TRUE(made->generated_secret);
  EXPECT_EQ(made->generated_secret->rfind("whsec_", 0), 0u);
  EXPECT_EQ(store.webhooks.at(0).secret, *made->generated_secret);
}

TEST(CreateWebhook, KeepsAGivenSecretAndDoesNotEchoIt) {
  FakeWebhookStore store;
  auto in = input("https://hooks.example.com/ims", {"*"});
  in.secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  auto made = api::webhooks::create_webhook(store, admin, in);
  ASSERT_TRUE(made);
  EXPECT_FALSE(made->generated_secret);
  EXPECT_EQ(store.webhooks.at(0).secret, *in.secret);
}

TEST(CreateWebhook, RefusesBadUrlsTypesAndSecrets) {
  FakeWebhookStore store;
  auto bad_url = api::webhooks::create_webhook(store, admin, input("ftp://x.example/", {"order.*"}));
  ASSERT_FALSE(bad_url);
  EXPECT_TRUE(names(bad_url.error(), "url"));
  auto bad_types =
      api::webhooks::create_webhook(store, admin, input("https://x.example/", {"order.*", "Order"}));
  ASSERT_FALSE(bad_types);
  EXPECT_TRUE(names(bad_types.error(), "event_types[1]"));
  auto none = api::webhooks::create_webhook(store, admin, input("https://x.example/", {}));
  ASSERT_FALSE(none);
  EXPECT_TRUE(names(none.error(), "event_types"));
  auto in = input("https://x.example/", {"*"});
  in.secret = "whsec_c2hvcnQ=";  // 5 bytes
  auto short_secret = api::webhooks::create_webhook(store, admin, in);
  ASSERT_FALSE(short_secret);
  EXPECT_TRUE(names(short_secret.error(), "secret"));
  EXPECT_TRUE(store.webhooks.empty());
}

TEST(ReplayDelivery, RestartsAFinishedDeliveryWithTheSameEventId) {
  FakeWebhookStore store;
  store.create({"https://x.example/", {"*"}, {}}, "whsec_x", 1);
  store.add_delivery(1, "evt-9", "order.created", "{}");
  auto pending = api::webhooks::replay_delivery(store, 1, 1);
  ASSERT_FALSE(pending);
  EXPECT_EQ(pending.error().code, domain::ErrorCode::conflict);
  store.delivered[0].status = domain::DeliveryStatus::delivered;
  auto replayed = api::webhooks::replay_delivery(store, 1, 1);
  ASSERT_TRUE(replayed);
  EXPECT_EQ(replayed->event_id, "evt-9");
  EXPECT_EQ(replayed->status, domain::DeliveryStatus::pending);
  EXPECT_EQ(api::webhooks::replay_delivery(store, 1, 2).error().code, domain::ErrorCode::not_found);
  EXPECT_EQ(api::webhooks::replay_delivery(store, 2, 1).error().code, domain::ErrorCode::not_found);
}

TEST(SendTest, QueuesAWebhookTestEventUnlessDisabled) {
  FakeWebhookStore store;
  store.create({"https://x.example/", {"order.*"}, {}}, "whsec_x", 1);
  auto sent = api::webhooks::send_test(store, admin, 1, "req-1");
  ASSERT_TRUE(sent);
  EXPECT_EQ(sent->event_type, "webhook.test");
  auto body = nlohmann::json::parse(store.bodies.at(0));
  EXPECT_EQ(body["id"], sent->event_id);
  EXPECT_EQ(body["type"], "webhook.test");
  store.webhooks[0].enabled = false;
  EXPECT_EQ(api::webhooks::send_test(store, admin, 1, "req-2").error().code, domain::ErrorCode::conflict);
  EXPECT_EQ(api::webhooks::send_test(store, admin, 5, "req-3").error().code, domain::ErrorCode::not_found);
}
