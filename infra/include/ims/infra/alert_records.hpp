#pragma once
// The alerts as people read them: records of reporting.alerts and the emails each sent, and the
// AlertBoard the API's use cases read and acknowledge through. No libpqxx here (the alerts worker's
// side is alert_store.hpp).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ims::infra {

class UnitOfWork;

struct AlertRecord {
  std::int64_t id = 0;
  std::string kind;
  std::string severity;
  std::optional<std::int64_t> product_id;
  std::optional<std::int64_t> location_id;
  std::string subject;
  std::string message;
  std::string data = "{}";  // JSON object
  int raised_count = 1;
  std::string created_at;
  std::string updated_at;
  std::string last_raised_at;
  std::optional<std::string> acked_at;
  std::optional<std::int64_t> acked_by;
  std::optional<std::string> closed_at;
  std::optional<std::string> closed_by_event;
  std::optional<std::string> close_reason;
};

struct EmailDeliveryRecord {
  std::int64_t id = 0;
  std::int64_t alert_id = 0;
  std::optional<std::int64_t> user_id;
  std::string recipient;
  std::string subject;
  std::string status;  // queued | sent | failed
  int attempts = 0;
  std::optional<std::string> last_error;
  std::string message_id;
  std::string created_at;
  std::string next_attempt_at;
  std::optional<std::string> sent_at;
};

struct AlertFilter {
  std::optional<std::int64_t> location_id;  // scope: only this location's alerts
  std::optional<std::string> kind;
  std::optional<bool> open;  // true: not closed; false: closed
  std::optional<std::int64_t> product_id;
  bool accounts = true;                   // account.* alerts too (admins only)
  std::optional<std::int64_t> before_id;  // cursor: ids below this
  int limit = 50;
};

class AlertBoard {
 public:
  virtual ~AlertBoard() = default;
  virtual std::vector<AlertRecord> list(const AlertFilter& filter) = 0;  // newest first, up to limit + 1
  virtual std::optional<AlertRecord> find(std::int64_t id, bool for_update) = 0;
  // Acknowledged by the user; an event alert (one that does not close by itself) closes with it.
  virtual AlertRecord acknowledge(std::int64_t id, std::int64_t user_id, bool closes) = 0;
  // The deliveries of the alerts, oldest first.
  virtual std::vector<EmailDeliveryRecord> deliveries(const std::vector<std::int64_t>& alert_ids) = 0;
};

class PgAlertBoard final : public AlertBoard {
 public:
  explicit PgAlertBoard(UnitOfWork& unit) : unit_(unit) {}
  std::vector<AlertRecord> list(const AlertFilter& filter) override;
  std::optional<AlertRecord> find(std::int64_t id, bool for_update) override;
  AlertRecord acknowledge(std::int64_t id, std::int64_t user_id, bool closes) override;
  std::vector<EmailDeliveryRecord> deliveries(const std::vector<std::int64_t>& alert_ids) override;

 private:
  UnitOfWork& unit_;
};

}  // namespace ims::infra
