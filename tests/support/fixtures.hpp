#pragma once
// Helpers for end-to-end tests of stock and catalog: fresh products, adjustments, waiting for the
// stock worker, and the ledger invariant read straight from PostgreSQL.
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "ims/infra/pg.hpp"
#include "support/http_client.hpp"

namespace ims::test {

inline std::string database_url() {
  return env_or("IMS_DATABASE_URL", "postgresql://ims:ims@127.0.0.1:26432/ims");
}

template <typename T>
T query_one(const std::string& sql) {
  infra::PgSession db(database_url());
  return db.transact([&](pqxx::work& txn) { return txn.exec(sql)[0][0].as<T>(); });
}

// Polls a count query until it returns `expected` (alerts are raised by the alerts worker, after
// the stock worker's commit); returns the last count.
inline long wait_count(const std::string& sql, long expected,
                       std::chrono::seconds limit = std::chrono::seconds(30)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  long n = query_one<long>(sql);
  while (n != expected && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    n = query_one<long>(sql);
  }
  return n;
}

// Polls fn until it returns true (or the time is up); returns its last answer.
inline bool eventually(const std::function<bool()>& fn,
                       std::chrono::seconds limit = std::chrono::seconds(60)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  do {
    if (fn()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  } while (std::chrono::steady_clock::now() < deadline);
  return fn();
}

inline std::int64_t location_id(const std::string& code) {
  return query_one<std::int64_t>("SELECT id FROM inventory.locations WHERE code = '" + code + "'");
}

// A new product nobody else's test touches.
inline std::int64_t create_product(const std::string& token, const std::string& kind = "finished_good") {
  const auto sku = "T-" + unique_suffix();
  auto r = api("POST", "/api/v1/products",
               nlohmann::json{{"sku", sku},
                              {"name", "Test product " + sku},
                              {"kind", kind},
                              {"unit_of_measure", "pcs"},
                              {"price", "10.00"},
                              {"cost", "4.00"}}
                   .dump(),
               {{bearer(token)}});
  if (r.status != 201) throw std::runtime_error("create product: " + r.body);
  return r.json()["id"].get<std::int64_t>();
}

// A walk-in sale of `quantity` of one product at `store`, as `token`; the order's id (0 when refused).
inline std::int64_t place_sale(const std::string& token, std::int64_t store, std::int64_t product,
                               double quantity = 1) {
  auto r = api(
      "POST", "/api/v1/orders",
      nlohmann::json{{"kind", "sale"},
                     {"seller_location_id", store},
                     {"customer", "walk-in"},
                     {"lines", nlohmann::json::array({{{"product_id", product}, {"quantity", quantity}}})}}
          .dump(),
      as(token));
  EXPECT_EQ(r.status, 202) << r.body;
  return r.json().value("id", std::int64_t{0});
}

inline HttpResult post_adjustment(const std::string& token, std::int64_t product, std::int64_t location,
                                  double delta, const std::string& reason = "test",
                                  const nlohmann::json& extra = nlohmann::json::object()) {
  nlohmann::json body{
      {"product_id", product}, {"location_id", location}, {"quantity_delta", delta}, {"reason", reason}};
  body.update(extra);
  return api("POST", "/api/v1/stock/adjustments", body.dump(), {{bearer(token)}});
}

// Polls until the adjustment is no longer pending.
inline nlohmann::json wait_decided(const std::string& token, std::int64_t id,
                                   std::chrono::seconds limit = std::chrono::seconds(30)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  nlohmann::json last;
  do {
    last = api("GET", "/api/v1/stock/adjustments/" + std::to_string(id), "", {{bearer(token)}}).json();
    if (last.is_object() && last.value("status", "pending") != "pending") return last;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (std::chrono::steady_clock::now() < deadline);
  return last;
}

// Stock rows whose on_hand differs from the sum of their movements (must always be 0).
inline long ledger_drift() {
  return query_one<long>(
      "SELECT count(*) FROM inventory.stock s"
      " LEFT JOIN (SELECT product_id, location_id, coalesce(lot_id, 0) AS lot, sum(quantity) AS total"
      "            FROM inventory.movements GROUP BY 1, 2, 3) m"
      "   ON m.product_id = s.product_id AND m.location_id = s.location_id AND m.lot = coalesce(s.lot_id, 0)"
      " WHERE s.on_hand <> coalesce(m.total, 0)");
}

// Stock booked the ledger way (an adjustment the stock worker applies); `extra` may name a lot.
inline void stock_up(const std::string& token, std::int64_t product, std::int64_t location, double quantity,
                     const nlohmann::json& extra = nlohmann::json::object()) {
  auto r = post_adjustment(token, product, location, quantity, "opening stock", extra);
  ASSERT_EQ(r.status, 202) << r.body;
  ASSERT_EQ(wait_decided(token, r.json()["id"])["status"], "applied");
}

// On hand less reserved, over every lot.
inline double available(std::int64_t product, std::int64_t location) {
  return query_one<double>(
      "SELECT coalesce(sum(on_hand - reserved), 0) FROM inventory.stock WHERE product_id = " +
      std::to_string(product) + " AND location_id = " + std::to_string(location));
}

inline double on_hand(std::int64_t product, std::int64_t location) {
  return query_one<double>("SELECT coalesce(sum(on_hand), 0) FROM inventory.stock WHERE product_id = " +
                           std::to_string(product) + " AND location_id = " + std::to_string(location));
}

}  // namespace ims::test
