// The /webhooks use cases over fake stores: what is written, audited and refused, and that a
// secret is never in the audit trail.
#include <gtest/gtest.h>

#include "ims/api/use_cases/webhooks.hpp"
#include "fake_customer_webhook_stores.hpp"
#include "fake_stores.hpp"

namespace ims::api {
namespace {

using domain::ErrorCode;
using nlohmann::json;
using test::FakeAuditTrail;
using test::FakeWebhookStore;

const Caller admin{{7, domain::Role::admin, std::nullopt}, "req-1"};

webhooks::WebhookInput input(std::string url, std::vector<std::string> types) {
  return {std::move(url), std::move(types), std::nullopt, std::nullopt, std::nullopt};
}

std::int64_t subscribed(FakeWebhookStore& store) {
  return store.create({"https://hooks.example.com/ims", {"order.*"}, std::nullopt}, "whsec_x", 7).id;
}

TEST(WebhookUseCases, CreateShowsAGeneratedSecretOnceAndAuditsTheWebhookWithoutIt) {
  FakeWebhookStore store;
  FakeAuditTrail audit;
  auto created = create_webhook(admin, input("https://hooks.example.com/ims", {"order.*"}), store, audit);
  ASSERT_TRUE(created.ok());
  ASSERT_TRUE(created->generated_secret.has_value());
  EXPECT_EQ(store.webhooks.at(created->webhook.id).secret, *created->generated_secret);
  EXPECT_EQ(created->webhook.created_by, 7);
  ASSERT_EQ(audit.entries.size(), 1u);
  const auto& entry = audit.entries[0];
  EXPECT_EQ(entry.action, "webhook.create");
  EXPECT_EQ(entry.entity, "webhook");
  EXPECT_EQ(entry.entity_id, std::to_string(created->webhook.id));
  EXPECT_EQ(entry.request_id, "req-1");
  EXPECT_FALSE(entry.before.has_value());
  const auto after = json::parse(*entry.after);
  EXPECT_EQ(after["url"], "https://hooks.example.com/ims");
  EXPECT_FALSE(after.contains("secret"));
  EXPECT_EQ(entry.after->find(*created->generated_secret), std::string::npos);
}

TEST(WebhookUseCases, InvalidInputIsRefusedAndNothingIsWritten) {
  FakeWebhookStore store;
  FakeAuditTrail audit;
  auto refused = create_webhook(admin, input("ftp://x.example/", {"Order"}), store, audit);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::validation);
  EXPECT_TRUE(store.webhooks.empty());

  const auto id = subscribed(store);
  auto bad_update = update_webhook(admin, {id, input("https://x.example/", {})}, store, audit);
  ASSERT_FALSE(bad_update.ok());
  EXPECT_EQ(bad_update.error().code, ErrorCode::validation);
  EXPECT_EQ(store.webhooks.at(id).version, 1);
  EXPECT_TRUE(audit.entries.empty());
}

TEST(WebhookUseCases, AnUnknownWebhookIsNotFoundBeforeItsInputIsChecked) {
  FakeWebhookStore store;
  FakeAuditTrail audit;
  EXPECT_EQ(update_webhook(admin, {9, input("ftp://x.example/", {})}, store, audit).error().code,
            ErrorCode::not_found);
  EXPECT_EQ(get_webhook(9, store).error().code, ErrorCode::not_found);
  EXPECT_EQ(delete_webhook(admin, {9}, store, audit).error().code, ErrorCode::not_found);
  EXPECT_EQ(list_webhook_deliveries({9, std::nullopt, 50}, store).error().code, ErrorCode::not_found);
  EXPECT_EQ(send_webhook_test(admin, {9}, store).error().code, ErrorCode::not_found);
  auto replay = replay_webhook_delivery(admin, {9, 1}, store, audit);
  EXPECT_EQ(replay.error().code, ErrorCode::not_found);
  EXPECT_EQ(replay.error().message, "no such webhook");
  EXPECT_TRUE(audit.entries.empty());
}

TEST(WebhookUseCases, DisablingNamesTheUserAndIsAuditedBeforeAndAfter) {
  FakeWebhookStore store;
  FakeAuditTrail audit;
  const auto id = subscribed(store);
  auto change = input("https://hooks.example.com/other", {"order.*", "stock.low"});
  change.enabled = false;
  auto updated = update_webhook(admin, {id, change}, store, audit);
  ASSERT_TRUE(updated.ok());
  EXPECT_FALSE(updated->enabled);
  EXPECT_EQ(updated->disabled_reason, "disabled by user 7");
  EXPECT_EQ(updated->version, 2);
  ASSERT_EQ(audit.entries.size(), 1u);
  EXPECT_EQ(audit.entries[0].action, "webhook.update");
  EXPECT_EQ(json::parse(*audit.entries[0].before)["enabled"], true);
  EXPECT_EQ(json::parse(*audit.entries[0].after)["url"], "https://hooks.example.com/other");
  EXPECT_EQ(json::parse(*audit.entries[0].after)["enabled"], false);
}

TEST(WebhookUseCases, DeleteRemovesTheWebhookAndAuditsWhatItWas) {
  FakeWebhookStore store;
  FakeAuditTrail audit;
  const auto id = subscribed(store);
  ASSERT_TRUE(delete_webhook(admin, {id}, store, audit).ok());
  EXPECT_TRUE(store.webhooks.empty());
  ASSERT_EQ(audit.entries.size(), 1u);
  EXPECT_EQ(audit.entries[0].action, "webhook.delete");
  EXPECT_EQ(json::parse(*audit.entries[0].before)["id"], id);
  EXPECT_FALSE(audit.entries[0].after.has_value());
}

TEST(WebhookUseCases, DeliveriesComeNewestFirstWithTheirTenLatestAttempts) {
  FakeWebhookStore store;
  const auto id = subscribed(store);
  for (const auto* event : {"evt-1", "evt-2", "evt-3"}) store.add_delivery(id, event, "order.created", "{}");
  for (int i = 12; i >= 1; --i) store.tries[3].push_back({i, "2026-01-01T00:00:00.000Z", 500, 10, {}, {}});
  auto page = list_webhook_deliveries({id, std::nullopt, 2}, store);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 3u);  // two shown and one that says there are more
  EXPECT_EQ((*page)[0].event_id, "evt-3");
  EXPECT_EQ((*page)[0].recent_attempts.size(), 10u);
  EXPECT_EQ((*page)[0].recent_attempts.front().id, 12);
  EXPECT_TRUE((*page)[1].recent_attempts.empty());
  EXPECT_EQ(store.attempt_reads, 2) << "the attempts of the row beyond the page are not read";
  auto older = list_webhook_deliveries({id, (*page)[1].id, 2}, store);
  ASSERT_TRUE(older.ok());
  ASSERT_EQ(older->size(), 1u);
  EXPECT_EQ((*older)[0].event_id, "evt-1");
}

TEST(WebhookUseCases, AReplayRestartsAFinishedDeliveryAndIsAudited) {
  FakeWebhookStore store;
  FakeAuditTrail audit;
  const auto id = subscribed(store);
  const auto delivery = store.add_delivery(id, "evt-9", "order.created", "{}")->id;
  auto pending = replay_webhook_delivery(admin, {id, delivery}, store, audit);
  ASSERT_FALSE(pending.ok());
  EXPECT_EQ(pending.error().code, ErrorCode::conflict);
  EXPECT_EQ(store.restarts, 0);
  EXPECT_TRUE(audit.entries.empty());

  store.delivered.at(delivery).status = domain::DeliveryStatus::delivered;
  auto replayed = replay_webhook_delivery(admin, {id, delivery}, store, audit);
  ASSERT_TRUE(replayed.ok());
  EXPECT_EQ(replayed->event_id, "evt-9");
  EXPECT_EQ(replayed->status, domain::DeliveryStatus::pending);
  ASSERT_EQ(audit.entries.size(), 1u);
  EXPECT_EQ(audit.entries[0].action, "webhook.replay");
  EXPECT_EQ(audit.entries[0].entity_id, std::to_string(id));
  EXPECT_EQ(json::parse(*audit.entries[0].after), (json{{"delivery_id", delivery}, {"event_id", "evt-9"}}));
  EXPECT_EQ(replay_webhook_delivery(admin, {id, delivery + 1}, store, audit).error().message,
            "no such delivery");
}

TEST(WebhookUseCases, ATestEventIsQueuedForAnEnabledWebhookOnly) {
  FakeWebhookStore store;
  const auto id = subscribed(store);
  auto sent = send_webhook_test(admin, {id}, store);
  ASSERT_TRUE(sent.ok());
  EXPECT_EQ(sent->event_type, "webhook.test");
  const auto body = json::parse(store.bodies.at(sent->id));
  EXPECT_EQ(body["id"], sent->event_id);
  EXPECT_EQ(body["data"]["webhook_id"], id);
  EXPECT_EQ(body["correlation_id"], "req-1");
  store.webhooks.at(id).enabled = false;
  auto refused = send_webhook_test(admin, {id}, store);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::conflict);
  EXPECT_EQ(store.delivered.size(), 1u);
}

TEST(WebhookUseCases, TheListIsCutAfterTheCursor) {
  FakeWebhookStore store;
  for (int i = 0; i < 3; ++i) subscribed(store);
  auto first = list_webhooks({std::nullopt, 2}, store);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->size(), 3u);  // limit + 1: there are more
  auto rest = list_webhooks({2, 2}, store);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ((*rest)[0].id, 3);
}

}  // namespace
}  // namespace ims::api
