// The /suppliers use cases over fake stores: what is written, audited and refused.
#include <gtest/gtest.h>

#include "ims/api/use_cases/suppliers.hpp"
#include "fake_stores.hpp"

namespace ims::api {
namespace {

using domain::ErrorCode;
using test::FakeAuditTrail;
using test::FakeSupplierStore;

const Caller admin{{7, domain::Role::admin, std::nullopt}, "req-1"};

infra::SupplierFields acme() {
  return {"Acme Metals", std::string("sales@acme.test"), std::nullopt, std::string("net 30")};
}

TEST(SupplierUseCases, CreateWritesTheSupplierAndItsAuditRow) {
  FakeSupplierStore suppliers;
  FakeAuditTrail audit;
  auto created = create_supplier(admin, acme(), suppliers, audit);
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created->fields.name, "Acme Metals");
  EXPECT_EQ(created->version, 1);
  ASSERT_EQ(audit.entries.size(), 1u);
  EXPECT_EQ(audit.entries[0].action, "supplier.create");
  EXPECT_EQ(audit.entries[0].actor_id, 7);
  EXPECT_EQ(audit.entries[0].request_id, "req-1");
  EXPECT_FALSE(audit.entries[0].before.has_value());
  EXPECT_EQ(nlohmann::json::parse(*audit.entries[0].after)["payment_terms"], "net 30");
}

TEST(SupplierUseCases, UpdateWithAStaleVersionIsRefusedAndChangesNothing) {
  FakeSupplierStore suppliers;
  FakeAuditTrail audit;
  const auto id = suppliers.insert(acme());
  suppliers.set_active(id, true);  // version 2
  auto fields = acme();
  fields.name = "Acme Alloys";
  auto refused = update_supplier(admin, {id, std::string("\"1\""), fields}, suppliers, audit);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::precondition_failed);
  EXPECT_EQ(suppliers.rows.at(id).fields.name, "Acme Metals");
  EXPECT_TRUE(audit.entries.empty());

  auto updated = update_supplier(admin, {id, std::string("W/\"2\""), fields}, suppliers, audit);
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->fields.name, "Acme Alloys");
  EXPECT_EQ(updated->version, 3);
  ASSERT_EQ(audit.entries.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(*audit.entries[0].before)["name"], "Acme Metals");
}

TEST(SupplierUseCases, StatusChangeIsAuditedAsActivateOrDeactivate) {
  FakeSupplierStore suppliers;
  FakeAuditTrail audit;
  const auto id = suppliers.insert(acme());
  auto off = set_supplier_status(admin, {id, std::nullopt, false}, suppliers, audit);
  ASSERT_TRUE(off.ok());
  EXPECT_FALSE(off->is_active);
  auto on = set_supplier_status(admin, {id, std::nullopt, true}, suppliers, audit);
  ASSERT_TRUE(on.ok());
  ASSERT_EQ(audit.entries.size(), 2u);
  EXPECT_EQ(audit.entries[0].action, "supplier.deactivate");
  EXPECT_EQ(audit.entries[1].action, "supplier.activate");
}

TEST(SupplierUseCases, DeleteIsRefusedWhileProductsNameTheSupplier) {
  FakeSupplierStore suppliers;
  FakeAuditTrail audit;
  const auto id = suppliers.insert(acme());
  suppliers.products[id] = 2;
  auto refused = delete_supplier(admin, {id}, suppliers, audit);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::conflict);
  EXPECT_NE(refused.error().message.find("2 product(s)"), std::string::npos);
  EXPECT_EQ(suppliers.rows.count(id), 1u);

  suppliers.products.erase(id);
  ASSERT_TRUE(delete_supplier(admin, {id}, suppliers, audit).ok());
  EXPECT_EQ(suppliers.rows.count(id), 0u);
  ASSERT_EQ(audit.entries.size(), 1u);
  EXPECT_EQ(audit.entries[0].action, "supplier.delete");
  EXPECT_FALSE(audit.entries[0].after.has_value());
}

TEST(SupplierUseCases, MissingSupplierIsNotFoundForEveryVerb) {
  FakeSupplierStore suppliers;
  FakeAuditTrail audit;
  EXPECT_EQ(get_supplier(9, suppliers).error().code, ErrorCode::not_found);
  EXPECT_EQ(update_supplier(admin, {9, std::nullopt, acme()}, suppliers, audit).error().code,
            ErrorCode::not_found);
  EXPECT_EQ(set_supplier_status(admin, {9, std::nullopt, false}, suppliers, audit).error().code,
            ErrorCode::not_found);
  EXPECT_EQ(delete_supplier(admin, {9}, suppliers, audit).error().code, ErrorCode::not_found);
  EXPECT_TRUE(audit.entries.empty());
}

}  // namespace
}  // namespace ims::api
