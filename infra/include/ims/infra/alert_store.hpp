#pragma once
// SQL of reporting.alerts and reporting.email_deliveries: the alerts worker raises, refreshes and
// closes alerts and queues their emails (AlertStore); its sender works off the queue (EmailQueue);
// the API reads and acknowledges (AlertBoard, alert_records.hpp). Typed records only, never pqxx rows.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "ims/domain/alerts.hpp"
#include "ims/infra/alert_records.hpp"
#include "ims/domain/role.hpp"

namespace ims::infra {

// A condition reported by an event.
struct RaisedAlert {
  domain::AlertKey key;
  std::string severity;
  std::string message;
  std::string data = "{}";  // JSON object
  std::string event_id;
  std::string occurred_at;  // the event's time (ISO 8601)
};

// What an email says about the product and the place.
struct AlertPlace {
  std::string product_sku;
  std::string product_name;
  std::string unit;
  std::string location_code;
  std::string location_name;
  std::optional<domain::LocationKind> location_kind;
};

struct Recipient {
  std::int64_t user_id = 0;
  std::string email;
};

struct QueuedEmail {
  std::int64_t alert_id = 0;
  std::optional<std::int64_t> user_id;
  std::string recipient;
  std::string subject;
  std::string text;
  std::string html;
  std::string message_id;
};

class AlertStore {
 public:
  virtual ~AlertStore() = default;
  // The open alert of the key, locked for the rest of the transaction.
  virtual std::optional<AlertRecord> lock_open(const domain::AlertKey& key) = 0;
  // A new open alert; nullopt when a concurrent transaction opened one for the key first.
  virtual std::optional<AlertRecord> open(const RaisedAlert& alert) = 0;
  // The condition was reported again: newer figures, no new alert.
  virtual AlertRecord refresh(std::int64_t id, const RaisedAlert& alert) = 0;
  // Closes the open alert of the key (if any) unless it was reported after `occurred_at` (an older
  // event arriving late never closes a newer alert), and a low-stock alert only while its rule is
  // no longer marked low. Returns how many closed (0 or 1).
  virtual int close(const domain::AlertKey& key, const std::string& event_id, const std::string& occurred_at,
                    const std::string& reason) = 0;
  // Closes the open alert of the kind about the subject wherever it is (a request, a transfer).
  virtual int close_subject(const std::string& kind, const std::string& subject, const std::string& event_id,
                            const std::string& reason) = 0;
  // Closes open alerts of `kinds` last raised before `checked_at` whose key is not in `seen` (a
  // low-stock alert only while its rule is no longer marked low: a crossing the check's snapshot
  // missed is still committed state).
  virtual std::vector<std::int64_t> close_unseen(const std::vector<std::string>& kinds,
                                                 const std::vector<domain::AlertKey>& seen,
                                                 const std::string& checked_at,
                                                 const std::string& event_id) = 0;
  virtual AlertPlace place(std::optional<std::int64_t> product_id,
                           std::optional<std::int64_t> location_id) = 0;
  // Active users with an email who did not opt out: admins, the location's own users, and every
  // manufacturer when asked.
  virtual std::vector<Recipient> recipients(std::optional<std::int64_t> location_id, bool manufacturers) = 0;
  virtual void queue_email(const QueuedEmail& email) = 0;
};

class PgAlertStore final : public AlertStore {
 public:
  explicit PgAlertStore(pqxx::work& txn) : txn_(txn) {}
  std::optional<AlertRecord> lock_open(const domain::AlertKey& key) override;
  std::optional<AlertRecord> open(const RaisedAlert& alert) override;
  AlertRecord refresh(std::int64_t id, const RaisedAlert& alert) override;
  int close(const domain::AlertKey& key, const std::string& event_id, const std::string& occurred_at,
            const std::string& reason) override;
  int close_subject(const std::string& kind, const std::string& subject, const std::string& event_id,
                    const std::string& reason) override;
  std::vector<std::int64_t> close_unseen(const std::vector<std::string>& kinds,
                                         const std::vector<domain::AlertKey>& seen,
                                         const std::string& checked_at, const std::string& event_id) override;
  AlertPlace place(std::optional<std::int64_t> product_id, std::optional<std::int64_t> location_id) override;
  std::vector<Recipient> recipients(std::optional<std::int64_t> location_id, bool manufacturers) override;
  void queue_email(const QueuedEmail& email) override;

 private:
  pqxx::work& txn_;
};

// An email due to be sent, claimed (row-locked) by one sender until its transaction ends.
struct EmailToSend {
  std::int64_t id = 0;
  std::string recipient;
  std::string subject;
  std::string text;
  std::string html;
  std::string message_id;
  int attempts = 0;  // made before this one
};

class EmailQueue {
 public:
  virtual ~EmailQueue() = default;
  virtual std::optional<EmailToSend> claim_due() = 0;
  virtual void mark_sent(std::int64_t id) = 0;
  virtual void mark_retry(std::int64_t id, const std::string& error, std::int64_t delay_ms) = 0;
  virtual void mark_failed(std::int64_t id, const std::string& error) = 0;
};

// What operations watch of the alert conditions right now (the alerts worker's gauges).
struct AlertLevels {
  std::map<std::string, std::int64_t> open_by_kind;  // open alerts, by kind
  std::int64_t stock_low_items = 0;                  // reorder rules whose stock is at or below min now
};

// Read-only; one round trip.
AlertLevels read_alert_levels(pqxx::work& txn);

class PgEmailQueue final : public EmailQueue {
 public:
  explicit PgEmailQueue(pqxx::work& txn) : txn_(txn) {}
  std::optional<EmailToSend> claim_due() override;
  void mark_sent(std::int64_t id) override;
  void mark_retry(std::int64_t id, const std::string& error, std::int64_t delay_ms) override;
  void mark_failed(std::int64_t id, const std::string& error) override;

 private:
  pqxx::work& txn_;
};

}  // namespace ims::infra
