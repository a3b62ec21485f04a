#pragma once
// The verbs of /stock, /stock/adjustments, /stock/movements, /products/{id}/movements and /lots.
// An adjustment is recorded with its event and carried out by the stock worker (the only writer of
// stock). Reads are scoped: cfa, stockist and retailer users see their own location only.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ims/api/use_cases/caller.hpp"
#include "ims/domain/result.hpp"
#include "ims/domain/stock.hpp"
#include "ims/infra/audit_store.hpp"
#include "ims/infra/event.hpp"
#include "ims/infra/stock_store.hpp"

namespace ims::api {

struct AdjustmentCommand {
  std::int64_t product_id = 0;
  std::int64_t location_id = 0;
  std::optional<std::string> lot_code, expires_on;
  domain::Quantity quantity_delta;
  std::string reason;
};

// Where a listing of one location's stock is kept between changes (Redis in production; an
// optimisation only: a cache that is away is a miss).
class StockCache {
 public:
  virtual ~StockCache() = default;
  virtual std::optional<std::string> get(const std::string& key) = 0;
  virtual void put(const std::string& key, const std::string& body) = 0;
};

struct StockListing {
  std::string body;   // {items, next_cursor}
  std::string cache;  // hit | miss | bypass (X-Cache)
};

nlohmann::json adjustment_json(const infra::AdjustmentRecord& a);

// The pending adjustment with its stock.adjustment.requested event and audit row, or the refusal
// of a product or location that is not there (422).
domain::Result<infra::AdjustmentRecord> request_adjustment(const Caller& by, const AdjustmentCommand& command,
                                                           infra::StockStore& stock, infra::Outbox& outbox,
                                                           infra::AuditTrail& audit);
// not_found outside the caller's scope.
domain::Result<infra::AdjustmentRecord> get_adjustment(const Caller& by, std::int64_t id,
                                                       infra::StockStore& stock);
// A page of stock rows; one location's pages come from `cache` while its stock version is unchanged
// (the version is read before the rows, so a cached body is never older than its key).
domain::Result<StockListing> list_stock(const Caller& by, infra::StockFilter filter, infra::StockStore& stock,
                                        StockCache& cache);
// A page of movements, newest first; `product_path_id` is the product of /products/{id}/movements
// (not_found when there is no such product).
domain::Result<nlohmann::json> list_movements(const Caller& by, infra::MovementFilter filter,
                                              std::optional<std::int64_t> product_path_id,
                                              infra::StockStore& stock);
domain::Result<nlohmann::json> list_lots(const Caller& by, infra::LotFilter filter, infra::StockStore& stock);

}  // namespace ims::api
