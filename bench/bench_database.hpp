#pragma once
// A database of a benchmark's own on the stack's PostgreSQL (never the stack's data): created
// empty and migrated, dropped when the object goes.
#include <cstdlib>
#include <string>

#include <pqxx/pqxx>

#include "ims/infra/migrations.hpp"

namespace ims::bench {

class BenchDatabase {
 public:
  // The stack is found by IMS_DATABASE_URL (scripts/run's by default).
  explicit BenchDatabase(const std::string& name) : name_(name) {
    const char* v = std::getenv("IMS_DATABASE_URL");
    const std::string url = v ? v : "postgresql://ims:ims@127.0.0.1:25432/ims";
    base_ = url.substr(0, url.rfind('/'));
    drop();
    {
      pqxx::connection admin(base_ + "/postgres");
      pqxx::nontransaction q(admin);
      q.exec("CREATE DATABASE " + name_);
    }
    infra::migrate(url_of_bench(), infra::bundled_migrations());
  }
  ~BenchDatabase() {
    try {
      drop();
    } catch (const std::exception&) {  // the stack went away first: nothing left to drop
    }
  }
  BenchDatabase(const BenchDatabase&) = delete;
  BenchDatabase& operator=(const BenchDatabase&) = delete;

  std::string url() const { return url_of_bench(); }

 private:
  std::string url_of_bench() const { return base_ + "/" + name_; }
  void drop() {
    pqxx::connection admin(base_ + "/postgres");
    pqxx::nontransaction q(admin);
    q.exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  }
  std::string name_;
  std::string base_;
};

}  // namespace ims::bench
