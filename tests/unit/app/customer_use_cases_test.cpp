// The /customers use cases over fake stores: who sees and changes which customer, what is written
// and audited (never the personal data), and what is refused.
#include <gtest/gtest.h>

#include "ims/api/use_cases/customers.hpp"
#include "fake_customer_webhook_stores.hpp"
#include "fake_location_stores.hpp"
#include "fake_stores.hpp"

namespace ims::api {
namespace {

using domain::ErrorCode;
using domain::Role;
using nlohmann::json;
using test::FakeAuditTrail;
using test::FakeCustomerStore;
using test::FakeLocationStore;

const Caller admin{{1, Role::admin, std::nullopt}, "req-1"};
const Caller maker{{2, Role::manufacturer, std::nullopt}, "req-2"};
const Caller retailer{{3, Role::retailer, 1}, "req-3"};  // at location 1
const Caller stockist{{4, Role::stockist, 2}, "req-4"};  // at location 2

infra::CustomerFields meera() {
  return {"Meera Shah",
          std::string("919820012345"),
          std::string("meera@example.com"),
          std::string("Andheri West"),
          std::nullopt,
          std::string("prefers mornings")};
}

// A customer of location 1, as a sale would have created it.
std::int64_t of_location_one(FakeCustomerStore& customers) {
  return *customers.insert(1, meera(), 3);
}

std::string audited(const FakeAuditTrail& audit) {
  std::string all;
  for (const auto& e : audit.entries) all += e.before.value_or("") + e.after.value_or("");
  return all;
}

TEST(CustomerUseCases, AStoreUserListsOnlyTheirOwnLocation) {
  FakeCustomerStore customers;
  of_location_one(customers);
  customers.insert(2, {"Ravi", std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt}, 4);
  infra::CustomerFilter asked;
  auto own = list_customers(retailer, asked, customers);
  ASSERT_TRUE(own.ok());
  ASSERT_EQ(own->size(), 1u);
  EXPECT_EQ((*own)[0].location_id, 1);
  asked.location_id = 2;
  auto other = list_customers(retailer, asked, customers);
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(other->empty()) << "another location's customers are none";
  EXPECT_EQ(list_customers(admin, asked, customers)->size(), 1u);
  EXPECT_EQ(list_customers(maker, {}, customers)->size(), 2u);
}

TEST(CustomerUseCases, OnlyWhoMaySeePhonesSearchesThem) {
  FakeCustomerStore customers;
  of_location_one(customers);
  infra::CustomerFilter by_phone;
  by_phone.q = "98200";
  EXPECT_TRUE(list_customers(maker, by_phone, customers)->empty()) << "a manufacturer cannot probe phones";
  EXPECT_EQ(list_customers(retailer, by_phone, customers)->size(), 1u);
  EXPECT_EQ(list_customers(admin, by_phone, customers)->size(), 1u);
  ASSERT_EQ(customers.filters.size(), 3u);
  EXPECT_FALSE(customers.filters[0].q_personal);
  EXPECT_TRUE(customers.filters[1].q_personal);
  EXPECT_TRUE(customers.filters[2].q_personal);
}

TEST(CustomerUseCases, PersonalDataIsShownToTheLocationAndAdminsOnly) {
  FakeCustomerStore customers;
  const auto id = of_location_one(customers);
  auto seen = get_customer(maker, id, customers);
  ASSERT_TRUE(seen.ok());
  EXPECT_TRUE(customer_json(maker.actor, *seen)["phone"].is_null());
  EXPECT_TRUE(customer_json(maker.actor, *seen)["notes"].is_null());
  EXPECT_EQ(customer_json(retailer.actor, *seen)["phone"], "919820012345");
  EXPECT_EQ(customer_json(admin.actor, *seen)["email"], "meera@example.com");
  EXPECT_EQ(customer_json(maker.actor, *seen)["name"], "Meera Shah");
}

TEST(CustomerUseCases, AnotherLocationsCustomerIsNotFoundForEveryVerb) {
  FakeCustomerStore customers;
  FakeAuditTrail audit;
  const auto id = of_location_one(customers);
  EXPECT_EQ(get_customer(stockist, id, customers).error().code, ErrorCode::not_found);
  EXPECT_EQ(update_customer(stockist, {id, std::nullopt, meera()}, customers, audit).error().code,
            ErrorCode::not_found);
  EXPECT_EQ(deactivate_customer(stockist, {id}, customers, audit).error().code, ErrorCode::not_found);
  EXPECT_EQ(anonymize_customer(stockist, {id}, customers, audit).error().code, ErrorCode::not_found);
  EXPECT_EQ(get_customer(admin, 99, customers).error().message, "no such customer");
  EXPECT_TRUE(audit.entries.empty());
  EXPECT_EQ(customers.rows.at(id).version, 1);
}

TEST(CustomerUseCases, WhoCannotSeeThePersonalDataCannotChangeTheCustomer) {
  FakeCustomerStore customers;
  FakeAuditTrail audit;
  const auto id = of_location_one(customers);
  auto overwrite = meera();
  overwrite.name = "Overwritten";
  auto refused = update_customer(maker, {id, std::nullopt, overwrite}, customers, audit);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::forbidden);
  EXPECT_EQ(deactivate_customer(maker, {id}, customers, audit).error().code, ErrorCode::forbidden);
  EXPECT_EQ(anonymize_customer(maker, {id}, customers, audit).error().code, ErrorCode::forbidden);
  EXPECT_EQ(customers.rows.at(id).name, "Meera Shah");
  EXPECT_TRUE(customers.rows.at(id).is_active);
  EXPECT_TRUE(customers.anonymized.empty());
  EXPECT_TRUE(audit.entries.empty());
}

TEST(CustomerUseCases, CreateRefusesAnUnknownLocationAndATakenPhone) {
  FakeCustomerStore customers;
  FakeLocationStore locations;
  FakeAuditTrail audit;
  auto nowhere = create_customer(admin, {5, meera()}, customers, locations, audit);
  ASSERT_FALSE(nowhere.ok());
  EXPECT_EQ(nowhere.error().code, ErrorCode::validation);
  ASSERT_EQ(nowhere.error().fields.size(), 1u);
  EXPECT_EQ(nowhere.error().fields[0], (domain::FieldError{"location_id", "does not exist"}));

  const auto store = locations.insert({"RET-1", "Retail one", "retail", std::nullopt});
  auto created = create_customer(retailer, {store, meera()}, customers, locations, audit);
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created->location_id, store);
  EXPECT_EQ(created->version, 1);
  auto again = create_customer(retailer, {store, meera()}, customers, locations, audit);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::conflict);
  EXPECT_EQ(again.error().fields.at(0).field, "phone");
  EXPECT_EQ(customers.rows.size(), 1u);

  ASSERT_EQ(audit.entries.size(), 1u);
  EXPECT_EQ(audit.entries[0].action, "customer.create");
  EXPECT_EQ(audit.entries[0].actor_id, 3);
  EXPECT_EQ(audit.entries[0].request_id, "req-3");
  EXPECT_FALSE(audit.entries[0].before.has_value());
  EXPECT_EQ(json::parse(*audit.entries[0].after)["name"], "Meera Shah");
  EXPECT_EQ(audited(audit).find("919820012345"), std::string::npos) << "no personal data in the audit trail";
  EXPECT_EQ(audited(audit).find("meera@example.com"), std::string::npos);
}

TEST(CustomerUseCases, UpdateChecksTheVersionAndRefusesAnAnonymizedCustomer) {
  FakeCustomerStore customers;
  FakeAuditTrail audit;
  const auto id = of_location_one(customers);
  auto renamed = meera();
  renamed.name = "Meera S.";
  renamed.address.reset();
  auto updated = update_customer(retailer, {id, std::string("\"1\""), renamed}, customers, audit);
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->name, "Meera S.");
  EXPECT_FALSE(updated->address.has_value()) << "the editable fields are replaced";
  EXPECT_EQ(updated->version, 2);
  ASSERT_EQ(audit.entries.size(), 1u);
  EXPECT_EQ(audit.entries[0].action, "customer.update");
  EXPECT_EQ(json::parse(*audit.entries[0].before)["name"], "Meera Shah");
  EXPECT_EQ(json::parse(*audit.entries[0].after)["name"], "Meera S.");
  EXPECT_EQ(audited(audit).find("Andheri"), std::string::npos);

  auto stale = update_customer(retailer, {id, std::string("\"1\""), meera()}, customers, audit);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::precondition_failed);
  EXPECT_EQ(customers.rows.at(id).name, "Meera S.");

  customers.rows.at(id).anonymized = true;
  auto anonymized = update_customer(admin, {id, std::nullopt, meera()}, customers, audit);
  ASSERT_FALSE(anonymized.ok());
  EXPECT_EQ(anonymized.error().code, ErrorCode::conflict);
  EXPECT_EQ(audit.entries.size(), 1u);
}

TEST(CustomerUseCases, UpdateRefusesAPhoneAnotherCustomerOfTheLocationHas) {
  FakeCustomerStore customers;
  FakeAuditTrail audit;
  const auto id = of_location_one(customers);
  auto other = meera();
  other.name = "Ravi";
  other.phone = "919820099999";
  const auto ravi = *customers.insert(1, other, 3);
  auto taken = update_customer(retailer, {ravi, std::nullopt, meera()}, customers, audit);
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.error().code, ErrorCode::conflict);
  EXPECT_EQ(taken.error().message, "another customer of this location has this phone");
  EXPECT_EQ(customers.rows.at(ravi).phone, "919820099999");
  EXPECT_EQ(customers.rows.at(id).version, 1);
  EXPECT_TRUE(audit.entries.empty());
}

TEST(CustomerUseCases, DeleteDeactivatesOnceAndAuditsIt) {
  FakeCustomerStore customers;
  FakeAuditTrail audit;
  const auto id = of_location_one(customers);
  ASSERT_TRUE(deactivate_customer(retailer, {id}, customers, audit).ok());
  EXPECT_FALSE(customers.rows.at(id).is_active);
  ASSERT_TRUE(deactivate_customer(retailer, {id}, customers, audit).ok()) << "an inactive customer stays so";
  EXPECT_EQ(customers.rows.at(id).version, 2);
  ASSERT_EQ(audit.entries.size(), 1u);
  EXPECT_EQ(audit.entries[0].action, "customer.deactivate");
  EXPECT_EQ(json::parse(*audit.entries[0].before)["is_active"], true);
  EXPECT_EQ(json::parse(*audit.entries[0].after)["is_active"], false);
}

TEST(CustomerUseCases, AnonymizingErasesThePersonalDataAndAuditsOnlyTheOutcome) {
  FakeCustomerStore customers;
  FakeAuditTrail audit;
  const auto id = of_location_one(customers);
  auto done = anonymize_customer(retailer, {id}, customers, audit);
  ASSERT_TRUE(done.ok());
  EXPECT_TRUE(done->anonymized);
  EXPECT_FALSE(done->is_active);
  EXPECT_FALSE(done->phone.has_value());
  EXPECT_EQ(done->name, "Anonymized customer");
  EXPECT_EQ(customers.anonymized, std::vector<std::int64_t>{id});
  ASSERT_EQ(audit.entries.size(), 1u);
  EXPECT_EQ(audit.entries[0].action, "customer.anonymize");
  EXPECT_FALSE(audit.entries[0].before.has_value());
  EXPECT_EQ(audited(audit).find("Meera"), std::string::npos);
}

}  // namespace
}  // namespace ims::api
