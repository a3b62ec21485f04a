// The inventory check over a fake store: what it announces for each finding, one draft per
// crossed rule, and the list of conditions it saw (so alerts it no longer sees close).
#include <gtest/gtest.h>

#include <set>

#include "stock/check_inventory.hpp"

using namespace ims;
using domain::Quantity;

namespace {

class FakeCheck final : public infra::StockCheckStore {
 public:
  std::vector<infra::LowStockRecord> low;
  std::vector<infra::ExpiringLotRecord> lots;
  std::vector<infra::DriftRecord> drifting;
  std::vector<infra::OverdueRequestRecord> overdue;
  std::set<std::int64_t> drafted_rules;
  int expiry_days_asked = -1;
  std::string checked_at() override { return "2026-12-01T10:00:00.000000Z"; }
  std::vector<infra::LowStockRecord> low_stock() override { return low; }
  std::optional<infra::DraftOrderRecord> insert_draft(const infra::LowStockRecord& rule,
                                                      const domain::RestockPlan&) override {
    if (!drafted_rules.insert(rule.rule_id).second) return std::nullopt;
    return infra::DraftOrderRecord{100 + rule.rule_id, "RO-000" + std::to_string(rule.rule_id)};
  }
  std::vector<infra::ExpiringLotRecord> expiring_lots(int days) override {
    expiry_days_asked = days;
    return lots;
  }
  std::vector<infra::DriftRecord> drift() override { return drifting; }
  std::vector<infra::OverdueRequestRecord> mark_overdue_requests() override {
    auto out = overdue;
    overdue.clear();  // marked: announced once
    return out;
  }
};

class FakeOutbox final : public infra::Outbox {
 public:
  std::vector<infra::EventDraft> events;
  std::string append(const infra::EventDraft& e) override {
    events.push_back(e);
    return "event-" + std::to_string(events.size());
  }
  std::vector<nlohmann::json> of(const std::string& type) const {
    std::vector<nlohmann::json> out;
    for (const auto& e : events) {
      if (e.type == type) out.push_back(e.data);
    }
    return out;
  }
};

infra::LowStockRecord rule(std::int64_t id, const char* available, bool on_order = false) {
  infra::LowStockRecord r;
  r.rule_id = id;
  r.product_id = 10 + id;
  r.location_id = 4;
  r.facts.available = *Quantity::parse(available);
  r.facts.min = *Quantity::parse("5");
  r.facts.max = *Quantity::parse("40");
  r.facts.location_kind = domain::LocationKind::retail;
  r.facts.upstream_location_id = 3;
  r.facts.on_order = on_order;
  r.facts.price_cents = 100;
  return r;
}

}  // namespace

TEST(CheckInventory, LowStockIsAnnouncedAndDraftedOncePerRule) {
  FakeCheck store;
  store.low = {rule(1, "3"), rule(2, "0", true)};
  FakeOutbox outbox;
  auto s = workers::stock::check_inventory(store, outbox, {nullptr, 30, "corr"});
  EXPECT_EQ(s.low, 2);
  EXPECT_EQ(s.drafted, 1) << "the second rule is on order already";
  auto lows = outbox.of("stock.low");
  ASSERT_EQ(lows.size(), 2u);
  EXPECT_DOUBLE_EQ(lows[0]["suggested_quantity"].get<double>(), 37);
  auto drafts = outbox.of("order.drafted");
  ASSERT_EQ(drafts.size(), 1u);
  EXPECT_EQ(drafts[0]["kind"], "replenishment");
  EXPECT_DOUBLE_EQ(drafts[0]["quantity"].get<double>(), 37);
  EXPECT_EQ(drafts[0]["seller_location_id"], 3);

  FakeOutbox second;
  EXPECT_EQ(workers::stock::check_inventory(store, second, {nullptr, 30, "corr"}).drafted, 0)
      << "never a second draft";
  EXPECT_EQ(second.of("stock.low").size(), 2u) << "still low: announced again, the alerts worker dedupes";
}

TEST(CheckInventory, ExpiryDriftAndOverdueRequestsAreAnnouncedWithTheirFigures) {
  FakeCheck store;
  store.lots = {{5, 11, 4, "L1", "2026-12-10", "8", false}, {6, 11, 4, "L0", "2026-11-30", "2", true}};
  store.drifting = {{11, 4, std::nullopt, "13", "10"}};
  store.overdue = {{9, "RQ-000009", "transfer", 11, 1, 2, 7, "2026-12-03T00:00:00Z"}};
  FakeOutbox outbox;
  auto s = workers::stock::check_inventory(store, outbox, {42, 14, "corr"});
  EXPECT_EQ(store.expiry_days_asked, 14);
  EXPECT_EQ(s.expiring, 1);
  EXPECT_EQ(s.expired, 1);
  EXPECT_EQ(outbox.of("lot.expiring")[1]["expired"], true);
  auto drift = outbox.of("inventory.drift");
  ASSERT_EQ(drift.size(), 1u);
  EXPECT_DOUBLE_EQ(drift[0]["on_hand"].get<double>(), 13);
  EXPECT_DOUBLE_EQ(drift[0]["ledger_sum"].get<double>(), 10);
  EXPECT_DOUBLE_EQ(drift[0]["difference"].get<double>(), 3);
  EXPECT_TRUE(drift[0]["lot_id"].is_null());
  EXPECT_EQ(outbox.of("request.overdue").size(), 1u);
  FakeOutbox again;
  workers::stock::check_inventory(store, again, {43, 14, "corr"});
  EXPECT_TRUE(again.of("request.overdue").empty()) << "overdue is announced once";
}

TEST(CheckInventory, TheLastEventListsEveryConditionSeen) {
  FakeCheck store;
  store.low = {rule(1, "3")};
  store.lots = {{5, 11, 4, "L1", "2026-12-10", "8", false}};
  store.drifting = {{11, 4, 5, "1", "0"}};
  FakeOutbox outbox;
  workers::stock::check_inventory(store, outbox, {42, 30, "corr"});
  ASSERT_FALSE(outbox.events.empty());
  const auto& done = outbox.events.back();
  EXPECT_EQ(done.type, "inventory.check.completed");
  EXPECT_EQ(done.data["run_id"], 42);
  EXPECT_EQ(done.data["checked_at"], "2026-12-01T10:00:00.000000Z");
  EXPECT_EQ(done.data["low"], nlohmann::json::parse("[[11, 4]]"));
  EXPECT_EQ(done.data["expiring"], nlohmann::json::parse("[[11, 4, 5]]"));
  EXPECT_EQ(done.data["drift"], nlohmann::json::parse("[[11, 4, 5]]"));
  EXPECT_EQ(done.correlation_id, "corr");
}
