// The alerts worker's use cases over hand-written fake stores: one open alert per condition, one
// email per recipient when it opens, and what a send attempt records.
#include <gtest/gtest.h>

#include <map>

#include "alerts/use_cases.hpp"

using namespace ims;
using namespace ims::workers::alerts;

namespace {

class FakeAlerts final : public infra::AlertStore {
 public:
  std::vector<infra::AlertRecord> rows;
  std::vector<infra::QueuedEmail> emails;
  std::vector<infra::Recipient> people{{1, "admin@example.com"}, {5, "store@example.com"}};
  bool last_recipients_manufacturers = false;
  std::optional<domain::LocationKind> kind = domain::LocationKind::retail;

  static domain::AlertKey key_of(const infra::AlertRecord& r) {
    return {r.kind, r.product_id, r.location_id, r.subject};
  }
  std::optional<infra::AlertRecord> lock_open(const domain::AlertKey& key) override {
    for (const auto& r : rows) {
      if (!r.closed_at && key_of(r) == key) return r;
    }
    return std::nullopt;
  }
  std::optional<infra::AlertRecord> open(const infra::RaisedAlert& a) override {
    if (lock_open(a.key)) return std::nullopt;
    infra::AlertRecord r;
    r.id = static_cast<std::int64_t>(rows.size()) + 1;
    r.kind = a.key.kind;
    r.product_id = a.key.product_id;
    r.location_id = a.key.location_id;
    r.subject = a.key.subject;
    r.severity = a.severity;
    r.message = a.message;
    r.data = a.data;
    rows.push_back(r);
    return r;
  }
  infra::AlertRecord refresh(std::int64_t id, const infra::RaisedAlert& a) override {
    auto& r = rows.at(static_cast<std::size_t>(id - 1));
    ++r.raised_count;
    r.severity = a.severity;
    r.message = a.message;
    r.data = a.data;
    return r;
  }
  int close(const domain::AlertKey& key, const std::string& event_id, const std::string&,
            const std::string& reason) override {
    for (auto& r : rows) {
      if (!r.closed_at && key_of(r) == key) {
        r.closed_at = "now";
        r.closed_by_event = event_id;
        r.close_reason = reason;
        return 1;
      }
    }
    return 0;
  }
  int close_subject(const std::string&, const std::string&, const std::string&, const std::string&) override {
    return 0;
  }
  std::vector<std::int64_t> close_unseen(const std::vector<std::string>&,
                                         const std::vector<domain::AlertKey>&, const std::string&,
                                         const std::string&) override {
    return {};
  }
  infra::AlertPlace place(std::optional<std::int64_t>, std::optional<std::int64_t>) override {
    return {"SKU-1", "Widget", "pcs", "RET-1", "Andheri store", kind};
  }
  std::vector<infra::Recipient> recipients(std::optional<std::int64_t>, bool manufacturers) override {
    last_recipients_manufacturers = manufacturers;
    return people;
  }
  void queue_email(const infra::QueuedEmail& e) override { emails.push_back(e); }
};

infra::RaisedAlert low(double available) {
  return {domain::stock_low_key(10, 20),
          "warning",
          "",
          "{\"available\":" + std::to_string(available) + "}",
          "event-1",
          "2026-12-01T00:00:00Z"};
}

domain::AlertEmailFacts figures() {
  domain::AlertEmailFacts f;
  f.available = "4";
  f.min = "5";
  f.max = "40";
  f.suggested_quantity = "36";
  return f;
}

const AlertSettings settings{"http://ims.example", 3, 1000};

}  // namespace

TEST(RaiseAlert, OpensOnceAndEmailsEveryRecipientOnce) {
  FakeAlerts store;
  auto first = raise_alert(store, low(4), figures(), settings);
  EXPECT_TRUE(first.opened);
  EXPECT_EQ(first.emails, 2);
  ASSERT_EQ(store.emails.size(), 2u);
  EXPECT_EQ(store.emails[0].recipient, "admin@example.com");
  EXPECT_EQ(store.emails[1].recipient, "store@example.com");
  EXPECT_NE(store.emails[0].message_id, store.emails[1].message_id);
  EXPECT_NE(store.emails[0].subject.find("SKU-1"), std::string::npos) << store.emails[0].subject;
  EXPECT_NE(store.emails[0].text.find("http://ims.example"), std::string::npos);
  EXPECT_NE(store.rows[0].message.find("RET-1"), std::string::npos) << store.rows[0].message;
  EXPECT_FALSE(store.last_recipients_manufacturers);

  auto second = raise_alert(store, low(3), figures(), settings);
  EXPECT_FALSE(second.opened);
  EXPECT_EQ(second.alert_id, first.alert_id);
  EXPECT_EQ(store.rows.size(), 1u);
  EXPECT_EQ(store.rows[0].raised_count, 2);
  EXPECT_NE(store.rows[0].message.find("RET-1"), std::string::npos)
      << "a refreshed alert still says what it is about";
  EXPECT_EQ(store.emails.size(), 2u) << "no second email while the alert is open";
}

TEST(RaiseAlert, AClearedConditionThatReturnsIsANewAlertWithNewEmails) {
  FakeAlerts store;
  raise_alert(store, low(4), figures(), settings);
  EXPECT_TRUE(
      clear_alert(store, domain::stock_low_key(10, 20), "event-2", "2026-12-01T00:00:01Z", "restocked"));
  EXPECT_FALSE(
      clear_alert(store, domain::stock_low_key(10, 20), "event-3", "2026-12-01T00:00:02Z", "restocked"));
  EXPECT_EQ(store.rows[0].closed_by_event, "event-2");
  auto again = raise_alert(store, low(2), figures(), settings);
  EXPECT_TRUE(again.opened);
  EXPECT_EQ(again.alert_id, 2);
  EXPECT_EQ(store.emails.size(), 4u);
}

TEST(RaiseAlert, AFactorysAlertAlsoGoesToManufacturers) {
  FakeAlerts store;
  store.kind = domain::LocationKind::factory;
  raise_alert(store, low(1), figures(), settings);
  EXPECT_TRUE(store.last_recipients_manufacturers);
}

namespace {

class FakeQueue final : public infra::EmailQueue {
 public:
  std::optional<infra::EmailToSend> due;
  std::string outcome;
  std::int64_t delay = 0;
  std::optional<infra::EmailToSend> claim_due() override { return due; }
  void mark_sent(std::int64_t) override { outcome = "sent"; }
  void mark_retry(std::int64_t, const std::string&, std::int64_t delay_ms) override {
    outcome = "retry";
    delay = delay_ms;
  }
  void mark_failed(std::int64_t, const std::string& error) override { outcome = "failed: " + error; }
};

class FakeMailer final : public infra::Mailer {
 public:
  infra::SendResult answer;
  std::vector<infra::MailMessage> sent;
  infra::SendResult send(const infra::MailMessage& m) override {
    sent.push_back(m);
    return answer;
  }
};

}  // namespace

TEST(SendEmail, NothingDueSendsNothing) {
  FakeQueue queue;
  FakeMailer mailer;
  EXPECT_EQ(send_next_email(queue, mailer, settings), EmailAttempt::none_due);
  EXPECT_TRUE(mailer.sent.empty());
}

TEST(SendEmail, ASentEmailIsMarkedSentWithItsStableMessageId) {
  FakeQueue queue;
  queue.due =
      infra::EmailToSend{7, "a@example.com", "subject", "text", "<p>html</p>", "<alert-1-user-1@ims>", 0};
  FakeMailer mailer;
  mailer.answer = {infra::SendStatus::sent, "250 OK", 250};
  EXPECT_EQ(send_next_email(queue, mailer, settings), EmailAttempt::sent);
  EXPECT_EQ(queue.outcome, "sent");
  ASSERT_EQ(mailer.sent.size(), 1u);
  EXPECT_EQ(mailer.sent[0].message_id, "<alert-1-user-1@ims>");
}

TEST(SendEmail, TransientFailuresBackOffUntilTheLimitThenFail) {
  FakeQueue queue;
  FakeMailer mailer;
  mailer.answer = {infra::SendStatus::retry, "connection refused", 0};
  queue.due = infra::EmailToSend{7, "a@example.com", "s", "t", "h", "<m@ims>", 1};
  EXPECT_EQ(send_next_email(queue, mailer, settings), EmailAttempt::retry_later);
  EXPECT_EQ(queue.outcome, "retry");
  EXPECT_EQ(queue.delay, 2000);  // second attempt: twice the base
  queue.due->attempts = 2;       // this is the third and last attempt (max 3)
  EXPECT_EQ(send_next_email(queue, mailer, settings), EmailAttempt::gave_up);
  EXPECT_NE(queue.outcome.find("gave up after 3 attempts"), std::string::npos) << queue.outcome;
}

TEST(SendEmail, APermanentRefusalFailsAtOnceWithTheReason) {
  FakeQueue queue;
  FakeMailer mailer;
  mailer.answer = {infra::SendStatus::failed, "553 malformed address", 553};
  queue.due = infra::EmailToSend{7, "a@@b", "s", "t", "h", "<m@ims>", 0};
  EXPECT_EQ(send_next_email(queue, mailer, settings), EmailAttempt::gave_up);
  EXPECT_EQ(queue.outcome, "failed: 553 malformed address");
}
