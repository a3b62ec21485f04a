#pragma once
// sales.customers as use cases see them: the records, the store interface (a sale finds or creates
// its customer, /customers manages them) and its PostgreSQL implementation on a unit of work. No
// libpqxx here (the SQL, as prepared statements, is infra/src/customer_store.cpp).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ims/infra/pg_statements.hpp"

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
  virtual std::optional<CustomerRecord> find_locked(std::int64_t id) = 0;      // FOR UPDATE
  virtual std::vector<CustomerRecord> list(const CustomerFilter& filter) = 0;  // up to limit + 1, by id
  // The location's customer with this phone, else with this email (case-insensitive), else none.
  virtual std::optional<CustomerRecord> match(std::int64_t location_id,
                                              const std::optional<std::string>& phone,
                                              const std::optional<std::string>& email) = 0;
  // nullopt when the phone is already another customer's at the location.
  virtual std::optional<std::int64_t> insert(std::int64_t location_id, const CustomerFields& fields,
                                             std::int64_t created_by) = 0;
  // Replaces the editable fields and bumps the version; false (nothing written) when the phone is
  // already another customer's at the location.
  virtual bool update(std::int64_t id, const CustomerFields& fields) = 0;
  virtual void deactivate(std::int64_t id) = 0;  // bumps the version
  // Clears the personal data, deactivates, and takes the name out of the customer's orders and of
  // its audit rows. Bumps the version.
  virtual void anonymize(std::int64_t id) = 0;
};

class PgCustomerStore final : public CustomerStore {
 public:
  explicit PgCustomerStore(UnitOfWork& unit) : unit_(unit) {}
  std::optional<CustomerRecord> find(std::int64_t id) override;
  std::optional<CustomerRecord> find_locked(std::int64_t id) override;
  std::vector<CustomerRecord> list(const CustomerFilter& filter) override;
  std::optional<CustomerRecord> match(std::int64_t location_id, const std::optional<std::string>& phone,
                                      const std::optional<std::string>& email) override;
  std::optional<std::int64_t> insert(std::int64_t location_id, const CustomerFields& fields,
                                     std::int64_t created_by) override;
  bool update(std::int64_t id, const CustomerFields& fields) override;
  void deactivate(std::int64_t id) override;
  void anonymize(std::int64_t id) override;

  static PreparedStatements statements();

 private:
  UnitOfWork& unit_;
};

}  // namespace ims::infra
