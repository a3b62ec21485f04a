// The rules of alerts: keys, severity, who is told, email retry delays, restocking drafts.
#include <gtest/gtest.h>

#include "ims/domain/alerts.hpp"

using namespace ims::domain;

namespace {
Quantity q(const char* text) {
  return *Quantity::parse(text);
}

RestockFacts low_at_store() {
  RestockFacts f;
  f.available = q("3");
  f.min = q("5");
  f.max = q("40");
  f.location_kind = LocationKind::retail;
  f.upstream_location_id = 7;
  f.supplier_id = 9;
  f.price_cents = 1000;
  f.cost_cents = 400;
  return f;
}
}  // namespace

TEST(AlertKeys, TellConditionsApartByKindProductPlaceAndSubject) {
  EXPECT_EQ(stock_low_key(1, 2), (AlertKey{"stock.low", 1, 2, ""}));
  EXPECT_EQ(lot_expiring_key(1, 2, 3).subject, "lot:3");
  EXPECT_EQ(drift_key(1, 2, std::nullopt).subject, "");
  EXPECT_EQ(drift_key(1, 2, 5).subject, "lot:5");
  EXPECT_EQ(request_overdue_key(1, 2, 8).subject, "request:8");
  EXPECT_EQ(discrepancy_key(1, 2, 4).subject, "transfer:4");
  EXPECT_FALSE(stock_low_key(1, 2) == stock_low_key(1, 3));
}

TEST(AlertRules, ConditionsCloseByThemselvesEventsByAcknowledgement) {
  for (auto kind : {"stock.low", "lot.expiring", "inventory.drift", "request.overdue"})
    EXPECT_TRUE(closes_by_itself(kind)) << kind;
  EXPECT_FALSE(closes_by_itself("transfer.discrepancy"));
}

TEST(AlertRules, SeverityRisesForTheWorstCase) {
  EXPECT_EQ(alert_severity("stock.low", false), "warning");
  EXPECT_EQ(alert_severity("stock.low", true), "critical");
  EXPECT_EQ(alert_severity("lot.expiring", true), "critical");
  EXPECT_EQ(alert_severity("inventory.drift", false), "critical");
}

TEST(AlertRules, ManufacturersHearOfTheFactoryAndOfOverdueRequests) {
  EXPECT_TRUE(tells_manufacturers("stock.low", LocationKind::factory));
  EXPECT_FALSE(tells_manufacturers("stock.low", LocationKind::retail));
  EXPECT_TRUE(tells_manufacturers("request.overdue", LocationKind::cfa));
  EXPECT_FALSE(tells_manufacturers("lot.expiring", std::nullopt));
}

TEST(EmailRetry, DoublesFromTheBaseUpToTenMinutesThenGivesUp) {
  EXPECT_EQ(email_retry_delay_ms(1, 8, 2000), 2000);
  EXPECT_EQ(email_retry_delay_ms(2, 8, 2000), 4000);
  EXPECT_EQ(email_retry_delay_ms(4, 8, 2000), 16000);
  EXPECT_EQ(email_retry_delay_ms(7, 100, 60'000), 600'000);   // capped
  EXPECT_EQ(email_retry_delay_ms(8, 8, 2000), std::nullopt);  // the eighth attempt was the last
}

TEST(Restock, ProposesMaxLessAvailableFromTheUpstreamLocation) {
  auto plan = plan_restock(low_at_store());
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->kind, OrderKind::replenishment);
  EXPECT_EQ(plan->seller_location_id, 7);
  EXPECT_EQ(plan->quantity, q("37"));
  EXPECT_EQ(plan->unit_price_cents, 1000);
}

TEST(Restock, AFactoryBuysFromThePreferredSupplierAtCost) {
  auto f = low_at_store();
  f.location_kind = LocationKind::factory;
  f.upstream_location_id.reset();
  auto plan = plan_restock(f);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->kind, OrderKind::purchase);
  EXPECT_EQ(plan->supplier_id, 9);
  EXPECT_EQ(plan->unit_price_cents, 400);
  f.supplier_id.reset();
  EXPECT_FALSE(plan_restock(f).ok());
}

TEST(Restock, RawMaterialsArePurchasedWherever) {
  auto f = low_at_store();
  f.finished_good = false;
  EXPECT_EQ(plan_restock(f)->kind, OrderKind::purchase);
}

TEST(Restock, NothingWhenAboveMinOnOrderOrWithoutASource) {
  auto f = low_at_store();
  f.available = q("5.001");
  EXPECT_FALSE(plan_restock(f).ok());
  f = low_at_store();
  f.available = q("5");  // at min counts as low
  EXPECT_TRUE(plan_restock(f).ok());
  f.on_order = true;
  EXPECT_FALSE(plan_restock(f).ok());
  f = low_at_store();
  f.upstream_location_id.reset();
  EXPECT_FALSE(plan_restock(f).ok());
}

TEST(Restock, RefusesAnAmountBeyondWhatAnOrderMayHold) {
  auto f = low_at_store();
  f.max = Quantity::from_milli(Quantity::max_milli);
  f.price_cents = 99'999'999'999'999;
  EXPECT_FALSE(plan_restock(f).ok());
}
