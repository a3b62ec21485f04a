// ims: operations without curl — migrate, create-admin, seed-demo, check.
#include <iostream>
#include <string>
#include <vector>

#include "ims/domain/user_rules.hpp"
#include "ims/infra/amqp.hpp"
#include "ims/infra/amqp_probe.hpp"
#include "ims/infra/config.hpp"
#include "ims/infra/crypto.hpp"
#include "ims/infra/migrations.hpp"
#include "ims/infra/pg.hpp"
#include "ims/infra/redis.hpp"
#include "ims/infra/user_store.hpp"

namespace ims::seed {
std::vector<std::pair<std::string_view, std::string_view>> embedded_files();
}

namespace {

using namespace ims;

constexpr const char* usage =
    "usage: ims <command>\n"
    "  migrate                 apply pending database migrations\n"
    "  create-admin USERNAME EMAIL   create an admin (password from IMS_ADMIN_PASSWORD or stdin)\n"
    "  seed-demo               load the demo chain, catalog, stock and one user per role\n"
    "  check                   check configuration, PostgreSQL, RabbitMQ and Redis\n"
    "  replay-dead-letters ROLE   put the role's dead-lettered messages back on their way (after fixing the "
    "cause)\n";

int migrate(const infra::Config& cfg) {
  auto report = infra::migrate(cfg.database_url, infra::bundled_migrations());
  for (const auto& m : report.applied) std::cout << "applied " << m << "\n";
  std::cout << report.applied.size() << " applied, " << report.already_applied.size() << " already applied\n";
  return 0;
}

// Creates the user unless the username exists; returns false when it existed.
bool ensure_user(pqxx::work& txn, const infra::PasswordHasher& hasher, const std::string& username,
                 const std::string& email, const std::string& password, domain::Role role,
                 std::optional<std::string> location_code) {
  if (infra::users::find_by_username(txn, username)) return false;
  std::optional<std::int64_t> location_id;
  if (location_code) {
    auto row = txn.exec_params1("SELECT id FROM inventory.locations WHERE code = $1", *location_code);
    location_id = row[0].as<std::int64_t>();
  }
  infra::users::insert(txn, {username, email, hasher.hash(password), role, location_id});
  return true;
}

int create_admin(const infra::Config& cfg, const std::string& username, const std::string& email) {
  std::string password;
  if (const char* p = std::getenv("IMS_ADMIN_PASSWORD")) {
    password = p;
  } else {
    std::getline(std::cin, password);
  }
  for (auto [field, why] : {std::pair{"username", domain::check_username(username)},
                            std::pair{"email", domain::check_email(email)},
                            std::pair{"password", domain::check_password(password)}}) {
    if (why) {
      std::cerr << "ims create-admin: " << field << " " << *why << "\n";
      return 2;
    }
  }
  infra::PasswordHasher hasher(cfg.password_opslimit, cfg.password_memlimit_kib);
  infra::PgSession db(cfg.database_url);
  const bool created = db.transact([&](pqxx::work& txn) {
    return ensure_user(txn, hasher, username, email, password, domain::Role::admin, std::nullopt);
  });
  if (!created) {
    std::cerr << "ims create-admin: user " << username << " already exists\n";
    return 1;
  }
  std::cout << "created admin " << username << "\n";
  return 0;
}

int seed_demo(const infra::Config& cfg) {
  infra::PasswordHasher hasher(cfg.password_opslimit, cfg.password_memlimit_kib);
  infra::PgSession db(cfg.database_url);
  const std::string password = "demo-password";
  int created = 0;
  db.transact([&](pqxx::work& txn) {
    txn.exec(std::string(seed::embedded_files().front().second));
    const std::vector<std::tuple<const char*, domain::Role, std::optional<std::string>>> people{
        {"admin", domain::Role::admin, std::nullopt},
        {"manufacturer", domain::Role::manufacturer, "FACTORY-01"},
        {"cfa", domain::Role::cfa, "CFA-WEST"},
        {"stockist", domain::Role::stockist, "STK-MUMBAI"},
        {"retailer", domain::Role::retailer, "RET-ANDHERI"}};
    created = 0;
    for (const auto& [name, role, location] : people) {
      created +=
          ensure_user(txn, hasher, name, std::string(name) + "@ims.example.com", password, role, location);
    }
  });
  std::cout << "demo set loaded; " << created << " users created (password: " << password << ")\n";
  return 0;
}

// Moves every message of ims.<role>.dead back to ims.events under its original routing key. The
// consumers are idempotent, so a message that was in fact processed has no second effect.
int replay_dead_letters(const infra::Config& cfg, const std::string& role) {
  if (!infra::queue_bindings().contains(role)) {
    std::cerr << "ims replay-dead-letters: unknown role " << role << "\n";
    return 2;
  }
  infra::AmqpConnection broker(cfg.amqp_url);
  broker.enable_confirms();
  int moved = 0;
  while (auto d = broker.get("ims." + role + ".dead")) {
    auto key = d->headers.count("x-ims-original-routing-key") ? d->headers["x-ims-original-routing-key"]
                                                              : d->routing_key;
    broker.publish({infra::events_exchange, key, d->body, d->message_id, "", "replayed", {}});
    broker.wait_for_confirms();
    broker.ack(d->delivery_tag);  // only once the copy is safely published
    ++moved;
  }
  std::cout << moved << " message(s) replayed from ims." << role << ".dead\n";
  return 0;
}

int check(const infra::Config& cfg) {
  int failures = 0;
  auto probe = [&](const char* name, auto&& fn) {
    try {
      fn();
      std::cout << name << ": up\n";
    } catch (const std::exception& e) {
      std::cout << name << ": DOWN (" << e.what() << ")\n";
      ++failures;
    }
  };
  probe("postgresql", [&] { infra::PgSession(cfg.database_url).ping(); });
  probe("rabbitmq", [&] { infra::probe_broker(cfg.amqp_url); });
  probe("redis", [&] { infra::RedisClient(cfg.redis_url).ping(); });
  return failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "-h" || args[0] == "--help") {
    std::cout << usage;
    return args.empty() ? 2 : 0;
  }
  auto config = infra::load_config(infra::process_env());
  if (!config) {
    std::cerr << "ims: " << config.error().message << "\n";
    for (const auto& f : config.error().fields) std::cerr << "  " << f.field << ": " << f.message << "\n";
    return 2;
  }
  try {
    if (args[0] == "migrate") return migrate(*config);
    if (args[0] == "seed-demo") return seed_demo(*config);
    if (args[0] == "check") return check(*config);
    if (args[0] == "replay-dead-letters" && args.size() == 2) return replay_dead_letters(*config, args[1]);
    if (args[0] == "create-admin" && args.size() == 3) return create_admin(*config, args[1], args[2]);
  } catch (const std::exception& e) {
    std::cerr << "ims " << args[0] << ": " << e.what() << "\n";
    return 1;
  }
  std::cerr << usage;
  return 2;
}
