#pragma once
// sales.customers as use cases see them: the records, and the store interface a sale uses to find
// or create its customer. No libpqxx here (the SQL is infra/src/customer_store.cpp).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ims::infra {

class UnitOfWork;

struct CustomerRecord {
  std::int64_t id = 0;
  std::int64_t location_id = 0;
  std::string name;
  std::optional<std::string> phone;
  std::optional<std::string> email;
  std::optional<std::string> address;
  std::optional<std::string> tax_id;
  std::optional<std::string> notes;
  bool is_active = true;
  bool anonymized = false;
  int version = 1;
  std::string created_at;
  std::string updated_at;
};

// The editable fields (POST, PUT).
struct CustomerFields {
  std::string name;
  std::optional<std::string> phone;  // normalized (domain::normalize_phone)
  std::optional<std::string> email;
  std::optional<std::string> address;
  std::optional<std::string> tax_id;
  std::optional<std::string> notes;
};

struct CustomerFilter {
  std::optional<std::int64_t> location_id;  // the caller's scope or the asked-for location
  std::optional<bool> is_active;
  std::optional<std::string> q;  // name contains (phone or email too when q_personal)
  bool q_personal = true;        // the caller may see phones and emails, so search them
  std::optional<std::int64_t> after_id;
  int limit = 50;
};

class CustomerStore {
 public:
  virtual ~CustomerStore() = default;
  virtual std::optional<CustomerRecord> find(std::int64_t id) = 0;
  // The location's customer with this phone, else with this email (case-insensitive), else none.
  virtual std::optional<CustomerRecord> match(std::int64_t location_id,
                                              const std::optional<std::string>& phone,
                                              const std::optional<std::string>& email) = 0;
  // nullopt when the phone is already another customer's at the location.
  virtual std::optional<std::int64_t> insert(std::int64_t location_id, const CustomerFields& fields,
                                             std::int64_t created_by) = 0;
};

class PgCustomerStore final : public CustomerStore {
 public:
  explicit PgCustomerStore(UnitOfWork& unit) : unit_(unit) {}
  std::optional<CustomerRecord> find(std::int64_t id) override;
  std::optional<CustomerRecord> match(std::int64_t location_id, const std::optional<std::string>& phone,
                                      const std::optional<std::string>& email) override;
  std::optional<std::int64_t> insert(std::int64_t location_id, const CustomerFields& fields,
                                     std::int64_t created_by) override;

 private:
  UnitOfWork& unit_;
};

}  // namespace ims::infra
