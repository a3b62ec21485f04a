// The production use cases over fake stores: planning checks, the material check before a
// completion is recorded, and what each move writes and announces.
#include <gtest/gtest.h>

#include "fake_stores.hpp"
#include "fake_workflow_stores.hpp"
#include "ims/api/use_cases/production.hpp"

namespace ims::api {
namespace {

using domain::BatchStatus;
using domain::ErrorCode;
using domain::FieldError;
using domain::Quantity;
using domain::Role;
using test::FakeAuditTrail;
using test::FakeBatchStore;
using test::FakeOutbox;

constexpr std::int64_t soap = 10, oil = 20, factory = 1, warehouse = 2;
const Caller maker{{1, Role::manufacturer, std::nullopt}, "req-1"};

struct ProductionTest : ::testing::Test {
  FakeBatchStore batches;
  FakeOutbox outbox;
  FakeAuditTrail audit;

  void SetUp() override {
    batches.products[soap] = {"finished_good", true};
    batches.products[oil] = {"raw_material", true};
    batches.location_kinds = {{factory, "factory"}, {warehouse, "cfa"}};
    batches.bom = {{oil, "0.5000", 120, "RM-OIL", "40"}};  // half a litre of oil per bar, 40 there
  }
  std::int64_t planned() {
    auto b = plan_batch(maker, {soap, factory, *Quantity::from_double(100)}, batches, outbox, audit);
    EXPECT_TRUE(b.ok());
    return b->id;
  }
  BatchMove completing(std::int64_t id, double produced, std::string lot = "LOT-1") {
    BatchMove m;
    m.id = id;
    m.to = BatchStatus::completed;
    m.quantity_produced = Quantity::from_double(produced);
    m.lot_code = std::move(lot);
    return m;
  }
  domain::Result<MovedBatch> move(const BatchMove& m) { return move_batch(maker, m, batches, outbox, audit); }
  domain::Result<MovedBatch> simple(std::int64_t id, BatchStatus to) {
    BatchMove m;
    m.id = id;
    m.to = to;
    return move(m);
  }
};

TEST_F(ProductionTest, PlanningNeedsAFinishedGoodAtAFactory) {
  auto refused = plan_batch(maker, {oil, warehouse, *Quantity::from_double(1)}, batches, outbox, audit);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().fields,
            (std::vector<FieldError>{{"product_id", "is a raw material; batches make finished goods"},
                                     {"location_id", "must be a factory"}}));
  EXPECT_TRUE(batches.rows.empty());
  EXPECT_TRUE(outbox.events.empty());
}

TEST_F(ProductionTest, APlannedBatchIsAnnouncedWithItsParties) {
  const auto id = planned();
  ASSERT_EQ(outbox.events.size(), 1u);
  EXPECT_EQ(outbox.events[0].type, "production.planned");
  EXPECT_EQ(outbox.events[0].data["batch_id"], id);
  EXPECT_EQ(outbox.events[0].data["location_id"], factory);
  EXPECT_EQ(batch_json(batches.rows.at(id))["planned_quantity"], 100.0);
}

TEST_F(ProductionTest, ShortMaterialsRefuseTheCompletionNamingHowMuchIsMissing) {
  const auto id = planned();
  ASSERT_TRUE(simple(id, BatchStatus::in_progress).ok());
  auto refused = move(completing(id, 100));  // needs 50 litres, 40 there
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::conflict);
  EXPECT_EQ(refused.error().fields,
            (std::vector<FieldError>{{"materials.20", "short by 10 (needs 50, has 40)"}}));
  EXPECT_FALSE(batches.rows.at(id).completion.has_value());
}

TEST_F(ProductionTest, ACoveredCompletionIsHandedToTheStockWorker) {
  const auto id = planned();
  ASSERT_TRUE(simple(id, BatchStatus::in_progress).ok());
  outbox.events.clear();
  auto done = move(completing(id, 80));
  ASSERT_TRUE(done.ok());
  EXPECT_TRUE(done->accepted);
  EXPECT_EQ(done->batch.completion, "requested");
  EXPECT_EQ(done->batch.lot_code, "LOT-1");
  EXPECT_EQ(outbox.types(), std::vector<std::string>{"production.completion_requested"});
  auto again = move(completing(id, 80, "LOT-2"));
  EXPECT_EQ(again.error().code, ErrorCode::conflict);  // already being booked
}

TEST_F(ProductionTest, ATakenLotCodeOrAMissingBillOfMaterialsIsRefused) {
  const auto id = planned();
  ASSERT_TRUE(simple(id, BatchStatus::in_progress).ok());
  batches.taken_lots.insert({soap, "LOT-1"});
  auto taken = move(completing(id, 10));
  EXPECT_EQ(taken.error().code, ErrorCode::conflict);
  EXPECT_EQ(taken.error().fields, (std::vector<FieldError>{{"lot_code", "is taken"}}));
  batches.bom.clear();
  auto no_bom = move(completing(id, 10, "LOT-9"));
  EXPECT_EQ(no_bom.error().code, ErrorCode::validation);
}

TEST_F(ProductionTest, TheMoveChecksComeBeforeTheBodysFieldErrors) {
  const auto id = planned();  // planned: completing it is not a legal move
  auto m = completing(id, 10);
  m.body_errors = {{"lot_code", "must not be empty"}};
  EXPECT_EQ(move(m).error().code, ErrorCode::conflict);
  ASSERT_TRUE(simple(id, BatchStatus::in_progress).ok());
  EXPECT_EQ(move(m).error().code, ErrorCode::validation);
  m.if_match = "\"1\"";
  EXPECT_EQ(move(m).error().code, ErrorCode::precondition_failed);
}

TEST_F(ProductionTest, QcFailingACompletedBatchAsksForTheWriteOff) {
  const auto id = planned();
  batches.rows.at(id).status = "completed";
  BatchMove m;
  m.id = id;
  m.to = BatchStatus::qc_failed;
  m.qc_reason = "bad smell";
  auto failed = move(m);
  ASSERT_TRUE(failed.ok());
  EXPECT_TRUE(failed->accepted);
  EXPECT_EQ(failed->batch.qc_reason, "bad smell");
  EXPECT_EQ(outbox.events.back().data["write_off"], true);
  EXPECT_EQ(audit.entries.back().action, "production.qc_failed");
}

}  // namespace
}  // namespace ims::api
