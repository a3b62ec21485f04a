// The /transfers use cases over fake stores: who may move a transfer, what each move writes and
// announces, and what is refused before anything is written.
#include <gtest/gtest.h>

#include "fake_stores.hpp"
#include "fake_workflow_stores.hpp"
#include "ims/api/use_cases/transfers.hpp"

namespace ims::api {
namespace {

using domain::ErrorCode;
using domain::FieldError;
using domain::Quantity;
using domain::Role;
using domain::TransferStatus;
using test::FakeAuditTrail;
using test::FakeOutbox;
using test::FakeTransferStore;

constexpr std::int64_t factory = 1, cfa = 2, elsewhere = 3, soap = 10, lot_of_soap = 77;

const Caller maker{{1, Role::manufacturer, std::nullopt}, "req-1"};
const Caller at_factory{{2, Role::cfa, factory}, "req-2"};
const Caller at_cfa{{3, Role::cfa, cfa}, "req-3"};
const Caller outsider{{4, Role::stockist, elsewhere}, "req-4"};

struct TransferTest : ::testing::Test {
  FakeTransferStore transfers;
  FakeOutbox outbox;
  FakeAuditTrail audit;

  void SetUp() override {
    transfers.active_locations = {factory, cfa, elsewhere};
    transfers.active_products = {soap};
    transfers.lots[lot_of_soap] = soap;
  }
  CreateTransfer of(double quantity) {
    return {factory, cfa,
            std::vector<TransferLineCommand>{{soap, Quantity::from_double(quantity), std::nullopt, false}}};
  }
  std::int64_t created(double quantity = 5) {
    auto t = create_transfer(maker, of(quantity), transfers, outbox, audit);
    EXPECT_TRUE(t.ok());
    return (*t)["id"].get<std::int64_t>();
  }
  domain::Result<MovedTransfer> move(const Caller& by, std::int64_t id, TransferStatus to,
                                     std::optional<std::vector<ReceivedLineCommand>> received = std::nullopt,
                                     std::optional<std::string> if_match = std::nullopt) {
    return move_transfer(by, {id, std::move(if_match), to, std::move(received)}, transfers, outbox, audit);
  }
};

TEST_F(TransferTest, CreateWritesTheDraftWithItsLinesAnnouncesAndAudits) {
  auto t = create_transfer(maker, of(5.5), transfers, outbox, audit);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ((*t)["status"], "pending");
  ASSERT_EQ((*t)["lines"].size(), 1u);
  EXPECT_EQ((*t)["lines"][0]["quantity"], 5.5);
  EXPECT_TRUE((*t)["lines"][0]["received_quantity"].is_null());
  EXPECT_EQ(outbox.types(), std::vector<std::string>{"transfer.created"});
  EXPECT_EQ(outbox.events[0].data["from_location_id"], factory);
  EXPECT_EQ(outbox.events[0].correlation_id, "req-1");
  ASSERT_EQ(audit.entries.size(), 1u);
  EXPECT_EQ(audit.entries[0].action, "transfer.created");
  EXPECT_FALSE(audit.entries[0].before.has_value());
}

TEST_F(TransferTest, CreateRefusesTheSameLocationTwiceAndWritesNothing) {
  auto command = of(5);
  command.to_location_id = factory;
  auto refused = create_transfer(maker, command, transfers, outbox, audit);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::validation);
  EXPECT_EQ(refused.error().fields,
            (std::vector<FieldError>{{"to_location_id", "must differ from from_location_id"}}));
  EXPECT_TRUE(transfers.rows.empty());
  EXPECT_TRUE(outbox.events.empty());
}

TEST_F(TransferTest, CreateNamesEachBadLineField) {
  CreateTransfer command{
      factory, cfa,
      std::vector<TransferLineCommand>{{soap, Quantity::from_double(0), std::nullopt, false},
                                       {std::nullopt, Quantity::from_double(1), std::nullopt, false},
                                       {99, Quantity::from_double(1), std::nullopt, false},
                                       {soap, Quantity::from_double(1), 12345, false}}};
  auto refused = create_transfer(maker, command, transfers, outbox, audit);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(
      refused.error().fields,
      (std::vector<FieldError>{{"lines[0].quantity", "must be a positive number with at most 3 decimals"},
                               {"lines[1].product_id", "is required, a positive integer id"},
                               {"lines[2].product_id", "does not exist or is not active"},
                               {"lines[3].lot_id", "is not a lot of this product"}}));
  EXPECT_TRUE(transfers.rows.empty());
}

TEST_F(TransferTest, CreateRefusesNoLinesAndTooManyLines) {
  CreateTransfer none{factory, cfa, std::vector<TransferLineCommand>{}};
  EXPECT_EQ(create_transfer(maker, none, transfers, outbox, audit).error().fields,
            (std::vector<FieldError>{{"lines", "must hold 1 to 200 lines"}}));
  CreateTransfer many{
      factory, cfa,
      std::vector<TransferLineCommand>(201, {soap, Quantity::from_double(1), std::nullopt, false})};
  EXPECT_FALSE(create_transfer(maker, many, transfers, outbox, audit).ok());
  EXPECT_TRUE(transfers.rows.empty());
}

TEST_F(TransferTest, OutsideItsTwoLocationsATransferDoesNotExist) {
  const auto id = created();
  EXPECT_EQ(get_transfer(outsider, id, transfers).error().code, ErrorCode::not_found);
  EXPECT_EQ(move(outsider, id, TransferStatus::in_transit).error().code, ErrorCode::not_found);
  EXPECT_TRUE(get_transfer(at_cfa, id, transfers).ok());
}

TEST_F(TransferTest, ListIsScopedToTheCallersLocation) {
  created();
  auto none = list_transfers(outsider, {}, transfers);
  EXPECT_TRUE(none->empty());
  auto mine =
      list_transfers(at_cfa, {std::nullopt, std::nullopt, elsewhere, 50}, transfers);  // asks for another
  EXPECT_EQ(mine->size(), 1u);
}

TEST_F(TransferTest, TheSourceDispatchesAndTheStockWorkerCarriesItOut) {
  const auto id = created();
  EXPECT_EQ(move(at_cfa, id, TransferStatus::in_transit).error().code, ErrorCode::forbidden);
  outbox.events.clear();
  auto moved = move(at_factory, id, TransferStatus::in_transit);
  ASSERT_TRUE(moved.ok());
  EXPECT_TRUE(moved->accepted);
  EXPECT_EQ(moved->transfer["pending_step"], "dispatch");
  EXPECT_EQ(moved->transfer["status"], "pending");  // the stock worker moves it to in_transit
  EXPECT_EQ(outbox.types(), std::vector<std::string>{"transfer.dispatch_requested"});
}

TEST_F(TransferTest, AStepStillWithTheStockWorkerRefusesTheNextMove) {
  const auto id = created();
  ASSERT_TRUE(move(maker, id, TransferStatus::in_transit).ok());
  auto again = move(maker, id, TransferStatus::canceled);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::conflict);
  EXPECT_NE(again.error().message.find("still carrying out this transfer's dispatch"), std::string::npos);
}

TEST_F(TransferTest, AStaleIfMatchIsRefusedBeforeTheMove) {
  const auto id = created();
  auto refused = move(maker, id, TransferStatus::canceled, std::nullopt, "\"7\"");
  EXPECT_EQ(refused.error().code, ErrorCode::precondition_failed);
  EXPECT_EQ(transfers.rows.at(id).status, "pending");
  EXPECT_TRUE(move(maker, id, TransferStatus::canceled, std::nullopt, "\"1\"").ok());
}

TEST_F(TransferTest, OnlyManagersCancelAndAnIllegalMoveIsAConflict) {
  const auto id = created();
  EXPECT_EQ(move(at_factory, id, TransferStatus::canceled).error().code, ErrorCode::forbidden);
  ASSERT_TRUE(move(maker, id, TransferStatus::canceled).ok());
  EXPECT_EQ(move(maker, id, TransferStatus::in_transit).error().code, ErrorCode::conflict);
}

TEST_F(TransferTest, CompletionRecordsWhatWasReceivedButNeverMoreThanShipped) {
  const auto id = created(5);
  auto& t = transfers.rows.at(id);
  t.status = "arrived";
  const auto soap_line = [](double q) {
    return std::vector<ReceivedLineCommand>{{soap, Quantity::from_double(q)}};
  };
  auto surplus = move(at_cfa, id, TransferStatus::completed, soap_line(6));
  ASSERT_FALSE(surplus.ok());
  EXPECT_EQ(surplus.error().fields[0].field, "lines[0].received_quantity");
  EXPECT_NE(surplus.error().fields[0].message.find("may not exceed the 5 shipped"), std::string::npos);
  auto wrong_count = move(at_cfa, id, TransferStatus::completed, std::vector<ReceivedLineCommand>{});
  EXPECT_EQ(wrong_count.error().fields[0].field, "lines");
  EXPECT_FALSE(transfers.line_rows[id][0].received_quantity.has_value());

  auto done = move(at_cfa, id, TransferStatus::completed, soap_line(4.5));
  ASSERT_TRUE(done.ok());
  EXPECT_TRUE(done->accepted);
  EXPECT_EQ(done->transfer["pending_step"], "complete");
  EXPECT_EQ(done->transfer["lines"][0]["received_quantity"], 4.5);
}

}  // namespace
}  // namespace ims::api
