#include "ims/infra/pg.hpp"

namespace ims::infra {

std::string with_connect_timeout(const std::string& url, int seconds) {
  if (url.find("connect_timeout") != std::string::npos) return url;
  const char sep = url.find('?') == std::string::npos ? '?' : '&';
  return url + sep + "connect_timeout=" + std::to_string(seconds);
}

pqxx::connection& PgSession::connection() {
  if (!healthy()) {
    drop();
    try {
      conn_ = std::make_unique<pqxx::connection>(with_connect_timeout(url_, 3));
      if (meters_) meters_->opened();
      for (const auto& [name, sql] : statements_) conn_->prepare(name, sql);
      for (const auto& [name, sql] : store_statements()) conn_->prepare(name, sql);
    } catch (const pqxx::broken_connection& e) {
      throw DependencyUnavailable("postgresql", e.what());
    }
  }
  return *conn_;
}

void PgSession::ping() {
  transact([](pqxx::work& txn) { txn.exec("SELECT 1"); });
}

}  // namespace ims::infra
