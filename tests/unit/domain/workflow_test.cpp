// The state machines of production batches, approval requests and transfers against DESIGN §3,
// every (from, to) pair; and the arithmetic of completing a batch (issue 5's example included).
#include <gtest/gtest.h>

#include <set>

#include "ims/domain/workflow.hpp"

using namespace ims::domain;

namespace {
Quantity q(const char* text) {
  return *Quantity::parse(text);
}
std::int64_t e4(const char* text) {
  return *parse_per_unit(text);
}

template <typename S>
void expect_exactly(const std::vector<S>& all, const std::set<std::pair<S, S>>& legal) {
  for (S from : all) {
    for (S to : all) {
      auto r = transition(from, to);
      EXPECT_EQ(r.ok(), legal.contains({from, to})) << to_string(from) << " → " << to_string(to);
      if (!r.ok()) {
        EXPECT_EQ(r.error().code, ErrorCode::conflict);
        EXPECT_NE(r.error().message.find(std::string(to_string(to))), std::string::npos);
      }
    }
  }
}
}  // namespace

TEST(BatchStateMachine, EveryMoveMatchesTheDesign) {
  using B = BatchStatus;
  expect_exactly<B>({B::planned, B::in_progress, B::completed, B::qc_failed, B::canceled},
                    {{B::planned, B::in_progress},
                     {B::in_progress, B::completed},
                     {B::in_progress, B::qc_failed},
                     {B::completed, B::qc_failed},
                     {B::planned, B::canceled}});
}

TEST(RequestStateMachine, EveryMoveMatchesTheDesignAndDecidingTwiceIsAConflict) {
  using R = RequestStatus;
  expect_exactly<R>({R::pending, R::approved, R::executed, R::failed, R::denied, R::canceled, R::expired},
                    {{R::pending, R::approved},
                     {R::approved, R::executed},
                     {R::approved, R::failed},
                     {R::pending, R::denied},
                     {R::pending, R::canceled},
                     {R::pending, R::expired}});
  EXPECT_EQ(transition(R::approved, R::approved).error().message,
            "a request cannot go from approved to approved");
  EXPECT_FALSE(transition(R::denied, R::approved).ok());
}

TEST(RequestStateMachine, OnlyPendingAndApprovedRequestsHoldStock) {
  using R = RequestStatus;
  for (auto s : {R::pending, R::approved}) EXPECT_TRUE(holds_stock(s)) << to_string(s);
  for (auto s : {R::executed, R::failed, R::denied, R::canceled, R::expired})
    EXPECT_FALSE(holds_stock(s)) << to_string(s);
}

TEST(TransferStateMachine, EveryMoveMatchesTheDesign) {
  using T = TransferStatus;
  expect_exactly<T>({T::pending, T::in_transit, T::arrived, T::completed, T::canceled},
                    {{T::pending, T::in_transit},
                     {T::in_transit, T::arrived},
                     {T::arrived, T::completed},
                     {T::pending, T::canceled}});
}

TEST(Workflow, NamesRoundTrip) {
  for (auto s : {BatchStatus::planned, BatchStatus::in_progress, BatchStatus::completed,
                 BatchStatus::qc_failed, BatchStatus::canceled}) {
    EXPECT_EQ(parse_batch_status(to_string(s)), s);
  }
  for (auto a : {RequestAction::transfer, RequestAction::adjustment, RequestAction::write_off}) {
    EXPECT_EQ(parse_request_action(to_string(a)), a);
  }
  EXPECT_FALSE(parse_transfer_status("IN_TRANSIT").has_value());  // the API speaks snake_case
  EXPECT_EQ(parse_transfer_status("in_transit"), TransferStatus::in_transit);
  EXPECT_FALSE(parse_request_status("approve").has_value());
}

TEST(Production, ABatchOfAHundredNeedingThreeKgEachIsShortByFiftyWithTwoHundredFifty) {
  const std::vector<BomLine> bom{{7, e4("3"), 24000}, {8, e4("0.05"), 9500}};
  auto needs = material_needs(bom, q("100"), {{7, q("250")}, {8, q("400")}});
  ASSERT_EQ(needs.size(), 2u);
  EXPECT_EQ(needs[0].needed, q("300"));
  EXPECT_EQ(needs[1].needed, q("5"));
  auto short_ones = shortages(needs);
  ASSERT_EQ(short_ones.size(), 1u);
  EXPECT_EQ(short_ones[0].material_id, 7);
  EXPECT_EQ(short_ones[0].shortage(), q("50"));
  EXPECT_EQ(describe_shortages(short_ones, {{7, "RM-NEEM-OIL"}}),
            "RM-NEEM-OIL short by 50 (needs 300, has 250)");
  // With 300 kg nothing is short.
  EXPECT_TRUE(shortages(material_needs(bom, q("100"), {{7, q("300")}, {8, q("5")}})).empty());
}

TEST(Production, NeedsAreRoundedUpToTheThousandthNeverDown) {
  // 0.333 per unit × 0.5 units = 0.1665 → 0.167; 0.0005 per unit × 3 = 0.0015 → 0.002.
  auto needs = material_needs({{1, e4("0.333"), 100}, {2, e4("0.0005"), 100}}, q("0.5"), {});
  EXPECT_EQ(needs[0].needed, q("0.167"));
  EXPECT_EQ(needs[0].available, q("0"));  // a material with no stock at all
  EXPECT_EQ(material_needs({{2, e4("0.0005"), 100}}, q("3"), {})[0].needed, q("0.002"));
}

TEST(Production, QuantitiesPerUnitHaveUpToFourDecimalsLikeTheBom) {
  EXPECT_EQ(e4("0.0005"), 5);
  EXPECT_EQ(e4("3"), 30000);
  EXPECT_EQ(e4(".25"), 2500);
  for (const char* bad : {"", ".", "0.00001", "-1", "1e3", "abc"})
    EXPECT_FALSE(parse_per_unit(bad).has_value()) << bad;
}

TEST(Production, CostPerUnitIsTheSumOfMaterialCostsExactToTheCent) {
  // 3 kg × 240.00 + 0.05 kg × 95.00 + 1 wrapper × 0.80 = 720.00 + 4.75 + 0.80
  EXPECT_EQ(cost_per_unit_cents({{1, e4("3"), 24000}, {2, e4("0.05"), 9500}, {3, e4("1"), 80}}), 72555);
  // 0.333 × 0.10 = 0.0333 → 0.03; 0.005 × 1.00 = 0.005 → 0.01 (half up)
  EXPECT_EQ(cost_per_unit_cents({{1, e4("0.333"), 10}}), 3);
  EXPECT_EQ(cost_per_unit_cents({{1, e4("0.005"), 100}}), 1);
  EXPECT_EQ(cost_per_unit_cents({}), 0);
}

TEST(Transfers, ADiscrepancyIsWhatArrivedLessWhatWasSent) {
  EXPECT_EQ((TransferLineOutcome{q("40"), q("38")}.discrepancy()), q("-2"));
  EXPECT_EQ((TransferLineOutcome{q("40"), q("41")}.discrepancy()), q("1"));
  EXPECT_EQ((TransferLineOutcome{q("40"), q("40")}.discrepancy()), q("0"));
}
