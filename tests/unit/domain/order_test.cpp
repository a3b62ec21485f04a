// Every (kind, from, to) of the order state machines, against DESIGN §3.
#include <gtest/gtest.h>

#include <set>
#include <tuple>

#include "ims/domain/order.hpp"

using namespace ims::domain;
using S = OrderStatus;

namespace {
const std::vector<S> statuses{S::draft,   S::pending,   S::confirmed, S::rejected, S::processing,
                              S::shipped, S::delivered, S::canceled,  S::ordered,  S::received};

const std::set<std::pair<S, S>> fulfilment{
    {S::pending, S::confirmed},  {S::pending, S::rejected},    {S::confirmed, S::processing},
    {S::processing, S::shipped}, {S::shipped, S::delivered},   {S::pending, S::canceled},
    {S::confirmed, S::canceled}, {S::processing, S::canceled}, {S::confirmed, S::shipped}};
// Drafts (proposed by the inventory check) are restocking orders only: never a sale.
std::set<std::pair<S, S>> with_drafts(std::set<std::pair<S, S>> moves) {
  moves.insert({{S::draft, S::pending}, {S::draft, S::canceled}});
  return moves;
}
const std::set<std::pair<S, S>> purchase_moves{{S::pending, S::ordered},
                                               {S::ordered, S::received},
                                               {S::pending, S::canceled},
                                               {S::ordered, S::canceled}};
}  // namespace

TEST(OrderStateMachine, EveryTransitionOfEveryKindMatchesTheDesign) {
  for (auto kind : {OrderKind::sale, OrderKind::replenishment, OrderKind::purchase}) {
    const auto legal = kind == OrderKind::purchase        ? with_drafts(purchase_moves)
                       : kind == OrderKind::replenishment ? with_drafts(fulfilment)
                                                          : fulfilment;
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
  for (auto k : {OrderKind::sale, OrderKind::replenishment, OrderKind::purchase})
    EXPECT_EQ(parse_order_kind(to_string(k)), k);
  for (S s : statuses) EXPECT_EQ(parse_order_status(to_string(s)), s);
  EXPECT_FALSE(parse_order_status("lost").has_value());
}

// --- parties: who may order what between which locations ---
namespace {
const OrderLocation factory{1, LocationKind::factory, std::nullopt, true};
const OrderLocation cfa{2, LocationKind::cfa, 1, true};
const OrderLocation stockist{3, LocationKind::stockist, 2, true};
const OrderLocation retail{4, LocationKind::retail, 3, true};
const OrderLocation other_retail{5, LocationKind::retail, 3, true};

Actor at(Role role, std::optional<std::int64_t> location) {
  return Actor{7, role, location};
}

OrderParties sale_from(const OrderLocation& seller) {
  OrderParties p;
  p.kind = OrderKind::sale;
  p.seller_id = seller.id;
  p.seller = seller;
  return p;
}

OrderParties replenish(const OrderLocation& buyer, std::optional<OrderLocation> seller = std::nullopt) {
  OrderParties p;
  p.kind = OrderKind::replenishment;
  p.buyer_id = buyer.id;
  p.buyer = buyer;
  if (seller) {
    p.seller_id = seller->id;
    p.seller = seller;
  }
  return p;
}
}  // namespace

TEST(OrderParties, ARetailerSellsFromItsOwnStoreOnly) {
  auto own = check_parties(at(Role::retailer, 4), sale_from(retail));
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(own->seller_id, 4);
  EXPECT_EQ(check_parties(at(Role::retailer, 4), sale_from(other_retail)).error().code, ErrorCode::forbidden);
}

TEST(OrderParties, SalesAreMadeByRetailAndStockistLocationsOnly) {
  auto from_cfa = check_parties(at(Role::admin, std::nullopt), sale_from(cfa));
  ASSERT_FALSE(from_cfa.ok());
  EXPECT_EQ(from_cfa.error().fields[0].field, "seller_location_id");
  EXPECT_TRUE(check_parties(at(Role::manufacturer, std::nullopt), sale_from(stockist)).ok());
  EXPECT_EQ(check_parties(at(Role::cfa, 2), sale_from(cfa)).error().code,
            ErrorCode::forbidden);  // cfa does not sell
}

TEST(OrderParties, AReplenishmentIsSuppliedByTheBuyersUpstreamLocation) {
  auto r = check_parties(at(Role::stockist, 3), replenish(stockist));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->seller_id, 2);
  EXPECT_EQ(r->buyer_id, 3);
  auto skipping = check_parties(at(Role::stockist, 3), replenish(stockist, factory));
  ASSERT_FALSE(skipping.ok());
  EXPECT_EQ(skipping.error().fields[0],
            (FieldError{"seller_location_id", "must be the buyer's upstream location"}));
  EXPECT_EQ(check_parties(at(Role::admin, std::nullopt), replenish(factory)).error().code,
            ErrorCode::validation);
  EXPECT_EQ(check_parties(at(Role::retailer, 4), replenish(other_retail)).error().code, ErrorCode::forbidden);
}

TEST(OrderParties, OnlyManufacturerAndAdminPurchaseFromSuppliers) {
  OrderParties p;
  p.kind = OrderKind::purchase;
  p.buyer_id = 1;
  p.buyer = factory;
  p.supplier_id = 9;
  p.supplier_exists = true;
  p.supplier_active = true;
  EXPECT_TRUE(check_parties(at(Role::manufacturer, std::nullopt), p).ok());
  EXPECT_EQ(check_parties(at(Role::retailer, 4), p).error().code, ErrorCode::forbidden);
  p.supplier_active = false;
  EXPECT_EQ(check_parties(at(Role::admin, std::nullopt), p).error().fields[0],
            (FieldError{"supplier_id", "is not active"}));
}

TEST(OrderParties, MissingAndInactiveLocationsAreNamed) {
  OrderParties p = sale_from(retail);
  p.seller.reset();
  EXPECT_EQ(check_parties(at(Role::admin, std::nullopt), p).error().fields[0],
            (FieldError{"seller_location_id", "does not exist"}));
  auto closed = retail;
  closed.is_active = false;
  EXPECT_EQ(check_parties(at(Role::admin, std::nullopt), sale_from(closed)).error().fields[0],
            (FieldError{"seller_location_id", "is not active"}));
}

TEST(OrderVisibility, ScopedUsersSeeOrdersOfTheirOwnLocationOnly) {
  EXPECT_TRUE(can_see_order(at(Role::retailer, 4), 4, std::nullopt));
  EXPECT_TRUE(can_see_order(at(Role::cfa, 2), 2, 3));
  EXPECT_TRUE(can_see_order(at(Role::stockist, 3), 2, 3));
  EXPECT_FALSE(can_see_order(at(Role::retailer, 5), 4, std::nullopt));
  EXPECT_TRUE(can_see_order(at(Role::manufacturer, std::nullopt), 4, std::nullopt));
}

TEST(OrderVisibility, TheSellerShipsAndTheBuyerConfirmsArrival) {
  EXPECT_TRUE(can_move_order(at(Role::cfa, 2), OrderKind::replenishment, OrderStatus::shipped, 2, 3));
  EXPECT_FALSE(can_move_order(at(Role::stockist, 3), OrderKind::replenishment, OrderStatus::shipped, 2, 3));
  EXPECT_TRUE(can_move_order(at(Role::stockist, 3), OrderKind::replenishment, OrderStatus::delivered, 2, 3));
  EXPECT_TRUE(can_move_order(at(Role::stockist, 3), OrderKind::replenishment, OrderStatus::canceled, 2, 3));
  EXPECT_FALSE(can_move_order(at(Role::cfa, 2), OrderKind::replenishment, OrderStatus::confirmed, 2, 3));
  EXPECT_TRUE(
      can_move_order(at(Role::admin, std::nullopt), OrderKind::sale, OrderStatus::shipped, 4, std::nullopt));
}

TEST(OrderDrafts, OnlyTheBuyerOrAnUnscopedRoleDecidesADraft) {
  const Actor buyer{1, Role::retailer, 4};
  const Actor seller{2, Role::stockist, 3};
  const Actor maker{3, Role::manufacturer, std::nullopt};
  EXPECT_TRUE(can_decide_draft(buyer, 4));
  EXPECT_FALSE(can_decide_draft(seller, 4));
  EXPECT_TRUE(can_decide_draft(maker, 4));
  EXPECT_FALSE(transition(OrderKind::sale, S::draft, S::pending).ok());
  EXPECT_TRUE(transition(OrderKind::purchase, S::draft, S::canceled).ok());
}
