// The /requests use cases over fake stores: the checks against the stored state, the hold limit,
// who decides, and approval carrying the request out in the same unit of work.
#include <gtest/gtest.h>

#include "fake_stores.hpp"
#include "fake_workflow_stores.hpp"
#include "ims/api/use_cases/requests.hpp"

namespace ims::api {
namespace {

using domain::ErrorCode;
using domain::FieldError;
using domain::Quantity;
using domain::RequestAction;
using domain::RequestStatus;
using domain::Role;
using test::FakeAuditTrail;
using test::FakeOutbox;
using test::FakeRequestStore;
using test::FakeTransferStore;

constexpr std::int64_t factory = 1, cfa = 2, sibling = 3, soap = 10;

const Caller maker{{1, Role::manufacturer, std::nullopt}, "req-1"};
const Caller stockist{{5, Role::stockist, cfa}, "req-5"};
const Caller other_stockist{{6, Role::stockist, sibling}, "req-6"};
const Caller retailer{{7, Role::retailer, sibling}, "req-7"};

struct RequestTest : ::testing::Test {
  FakeRequestStore requests;
  FakeTransferStore transfers;
  FakeOutbox outbox;
  FakeAuditTrail audit;
  RequestLimits limits{2, 72};

  void SetUp() override {
    requests.active_products = {soap};
    requests.active_locations = {factory, cfa, sibling};
    requests.factories = {factory};
    requests.upstream_of[cfa] = factory;
    transfers.active_locations = {factory, cfa, sibling};
    transfers.active_products = {soap};
  }
  RequestCommand transfer_from(std::int64_t from, double q = 4) {
    return {RequestAction::transfer, soap, Quantity::from_double(q).value(), from, cfa, "running low"};
  }
  domain::Result<nlohmann::json> ask(const RequestCommand& c, const Caller& by = stockist) {
    return create_request(by, c, limits, requests, outbox, audit);
  }
  domain::Result<infra::RequestRecord> decide(const Caller& by, std::int64_t id, RequestStatus to) {
    return decide_request(by, {id, std::nullopt, to, "ok"}, requests, transfers, outbox, audit);
  }
};

TEST_F(RequestTest, ATransferRequestAsksTheStockWorkerForItsHold) {
  auto created = ask(transfer_from(factory));
  ASSERT_TRUE(created.ok());
  EXPECT_EQ((*created)["hold"], "requested");
  EXPECT_EQ((*created)["quantity"], 4.0);
  EXPECT_EQ(requests.hold_locks, 1);  // counted under the requester's lock
  EXPECT_EQ(outbox.types(), std::vector<std::string>{"request.created"});
  EXPECT_EQ(audit.entries.at(0).action, "request.created");
}

TEST_F(RequestTest, TheSourceMustBeUpTheRequestersChain) {
  auto refused = ask(transfer_from(sibling));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().fields,
            (std::vector<FieldError>{{"from_location_id", "must be your upstream location or a factory"}}));
  EXPECT_TRUE(requests.rows.empty());
}

TEST_F(RequestTest, OneRequesterHoldsOnlySoMuchAtOnce) {
  ASSERT_TRUE(ask(transfer_from(factory)).ok());
  ASSERT_TRUE(ask(transfer_from(factory)).ok());
  auto third = ask(transfer_from(factory));
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().code, ErrorCode::conflict);
  EXPECT_EQ(requests.rows.size(), 2u);
  EXPECT_TRUE(ask(transfer_from(factory), other_stockist).ok());  // the limit is per requester
}

TEST_F(RequestTest, AnAdjustmentNamesAnActiveLocationAndAnActiveProduct) {
  RequestCommand c{
      RequestAction::adjustment, 99, Quantity::from_double(-2).value(), 42, std::nullopt, "count"};
  auto refused = ask(c);
  EXPECT_EQ(refused.error().fields,
            (std::vector<FieldError>{{"product_id", "does not exist or is not active"},
                                     {"from_location_id", "does not exist or is not active"}}));
  EXPECT_EQ(requests.hold_locks, 0);
}

TEST_F(RequestTest, RequestersSeeTheirOwnDecidersSeeAllOthersNone) {
  const auto id = (*ask(transfer_from(factory)))["id"].get<std::int64_t>();
  EXPECT_EQ(get_request(other_stockist, id, requests).error().code, ErrorCode::not_found);
  EXPECT_TRUE(get_request(maker, id, requests).ok());
  EXPECT_TRUE(list_requests(other_stockist, {}, requests)->empty());
  EXPECT_EQ(list_requests(maker, {}, requests)->size(), 1u);
  EXPECT_EQ(list_requests(retailer, {}, requests).error().code, ErrorCode::forbidden);
}

TEST_F(RequestTest, ApprovalWaitsForTheHoldThenCreatesTheTransfer) {
  const auto id = (*ask(transfer_from(factory)))["id"].get<std::int64_t>();
  EXPECT_EQ(decide(maker, id, RequestStatus::approved).error().code, ErrorCode::conflict);  // hold: requested
  requests.rows.at(id).hold = "held";
  EXPECT_EQ(decide(stockist, id, RequestStatus::approved).error().code, ErrorCode::forbidden);
  outbox.events.clear();
  auto approved = decide(maker, id, RequestStatus::approved);
  ASSERT_TRUE(approved.ok());
  EXPECT_EQ(approved->status, "executed");
  ASSERT_TRUE(approved->transfer_id.has_value());
  const auto& t = transfers.rows.at(*approved->transfer_id);
  EXPECT_EQ(t.from_location_id, factory);
  EXPECT_EQ(t.to_location_id, cfa);
  EXPECT_EQ(transfers.line_rows.at(t.id).at(0).quantity, "4");
  EXPECT_EQ(outbox.types(), (std::vector<std::string>{"transfer.created", "request.approved"}));
}

TEST_F(RequestTest, AnApprovedWriteOffBecomesANegativeAdjustmentForTheStockWorker) {
  RequestCommand c{
      RequestAction::write_off, soap, Quantity::from_double(3).value(), cfa, std::nullopt, "broken"};
  const auto id = (*ask(c))["id"].get<std::int64_t>();
  outbox.events.clear();
  auto approved = decide(maker, id, RequestStatus::approved);
  ASSERT_TRUE(approved.ok());
  ASSERT_EQ(requests.adjustments.size(), 1u);
  EXPECT_EQ(requests.adjustments[0].quantity_delta, "-3");
  EXPECT_EQ(requests.adjustments[0].location_id, cfa);
  EXPECT_EQ(approved->adjustment_id, 501);
  EXPECT_EQ(outbox.types(), (std::vector<std::string>{"stock.adjustment.requested", "request.approved"}));
}

TEST_F(RequestTest, OnlyTheRequesterCancelsAndADecidedRequestStaysDecided) {
  const auto id = (*ask(transfer_from(factory)))["id"].get<std::int64_t>();
  EXPECT_EQ(decide(maker, id, RequestStatus::canceled).error().code, ErrorCode::forbidden);
  auto canceled = decide(stockist, id, RequestStatus::canceled);
  ASSERT_TRUE(canceled.ok());
  EXPECT_EQ(canceled->status, "canceled");
  EXPECT_EQ(canceled->version, 2);
  EXPECT_EQ(decide(maker, id, RequestStatus::denied).error().code, ErrorCode::conflict);
}

TEST_F(RequestTest, AStaleIfMatchIsRefused) {
  const auto id = (*ask(transfer_from(factory)))["id"].get<std::int64_t>();
  auto stale = decide_request(maker, {id, "\"3\"", RequestStatus::denied, std::nullopt}, requests, transfers,
                              outbox, audit);
  EXPECT_EQ(stale.error().code, ErrorCode::precondition_failed);
  EXPECT_EQ(requests.rows.at(id).status, "pending");
}

}  // namespace
}  // namespace ims::api
