#pragma once
// SQL of reporting.labels and of the subjects labels are made of (a product's SKU and GTIN, a
// lot's code, expiry and product GTIN, an order's or transfer's number, a location's code), each
// with the locations that see it. Shared by the API (request, read) and the labels worker
// (render, fail). Typed records only, never pqxx rows.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "ims/domain/label.hpp"

namespace ims::infra {

class UnitOfWork;

struct LabelRecord {
  std::int64_t id = 0;
  domain::LabelSubject subject_type = domain::LabelSubject::product;
  std::int64_t subject_id = 0;
  domain::Symbology symbology = domain::Symbology::qr;
  domain::LabelFormat format = domain::LabelFormat::png;
  domain::LabelSize size = domain::LabelSize::medium;
  domain::LabelStatus status = domain::LabelStatus::pending;
  std::optional<std::string> content;
  std::optional<std::string> reason;
  std::optional<std::string> content_type;
  std::int64_t byte_size = 0;
  std::optional<std::int64_t> requested_by;
  std::optional<std::int64_t> location_id;
  std::string created_at;
  std::optional<std::string> rendered_at;
};

// A subject as labels see it: what it encodes and who may see it.
struct LabelSubjectRecord {
  domain::LabelFacts facts;
  // order: seller then buyer (either may be absent: -1 is never a location); transfer: from, to;
  // lot: the locations holding stock of it; product, location: none (everyone sees them).
  std::vector<std::int64_t> locations;
  std::optional<std::int64_t> scope_location;  // the label's location_id
};

struct NewLabel {
  domain::LabelSubject subject_type = domain::LabelSubject::product;
  std::int64_t subject_id = 0;
  domain::Symbology symbology = domain::Symbology::qr;
  domain::LabelFormat format = domain::LabelFormat::png;
  domain::LabelSize size = domain::LabelSize::medium;
  std::optional<std::int64_t> requested_by;  // none: the worker's automatic label of an order
  std::optional<std::int64_t> location_id;
  std::string request_id;
};

struct LabelImage {
  std::string content_type;
  std::string bytes;
};

class LabelStore {
 public:
  virtual ~LabelStore() = default;
  virtual std::optional<LabelSubjectRecord> subject(domain::LabelSubject type, std::int64_t id) = 0;
  // A pending label; nullopt when it would be a second automatic label of the same order.
  virtual std::optional<LabelRecord> create(const NewLabel& label) = 0;
  virtual std::optional<LabelRecord> find(std::int64_t id, bool for_update = false) = 0;
  virtual void mark_ready(std::int64_t id, const std::string& content, const std::string& content_type,
                          const std::string& bytes) = 0;
  virtual void mark_failed(std::int64_t id, const std::optional<std::string>& content,
                           const std::string& reason) = 0;
  virtual std::optional<LabelImage> image(std::int64_t id) = 0;
};

class PgLabelStore final : public LabelStore {
 public:
  explicit PgLabelStore(pqxx::work& txn) : txn_(txn) {}
  explicit PgLabelStore(UnitOfWork& unit);  // a use case's
  std::optional<LabelSubjectRecord> subject(domain::LabelSubject type, std::int64_t id) override;
  std::optional<LabelRecord> create(const NewLabel& label) override;
  std::optional<LabelRecord> find(std::int64_t id, bool for_update = false) override;
  void mark_ready(std::int64_t id, const std::string& content, const std::string& content_type,
                  const std::string& bytes) override;
  void mark_failed(std::int64_t id, const std::optional<std::string>& content,
                   const std::string& reason) override;
  std::optional<LabelImage> image(std::int64_t id) override;

 private:
  pqxx::work& txn_;
};

}  // namespace ims::infra
