// infra/webhook_store against the test stack's PostgreSQL, in transactions never committed (the
// stack's own webhooks worker never sees these rows).
#include <gtest/gtest.h>

#include <cstdlib>

#include "ims/infra/pg.hpp"
#include "ims/infra/webhook_store.hpp"

using namespace ims;

namespace {

std::string database_url() {
  const char* url = std::getenv("IMS_DATABASE_URL");
  return url ? url : "postgresql://ims:ims@127.0.0.1:26432/ims";
}

// The connection with every store's prepared statements, as a PgSession registers them.
pqxx::connection& prepared(pqxx::connection& conn) {
  for (const auto& [name, sql] : infra::store_statements()) conn.prepare(name, sql);
  return conn;
}

struct Rollback {
  pqxx::connection conn{database_url()};
  pqxx::work txn{prepared(conn)};  // destroyed without commit: rolled back
  infra::PgWebhookStore store{txn};
  infra::PgDeliveryQueue queue{txn};
  Rollback() {
    // Only this test's webhooks are enabled inside the transaction.
    txn.exec(
        "UPDATE messaging.webhooks SET disabled_at = now(), disabled_reason = 'store test' WHERE disabled_at "
        "IS NULL");
  }
};

const std::string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

}  // namespace

TEST(WebhookStore, CreatesUpdatesAndDisables) {
  Rollback db;
  auto w = db.store.create({"https://hooks.example.com/a", {"order.*", "stock.low"}, "desc"}, secret,
                           std::nullopt);
  EXPECT_EQ(w.event_types, (std::vector<std::string>{"order.*", "stock.low"}));
  EXPECT_TRUE(w.enabled);
  EXPECT_EQ(db.store.enabled().size(), 1u);
  auto off = db.store.update(w.id, {"https://hooks.example.com/b", {"*"}, std::nullopt}, false, "by test");
  EXPECT_FALSE(off.enabled);
  EXPECT_EQ(off.disabled_reason, "by test");
  EXPECT_EQ(off.version, 2);
  EXPECT_TRUE(db.store.enabled().empty());
  auto on = db.store.update(w.id, {"https://hooks.example.com/b", {"*"}, std::nullopt}, true, "");
  EXPECT_TRUE(on.enabled);
  EXPECT_FALSE(on.disabled_reason);
}

TEST(WebhookStore, DeliveriesAreClaimedRetriedAndFailedOnce) {
  Rollback db;
  auto w = db.store.create({"https://hooks.example.com/a", {"*"}, std::nullopt}, secret, std::nullopt);
  auto d = db.store.add_delivery(w.id, "evt-store-1", "order.created", R"({"id":"evt-store-1"})");
  ASSERT_TRUE(d);
  EXPECT_FALSE(db.store.add_delivery(w.id, "evt-store-1", "order.created", "{}"));  // once per event
  auto due = db.queue.claim_due();
  ASSERT_TRUE(due);
  EXPECT_EQ(due->id, d->id);
  EXPECT_EQ(due->body, R"({"id":"evt-store-1"})");
  db.queue.record_attempt(due->id, {503, 12, "busy", ""});
  db.queue.mark_retry(due->id, 60'000);
  EXPECT_FALSE(db.queue.claim_due());  // not due for a minute
  auto attempts = db.store.attempts(due->id, 10);
  ASSERT_EQ(attempts.size(), 1u);
  EXPECT_EQ(attempts[0].status_code, 503);
  EXPECT_EQ(attempts[0].response_body, "busy");
  db.queue.mark_failed(due->id, "gave up");
  db.queue.disable_webhook(w.id, "delivery failed");
  db.queue.disable_webhook(w.id, "delivery failed");  // once
  EXPECT_FALSE(db.store.find(w.id)->enabled);
  EXPECT_EQ(db.txn
                .exec_params1(
                    "SELECT count(*) FROM reporting.alerts WHERE kind = 'webhook.disabled' AND subject = $1",
                    "webhook:" + std::to_string(w.id))[0]
                .as<int>(),
            1);
  auto replayed = db.store.restart(due->id);
  EXPECT_EQ(replayed.status, domain::DeliveryStatus::pending);
  EXPECT_EQ(replayed.event_id, "evt-store-1");
}
