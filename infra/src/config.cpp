#include "ims/infra/config.hpp"

#include <charconv>
#include <cstdlib>

#ifndef IMS_DEFAULT_WEB_DIR
#define IMS_DEFAULT_WEB_DIR "web"
#endif

namespace ims::infra {
namespace {

class Reader {
 public:
  explicit Reader(const EnvLookup& env) : env_(env) {}

  void text(const char* name, std::string& out) {
    if (auto v = env_(name); v && !v->empty()) out = *v;
  }

  template <typename Int>
  void number(const char* name, Int& out, Int min, Int max) {
    auto v = env_(name);
    if (!v || v->empty()) return;
    Int parsed{};
    auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), parsed);
    if (ec != std::errc{} || ptr != v->data() + v->size() || parsed < min || parsed > max) {
      errors.push_back(
          {name, "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max)});
      return;
    }
    out = parsed;
  }

  std::vector<domain::FieldError> errors;

 private:
  const EnvLookup& env_;
};

}  // namespace

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

namespace {

// The HTTP server: where it listens, its threads, queue and timeouts.
void read_http(Reader& r, Config& c) {
  r.text("IMS_ENV", c.env);
  r.text("IMS_HTTP_HOST", c.http_host);
  r.number("IMS_HTTP_PORT", c.http_port, 1, 65535);
  r.number("IMS_HTTP_THREADS", c.http_threads, 1, 64);
  r.number("IMS_EXECUTOR_THREADS", c.executor_threads, 1, 256);
  r.number("IMS_EXECUTOR_QUEUE_LIMIT", c.executor_queue_limit, 1, 1'000'000);
  r.number("IMS_EXECUTOR_MAX_WAIT_MS", c.executor_max_wait_ms, 0, 60'000);
  r.number("IMS_EXECUTOR_LATENCY_TARGET_MS", c.executor_latency_target_ms, 0, 60'000);
  r.number("IMS_REQUEST_TIMEOUT_S", c.request_timeout_s, 1, 3600);
}

// Where PostgreSQL, RabbitMQ, Redis and the SMTP server are.
void read_services(Reader& r, Config& c) {
  r.text("IMS_DATABASE_URL", c.database_url);
  r.text("IMS_AMQP_URL", c.amqp_url);
  r.text("IMS_REDIS_URL", c.redis_url);
  r.text("IMS_SMTP_URL", c.smtp_url);
}

// Tokens, sign-in throttles, PINs, sign-ups and password hashing.
void read_accounts(Reader& r, Config& c) {
  r.text("IMS_JWT_SECRET", c.jwt_secret);
  r.text("IMS_JWT_ISSUER", c.jwt_issuer);
  r.number("IMS_ACCESS_TOKEN_TTL_S", c.access_token_ttl_s, 10, 24 * 3600);
  r.number("IMS_REFRESH_TOKEN_TTL_S", c.refresh_token_ttl_s, 60, 90 * 24 * 3600);
  r.number("IMS_LOGIN_MAX_FAILURES_PER_USER", c.login_max_failures_per_user, 1, 1'000'000);
  r.number("IMS_LOGIN_MAX_FAILURES_PER_ADDRESS", c.login_max_failures_per_address, 1, 1'000'000);
  r.number("IMS_LOGIN_WINDOW_S", c.login_window_s, 1, 7 * 24 * 3600);
  r.number("IMS_PIN_TOKEN_TTL_S", c.pin_token_ttl_s, 60, 12 * 3600);
  r.number("IMS_PIN_MAX_FAILURES", c.pin_max_failures, 1, 100);
  r.number("IMS_REGISTRATION_MAX_PER_ADDRESS", c.registration_max_per_address, 1, 1'000'000);
  r.number("IMS_EMAIL_VERIFICATION_TTL_S", c.email_verification_ttl_s, 60, 30 * 24 * 3600);
  r.number("IMS_PASSWORD_MEMLIMIT_KIB", c.password_memlimit_kib, 8, 4 * 1024 * 1024);
  r.number("IMS_PASSWORD_OPSLIMIT", c.password_opslimit, 1, 100);
}

// The web assets, logging, metrics, the outbox and the workers.
void read_operations(Reader& r, Config& c) {
  r.text("IMS_WEB_DIR", c.web_dir);
  r.text("IMS_LOG_LEVEL", c.log_level);
  r.number("IMS_METRICS_PORT", c.metrics_port, 0, 65535);
  r.number("IMS_OUTBOX_BATCH", c.outbox_batch, 1, 10'000);
  r.number("IMS_OUTBOX_RETENTION_HOURS", c.outbox_retention_hours, 1, 24 * 365);
  r.number("IMS_WORKER_PREFETCH", c.worker_prefetch, 1, 10'000);
  r.number("IMS_REQUEST_SLA_HOURS", c.request_sla_hours, 1, 24 * 365);
}

// IMS_TRUSTED_PROXIES: a comma-separated list, blanks trimmed.
void read_trusted_proxies(Config& c, const EnvLookup& env) {
  if (auto proxies = env("IMS_TRUSTED_PROXIES"); proxies && !proxies->empty()) {
    std::size_t start = 0;
    while (start <= proxies->size()) {
      auto end = proxies->find(',', start);
      if (end == std::string::npos) end = proxies->size();
      auto item = proxies->substr(start, end - start);
      item.erase(0, item.find_first_not_of(' '));
      item.erase(item.find_last_not_of(' ') + 1);
      if (!item.empty()) c.trusted_proxies.push_back(item);
      start = end + 1;
    }
  }
}

// Holds, event streams and the per-user write rate.
void read_limits(Reader& r, Config& c) {
  r.number("IMS_REQUEST_MAX_OPEN_HOLDS", c.request_max_open_holds, 1, 100'000);
  r.number("IMS_EVENTS_MAX_STREAMS_PER_USER", c.events_max_streams_per_user, 1, 10'000);
  r.number("IMS_EVENTS_MAX_STREAMS", c.events_max_streams, 1, 1'000'000);
  r.number("IMS_WRITE_RATE_PER_MINUTE", c.write_rate_per_minute, 1, 10'000'000);
  r.number("IMS_WRITE_BURST", c.write_burst, 1, 10'000'000);
}

// Email, reports and webhooks.
void read_outbound(Reader& r, Config& c) {
  r.text("IMS_SMTP_USER", c.smtp_user);
  r.text("IMS_SMTP_PASSWORD", c.smtp_password);
  r.text("IMS_MAIL_FROM", c.mail_from);
  r.number("IMS_SMTP_TIMEOUT_MS", c.smtp_timeout_ms, 100, 600'000);
  r.number("IMS_SMTP_MAX_ATTEMPTS", c.smtp_max_attempts, 1, 100);
  r.number("IMS_SMTP_RETRY_BASE_MS", c.smtp_retry_base_ms, 10, 3'600'000);
  r.text("IMS_DASHBOARD_URL", c.dashboard_url);
  r.text("IMS_REPORTS_DIR", c.reports_dir);
  r.number("IMS_REPORT_RETENTION_DAYS", c.report_retention_days, 1, 3660);
  r.number("IMS_REPORT_PRUNE_INTERVAL_MS", c.report_prune_interval_ms, 100, 86'400'000);
  r.number("IMS_GAUGE_INTERVAL_MS", c.gauge_interval_ms, 100, 3'600'000);
  r.number("IMS_WEBHOOK_RETRY_HOURS", c.webhook_retry_hours, 1, 24 * 30);
  r.number("IMS_WEBHOOK_RETRY_BASE_MS", c.webhook_retry_base_ms, 10, 3'600'000);
  r.number("IMS_WEBHOOK_CONNECT_TIMEOUT_MS", c.webhook_connect_timeout_ms, 100, 60'000);
  r.number("IMS_WEBHOOK_TIMEOUT_MS", c.webhook_timeout_ms, 100, 120'000);
  r.number("IMS_WEBHOOK_SENDERS", c.webhook_senders, 1, 64);
}

// Yes/no settings, the time zone and the scheduler.
void read_flags_and_schedule(Reader& r, Config& c, const EnvLookup& env) {
  if (auto v = env("IMS_WEBHOOKS_ALLOW_PRIVATE"); v && !v->empty())
    c.webhooks_allow_private = *v == "1" || *v == "true";
  if (auto v = env("IMS_PIN_REQUIRE_TERMINAL"); v && !v->empty())
    c.pin_require_terminal = *v == "1" || *v == "true";
  r.text("IMS_TIMEZONE", c.timezone);
  r.number("IMS_SCHEDULER_TICK_MS", c.scheduler_tick_ms, 50, 60'000);
  r.number("IMS_EXPIRY_WARNING_DAYS", c.expiry_warning_days, 0, 3650);
}

// Settings that are wrong together or in production.
void check(Reader& r, const Config& c) {
  if (c.smtp_url.rfind("smtp://", 0) != 0 && c.smtp_url.rfind("smtps://", 0) != 0) {
    r.errors.push_back({"IMS_SMTP_URL", "must start with smtp:// or smtps://"});
  }
  if (c.timezone.empty() || c.timezone.size() > 64 ||
      c.timezone.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_+-") !=
          std::string::npos) {
    r.errors.push_back({"IMS_TIMEZONE", "must be an IANA time zone name such as UTC or Asia/Kolkata"});
  }

  if (c.env != "development" && c.env != "test" && c.env != "production") {
    r.errors.push_back({"IMS_ENV", "must be development, test or production"});
  }
  if (c.jwt_secret.size() < 32) {
    r.errors.push_back({"IMS_JWT_SECRET", "must be at least 32 bytes"});
  } else if (c.production() && c.jwt_secret == default_jwt_secret) {
    r.errors.push_back({"IMS_JWT_SECRET", "must be set to a secret of your own in production"});
  }
  if (c.production() && (c.password_memlimit_kib < 19 * 1024 || c.password_opslimit < 2)) {
    r.errors.push_back({"IMS_PASSWORD_MEMLIMIT_KIB",
                        "must be at least 19456 with IMS_PASSWORD_OPSLIMIT >= 2 in production"});
  }
}

}  // namespace

domain::Result<Config> load_config(const EnvLookup& env) {
  Config c;
  c.web_dir = IMS_DEFAULT_WEB_DIR;
  Reader r(env);
  read_http(r, c);
  read_services(r, c);
  read_accounts(r, c);
  read_operations(r, c);
  read_trusted_proxies(c, env);
  read_limits(r, c);
  read_outbound(r, c);
  read_flags_and_schedule(r, c, env);
  check(r, c);
  if (!r.errors.empty()) return domain::Error::validation(std::move(r.errors), "invalid configuration");
  return c;
}

}  // namespace ims::infra
