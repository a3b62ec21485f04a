// The reservation plan of the stock worker, as a warehouse sees it: which lots an order holds, and
// why it is turned away.
#include <gtest/gtest.h>

#include "ims/domain/reservation_plan.hpp"

using namespace ims::domain;

namespace {

const std::string today = "2026-11-23";

Quantity q(const char* text) {
  return *Quantity::parse(text);
}

// Stock row `id` holds lot `id * 10` (none for lot-less stock).
StockSlot row(std::int64_t id, std::optional<std::string> expiry, const char* on_hand,
              const char* reserved = "0") {
  const auto lot = expiry ? std::optional<std::int64_t>(id * 10) : std::nullopt;
  return StockSlot{id, lot, std::move(expiry), q(on_hand), q(reserved)};
}

ReservationLine line(int no, std::int64_t product, const char* quantity) {
  return ReservationLine{100 + no, no, product, "SKU-" + std::to_string(product), q(quantity)};
}

// "stock:quantity" per take, in take order, e.g. "3:4 2:10".
std::string takes_of(const LinePlan& l) {
  std::string out;
  for (const auto& t : l.takes)
    out += (out.empty() ? "" : " ") + std::to_string(t.stock_id) + ":" + t.quantity.to_string();
  return out;
}

struct Case {
  const char* name;
  SellerStock stock;
  std::vector<ReservationLine> lines;
  std::vector<std::string> takes;            // per line, as takes_of prints them
  std::vector<std::string> line_rejections;  // per line, "" when covered
  std::optional<std::string> order_rejection;
};

}  // namespace

TEST(ReservationPlan, PlansEachOrderAsTheWarehouseExpects) {
  const std::vector<Case> cases = {
      {"earliest expiry first, lot-less stock last",
       {{1, {row(1, std::nullopt, "100"), row(2, "2027-05-01", "10"), row(3, "2027-01-01", "4")}}},
       {line(1, 1, "20")},
       {"3:4 2:10 1:6"},
       {""},
       std::nullopt},
      {"same expiry: the older stock row first",
       {{1, {row(7, "2027-01-01", "5"), row(4, "2027-01-01", "5")}}},
       {line(1, 1, "6")},
       {"4:5 7:1"},
       {""},
       std::nullopt},
      {"an expired lot is skipped, a lot expiring today is not",
       {{1, {row(1, "2026-11-22", "50"), row(2, "2026-11-23", "3"), row(3, "2027-01-01", "5")}}},
       {line(1, 1, "6")},
       {"2:3 3:3"},
       {""},
       std::nullopt},
      {"a line split across lots, to the thousandth",
       {{1, {row(1, "2027-01-01", "0.1"), row(2, "2027-02-01", "0.2"), row(3, "2027-03-01", "1")}}},
       {line(1, 1, "0.301")},
       {"1:0.1 2:0.2 3:0.001"},
       {""},
       std::nullopt},
      {"what other orders reserved is not available; over-reserved rows count as none",
       {{1, {row(1, "2027-01-01", "10", "8"), row(2, "2027-02-01", "5", "6"), row(3, "2027-03-01", "4")}}},
       {line(1, 1, "6")},
       {"1:2 3:4"},
       {""},
       std::nullopt},
      {"exactly what is available",
       {{1, {row(1, "2027-01-01", "2.5")}}},
       {line(1, 1, "2.5")},
       {"1:2.5"},
       {""},
       std::nullopt},
      {"a thousandth short: rejected, naming what is available (expired lots not counted)",
       {{1, {row(1, "2026-01-01", "50"), row(2, "2027-01-01", "2.5")}}},
       {line(1, 1, "2.501")},
       {""},
       {"only 2.5 available, 2.501 needed"},
       "line 1 (SKU-1): only 2.5 available, 2.501 needed"},
      {"a product with no stock at the seller",
       {},
       {line(1, 9, "1")},
       {""},
       {"only 0 available, 1 needed"},
       "line 1 (SKU-9): only 0 available, 1 needed"},
      {"all lines or none: one short line rejects the order, the others still show their plan",
       {{1, {row(1, "2027-01-01", "10")}}, {2, {row(2, "2027-01-01", "1")}}},
       {line(1, 1, "4"), line(2, 2, "3")},
       {"1:4", ""},
       {"", "only 1 available, 3 needed"},
       "line 2 (SKU-2): only 1 available, 3 needed"},
      {"every short line is named, in line order",
       {{1, {row(1, "2027-01-01", "1")}}},
       {line(1, 2, "1"), line(2, 1, "1"), line(3, 3, "2")},
       {"", "1:1", ""},
       {"only 0 available, 1 needed", "", "only 0 available, 2 needed"},
       "line 1 (SKU-2): only 0 available, 1 needed; line 3 (SKU-3): only 0 available, 2 needed"},
      {"two lines of one product: the second gets what the first left",
       {{1, {row(1, "2027-01-01", "5"), row(2, "2027-02-01", "5")}}},
       {line(1, 1, "4"), line(2, 1, "4")},
       {"1:4", "1:1 2:3"},
       {"", ""},
       std::nullopt},
      {"two lines of one product: the second is short of what the first took",
       {{1, {row(1, "2027-01-01", "5")}}},
       {line(1, 1, "4"), line(2, 1, "2")},
       {"1:4", ""},
       {"", "only 1 available, 2 needed"},
       "line 2 (SKU-1): only 1 available, 2 needed"},
      {"a short line takes nothing, so a later line of the product still sees it all",
       {{1, {row(1, "2027-01-01", "5")}}},
       {line(1, 1, "6"), line(2, 1, "5")},
       {"", "1:5"},
       {"only 5 available, 6 needed", ""},
       "line 1 (SKU-1): only 5 available, 6 needed"},
      {"a zero quantity takes nothing and is not short",
       {{1, {row(1, "2027-01-01", "5")}}},
       {line(1, 1, "0")},
       {""},
       {""},
       std::nullopt},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto plan = plan_reservation(c.lines, c.stock, today);
    ASSERT_EQ(plan.lines.size(), c.lines.size());
    for (std::size_t i = 0; i < c.lines.size(); ++i) {
      EXPECT_EQ(plan.lines[i].line_id, c.lines[i].line_id);
      EXPECT_EQ(plan.lines[i].product_id, c.lines[i].product_id);
      EXPECT_EQ(takes_of(plan.lines[i]), c.takes[i]) << "line " << i + 1;
      EXPECT_EQ(plan.lines[i].rejection.value_or(""), c.line_rejections[i]) << "line " << i + 1;
    }
    EXPECT_EQ(plan.rejection, c.order_rejection);
    EXPECT_EQ(plan.confirmed(), !c.order_rejection.has_value());
  }
}

TEST(ReservationPlan, TakesCarryTheLotOfTheirRow) {
  const SellerStock stock = {{1, {row(1, std::nullopt, "5"), row(2, "2027-01-01", "1")}}};
  const auto plan = plan_reservation({line(1, 1, "3")}, stock, today);
  ASSERT_EQ(plan.lines[0].takes.size(), 2u);
  EXPECT_EQ(plan.lines[0].takes[0].lot_id, 20);
  EXPECT_EQ(plan.lines[0].takes[1].lot_id, std::nullopt);
}

TEST(ReservationPlan, PlanningLeavesTheStockAsItWas) {
  const SellerStock stock = {{1, {row(1, "2027-01-01", "5", "1")}}};
  auto copy = stock;
  (void)plan_reservation({line(1, 1, "3"), line(2, 1, "1")}, copy, today);
  EXPECT_EQ(copy.at(1)[0].reserved, q("1"));
}

TEST(ReservationPlan, TwoOrdersCompeteForTheSameRowsInTurn) {
  // One batch: the first order holds the early lot, the second gets what is left and the third,
  // short, is rejected, holding nothing, so the fourth still gets the rest.
  SellerStock stock = {{1, {row(1, "2027-01-01", "6"), row(2, "2027-06-01", "4")}}};
  const auto first = plan_reservation({line(1, 1, "5")}, stock, today);
  ASSERT_TRUE(first.confirmed());
  hold(stock, first);
  EXPECT_EQ(stock.at(1)[0].reserved, q("5"));

  const auto second = plan_reservation({line(1, 1, "3")}, stock, today);
  ASSERT_TRUE(second.confirmed());
  EXPECT_EQ(takes_of(second.lines[0]), "1:1 2:2");
  hold(stock, second);

  const auto third = plan_reservation({line(1, 1, "3")}, stock, today);
  ASSERT_FALSE(third.confirmed());
  EXPECT_EQ(third.rejection, "line 1 (SKU-1): only 2 available, 3 needed");
  hold(stock, third);

  const auto fourth = plan_reservation({line(1, 1, "2")}, stock, today);
  ASSERT_TRUE(fourth.confirmed());
  EXPECT_EQ(takes_of(fourth.lines[0]), "2:2");
  hold(stock, fourth);
  EXPECT_EQ(stock.at(1)[0].reserved, q("6"));
  EXPECT_EQ(stock.at(1)[1].reserved, q("4"));
}

TEST(ReservationPlan, ARejectedOrderHoldsNothingEvenForItsCoveredLines) {
  SellerStock stock = {{1, {row(1, "2027-01-01", "5")}}, {2, {}}};
  const auto rejected = plan_reservation({line(1, 1, "5"), line(2, 2, "1")}, stock, today);
  ASSERT_FALSE(rejected.confirmed());
  hold(stock, rejected);
  EXPECT_EQ(stock.at(1)[0].reserved, q("0"));
  const auto next = plan_reservation({line(1, 1, "5")}, stock, today);
  EXPECT_TRUE(next.confirmed());
}
