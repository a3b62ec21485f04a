// Every (kind, from, to) of the order state machines, against DESIGN §3.
#include <gtest/gtest.h>

#include <set>
#include <tuple>

#include "ims/domain/order.hpp"

using namespace ims::domain;
using S = OrderStatus;

namespace {
const std::vector<S> statuses{S::pending, S::confirmed, S::rejected, S::processing, S::shipped,
                              S::delivered, S::canceled, S::ordered, S::received};

const std::set<std::pair<S, S>> fulfilment{
    {S::pending, S::confirmed},  {S::pending, S::rejected},    {S::confirmed, S::processing},
    {S::processing, S::shipped}, {S::shipped, S::delivered},    {S::pending, S::canceled},
    {S::confirmed, S::canceled}, {S::processing, S::canceled}, {S::confirmed, S::shipped}};
const std::set<std::pair<S, S>> purchase{
    {S::pending, S::ordered}, {S::ordered, S::received}, {S::pending, S::canceled}, {S::ordered, S::canceled}};
}  // namespace

TEST(OrderStateMachine, EveryTransitionOfEveryKindMatchesTheDesign) {
  for (auto kind : {OrderKind::sale, OrderKind::replenishment, OrderKind::purchase}) {
    const auto& legal = kind == OrderKind::purchase ? purchase : fulfilment;
    for (S from : statuses) {
      for (S to : statuses) {
        auto r = transition(kind, from, to);
        EXPECT_EQ(r.ok(), legal.contains({from, to}))
            << to_string(kind) << ": " << to_string(from) << " -> " << to_string(to);
        if (!r.ok()) {
          EXPECT_EQ(r.error().code, ErrorCode::conflict);
        }
      }
    }
  }
}

TEST(OrderStateMachine, CancelingAShippedOrderIsAConflict) {
  auto r = transition(OrderKind::sale, S::shipped, S::canceled);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "a sale order cannot go from shipped to canceled");
}

TEST(OrderStateMachine, FinalStatusesGoNowhere) {
  for (S from : {S::rejected, S::delivered, S::canceled, S::received}) {
    EXPECT_TRUE(is_final(from));
    for (S to : statuses) {
      EXPECT_FALSE(transition(OrderKind::sale, from, to).ok());
      EXPECT_FALSE(transition(OrderKind::purchase, from, to).ok());
    }
  }
}

TEST(OrderStateMachine, StockEffectsFollowTheLifecycle) {
  EXPECT_EQ(stock_effect(OrderKind::sale, S::confirmed), StockEffect::reserve);
  EXPECT_EQ(stock_effect(OrderKind::sale, S::shipped), StockEffect::deduct_reserved);
  EXPECT_EQ(stock_effect(OrderKind::sale, S::canceled), StockEffect::release_reserved);
  EXPECT_EQ(stock_effect(OrderKind::sale, S::delivered), StockEffect::none);
  EXPECT_EQ(stock_effect(OrderKind::replenishment, S::delivered), StockEffect::receive_at_buyer);
  EXPECT_EQ(stock_effect(OrderKind::purchase, S::received), StockEffect::receive_at_buyer);
  EXPECT_EQ(stock_effect(OrderKind::purchase, S::ordered), StockEffect::none);
}

TEST(OrderKinds, NumbersAndNamesRoundTrip) {
  EXPECT_EQ(number_prefix(OrderKind::sale), "SO");
  EXPECT_EQ(number_prefix(OrderKind::replenishment), "RO");
  EXPECT_EQ(number_prefix(OrderKind::purchase), "PO");
  for (auto k : {OrderKind::sale, OrderKind::replenishment, OrderKind::purchase}) EXPECT_EQ(parse_order_kind(to_string(k)), k);
  for (S s : statuses) EXPECT_EQ(parse_order_status(to_string(s)), s);
  EXPECT_FALSE(parse_order_status("lost").has_value());
}
