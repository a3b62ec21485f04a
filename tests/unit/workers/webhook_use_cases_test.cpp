#include <gtest/gtest.h>

#include "../../support/fake_webhook_store.hpp"
#include "webhooks/use_cases.hpp"

using namespace ims;
using namespace ims::workers::webhooks;
using ims::testing::FakeWebhookStore;

namespace {

infra::Envelope event(std::string id, std::string type) {
  infra::Envelope e;
  e.id = std::move(id);
  e.type = std::move(type);
  return e;
}

class FakeQueue final : public infra::DeliveryQueue {
 public:
  std::optional<infra::DueDelivery> due;
  std::vector<infra::AttemptOutcome> recorded;
  std::string state = "pending";
  std::int64_t delay = 0;
  std::string reason;
  std::optional<std::int64_t> disabled;
  std::string disabled_reason;

  std::optional<infra::DueDelivery> claim_due() override { return state == "pending" ? due : std::nullopt; }
  void record_attempt(std::int64_t, const infra::AttemptOutcome& o) override {
    recorded.push_back(o);
    due->attempts++;
  }
  void mark_delivered(std::int64_t) override { state = "delivered"; }
  void mark_retry(std::int64_t, std::int64_t d) override { delay = d; }
  void mark_failed(std::int64_t, const std::string& r) override { state = "failed", reason = r; }
  void disable_webhook(std::int64_t id, const std::string& r) override { disabled = id, disabled_reason = r; }
};

class FakePoster final : public infra::WebhookPoster {
 public:
  std::vector<infra::WebhookRequest> sent;
  infra::AttemptOutcome answer;
  infra::AttemptOutcome post(const infra::WebhookRequest& r) override {
    sent.push_back(r);
    return answer;
  }
};

const SendClock fixed_clock{[] { return 1'700'000'000LL; }, [] { return 1.0; }};

infra::DueDelivery due_delivery(std::int64_t elapsed_ms = 0) {
  return {7,
          3,
          "https://hooks.example.com/x",
          "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
          "evt-1",
          R"({"id":"evt-1"})",
          0,
          elapsed_ms};
}

}  // namespace

TEST(FanOutEvent, OneDeliveryPerEnabledMatchingWebhookOnce) {
  FakeWebhookStore store;
  store.create({"https://a.example/", {"order.*"}, {}}, "whsec_x", 1);
  store.create({"https://b.example/", {"stock.low"}, {}}, "whsec_x", 1);
  store.create({"https://c.example/", {"*"}, {}}, "whsec_x", 1);
  store.webhooks[2].enabled = false;
  EXPECT_EQ(fan_out_event(store, event("e1", "order.created"), "BODY"), 1);
  ASSERT_EQ(store.delivered.size(), 1u);
  EXPECT_EQ(store.delivered[0].webhook_id, 1);
  EXPECT_EQ(store.bodies[0], "BODY");  // the envelope as published, untouched
  EXPECT_EQ(fan_out_event(store, event("e1", "order.created"), "BODY"), 0);  // redelivered event
  EXPECT_EQ(fan_out_event(store, event("e2", "transfer.dispatched"), "B"), 0);
}

TEST(SendNextDelivery, NothingDueDoesNothing) {
  FakeQueue queue;
  FakePoster poster;
  EXPECT_EQ(send_next_delivery(queue, poster, {}, fixed_clock), AttemptResult::none_due);
  EXPECT_TRUE(poster.sent.empty());
}

TEST(SendNextDelivery, A2xxDeliversAndSignsWithTheEventId) {
  FakeQueue queue;
  queue.due = due_delivery();
  FakePoster poster;
  poster.answer.status_code = 204;
  EXPECT_EQ(send_next_delivery(queue, poster, {}, fixed_clock), AttemptResult::delivered);
  EXPECT_EQ(queue.state, "delivered");
  ASSERT_EQ(poster.sent.size(), 1u);
  EXPECT_EQ(poster.sent[0].event_id, "evt-1");
  EXPECT_EQ(poster.sent[0].timestamp, 1'700'000'000LL);
  EXPECT_EQ(poster.sent[0].body, R"({"id":"evt-1"})");
  EXPECT_EQ(queue.recorded.size(), 1u);
}

TEST(SendNextDelivery, A5xxOrNoAnswerIsRetriedWithBackoff) {
  FakeQueue queue;
  queue.due = due_delivery();
  FakePoster poster;
  poster.answer.status_code = 503;
  EXPECT_EQ(send_next_delivery(queue, poster, {24 * 3'600'000LL, 1000}, fixed_clock),
            AttemptResult::retry_later);
  EXPECT_EQ(queue.delay, 1000);
  poster.answer = {std::nullopt, 5, "", "Connection refused"};
  EXPECT_EQ(send_next_delivery(queue, poster, {24 * 3'600'000LL, 1000}, fixed_clock),
            AttemptResult::retry_later);
  EXPECT_EQ(queue.delay, 2000);
  EXPECT_EQ(queue.state, "pending");
  EXPECT_EQ(queue.recorded.size(), 2u);
}

TEST(SendNextDelivery, PastTheWindowFailsAndDisablesTheWebhook) {
  FakeQueue queue;
  queue.due = due_delivery(24 * 3'600'000LL - 10);
  FakePoster poster;
  poster.answer.status_code = 410;
  EXPECT_EQ(send_next_delivery(queue, poster, {24 * 3'600'000LL, 1000}, fixed_clock), AttemptResult::failed);
  EXPECT_EQ(queue.state, "failed");
  EXPECT_NE(queue.reason.find("answered 410"), std::string::npos) << queue.reason;
  EXPECT_EQ(queue.disabled, 3);
  EXPECT_NE(queue.disabled_reason.find("delivery 7"), std::string::npos);
}

TEST(SendNextDelivery, ARefusedAddressIsRecordedWithItsRule) {
  FakeQueue queue;
  queue.due = due_delivery();
  infra::CurlWebhookPoster poster({false, std::chrono::milliseconds(500), std::chrono::milliseconds(1000)});
  queue.due->url = "http://127.0.0.1:1/hook";
  EXPECT_EQ(send_next_delivery(queue, poster, {1000, 2000}, fixed_clock), AttemptResult::failed);
  ASSERT_EQ(queue.recorded.size(), 1u);
  EXPECT_NE(queue.recorded[0].error.find("loopback address 127.0.0.1"), std::string::npos)
      << queue.recorded[0].error;
  EXPECT_NE(queue.reason.find("loopback address"), std::string::npos) << queue.reason;
}
