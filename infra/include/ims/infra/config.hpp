#pragma once
// Configuration from IMS_* environment variables (documented in the README's table).
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ims/domain/result.hpp"

namespace ims::infra {

inline constexpr const char* default_jwt_secret = "dev-only-insecure-jwt-secret-change-me-0123456789";

struct Config {
  std::string env = "development";  // development | test | production
  std::string http_host = "127.0.0.1";
  int http_port = 8080;
  int http_threads = 2;            // RESTinio network threads
  int executor_threads = 8;        // request handlers, each with its own PostgreSQL + Redis connection
  int executor_queue_limit = 512;  // requests waiting for a handler before the API answers 503
  int executor_max_wait_ms = 250;  // a request that waited longer for a handler is answered 503 (0: never)
  // The latency requests should get, arrival to answer: requests in flight are limited to what keeps
  // nine in ten of them within it, the rest answered 503 at once (api/admission.hpp; 0: no limit).
  int executor_latency_target_ms = 0;
  int request_timeout_s = 30;
  std::size_t max_body_bytes = std::size_t{1024} * 1024;
  std::string database_url = "postgresql://ims:ims@127.0.0.1:25432/ims";
  std::string amqp_url = "amqp://ims:ims@127.0.0.1:25672";
  std::string redis_url = "redis://127.0.0.1:26379/0";
  std::string smtp_url = "smtp://127.0.0.1:21025";
  std::string jwt_secret = default_jwt_secret;
  std::string jwt_issuer = "ims";
  int access_token_ttl_s = 15 * 60;
  int refresh_token_ttl_s = 7 * 24 * 3600;
  int login_max_failures_per_user = 10;
  int login_max_failures_per_address = 100;
  int login_window_s = 15 * 60;
  int pin_token_ttl_s = 30 * 60;          // shop-floor (PIN) tokens: short-lived, never refreshed
  int pin_max_failures = 5;               // wrong PINs in a row that lock the PIN until it is set again
  bool pin_require_terminal = false;      // IMS_PIN_REQUIRE_TERMINAL=1: /auth/pin needs a registered terminal
  int registration_max_per_address = 20;  // sign-ups per client address per login window
  int email_verification_ttl_s = 24 * 3600;
  int password_memlimit_kib = 19 * 1024;  // OWASP argon2id minimum: 19 MiB, t=2
  int password_opslimit = 2;
  std::string web_dir;  // dashboards and vendored front-end assets
  std::string log_level = "info";
  int metrics_port = 0;
  int outbox_batch = 200;           // events the relay publishes per confirm round trip
  int outbox_retention_hours = 72;  // published outbox rows are pruned after this
  int request_sla_hours = 72;       // approval requests pending longer expire (and give their hold back)
  std::vector<std::string> trusted_proxies;  // peers whose X-Forwarded-For names the client
  int request_max_open_holds = 20;           // transfer requests one requester may have holding stock at once
  int events_max_streams_per_user = 4;       // open /events streams per user (429 beyond)
  int events_max_streams = 1000;             // open /events streams in one ims-api (503 beyond)
  int write_rate_per_minute = 6000;          // writes per user per minute, token bucket in Redis (429 beyond)
  int write_burst = 1000;                    // the bucket's size
  // Email (alerts worker): libcurl SMTP. smtp:// upgrades with STARTTLS when the server offers it,
  // smtps:// is TLS from the start; credentials from the URL or the two settings below.
  std::string smtp_user;
  std::string smtp_password;
  std::string mail_from = "IMS <ims@localhost>";
  int smtp_timeout_ms = 10'000;
  int smtp_max_attempts = 24;      // a delivery failing transiently this often is given up (~3 h)
  int smtp_retry_base_ms = 2'000;  // first retry after this, doubling up to 10 minutes
  std::string dashboard_url = "http://127.0.0.1:8080";  // links in emails point here
  // Webhooks worker: attempts back off from the base (doubling, capped at an hour, with jitter)
  // until the retry window closes; then the delivery fails and the webhook is disabled.
  int webhook_retry_hours = 24;
  int webhook_retry_base_ms = 30'000;
  int webhook_connect_timeout_ms = 5'000;
  int webhook_timeout_ms = 15'000;
  int webhook_senders = 4;  // threads posting at once: one slow target does not hold up the others
  bool webhooks_allow_private = false;  // IMS_WEBHOOKS_ALLOW_PRIVATE=1: loopback/private targets allowed
  // Scheduler and inventory check.
  std::string timezone = "UTC";   // cron expressions are read in this IANA time zone
  int scheduler_tick_ms = 1'000;  // how often the leader looks for due jobs and manual runs
  int expiry_warning_days = 30;   // lots expiring within this many days raise lot.expiring
  // Reports worker: files under this folder; the API serves downloads from it too (same machine
  // or a shared volume).
  std::string reports_dir = "./reports";
  int report_retention_days = 30;  // a ready report's file is deleted after this (the row stays, expired)
  int report_prune_interval_ms = 600'000;  // how often the reports worker looks for expired files
  int gauge_interval_ms = 15'000;          // how often the alerts worker reads open alerts and low stock
  int worker_prefetch = 32;                // messages a worker holds unacknowledged at once

  bool production() const { return env == "production"; }
};

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// Reads the process environment.
EnvLookup process_env();

// Parses and validates; an error names every bad variable.
domain::Result<Config> load_config(const EnvLookup& env);

}  // namespace ims::infra
