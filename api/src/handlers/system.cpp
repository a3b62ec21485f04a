// /health, /ready, /metrics, the OpenAPI document, the API docs page and the dashboards' files.
#include <memory>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "ims/api/app.hpp"
#include "ims/infra/amqp_probe.hpp"
#include "ims/infra/errors.hpp"

namespace ims::api {
namespace {

Response health(Context&) {
  return json_response(200, R"({"status":"ok"})");
}

// Each dependency is probed independently so the answer names exactly what is down.
Response ready(Context& ctx, infra::BrokerProbe& broker) {
  nlohmann::json checks = nlohmann::json::object();
  std::vector<std::string> down;
  auto probe = [&](const std::string& name, auto&& fn) {
    try {
      fn();
      checks[name] = "up";
    } catch (const std::exception& e) {
      checks[name] = "down";
      down.push_back(name);
      ctx.log.warn("readiness check failed", {{"dependency", name}, {"error", e.what()}});
    }
  };
  probe("postgresql", [&] { ctx.resources.db.ping(); });
  probe("rabbitmq", [&] { broker.check(ctx.services.config.amqp_url); });
  probe("redis", [&] { ctx.resources.redis.ping(); });
  if (down.empty()) return json_response(200, nlohmann::json{{"status", "ready"}, {"checks", checks}}.dump());
  std::string names;
  for (const auto& d : down) names += (names.empty() ? "" : ", ") + d;
  Response r = problem_status(503, "unavailable", "not ready: " + names + " down");
  auto body = nlohmann::json::parse(r.body);
  body["checks"] = checks;
  r.body = body.dump();
  return r.header("Retry-After", "2");
}

Response metrics(Context& ctx) {
  Response r = json_response(200, ctx.services.metrics.render());
  r.content_type = "text/plain; version=0.0.4";
  return r;
}

Response openapi(Context& ctx) {
  return json_response(200, ctx.services.openapi_json);
}

std::string content_type_for(const std::string& name) {
  auto ends = [&](const char* ext) { return name.ends_with(ext); };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".json") || ends(".map")) return "application/json";
  if (ends(".png")) return "image/png";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".ico")) return "image/x-icon";
  return "application/octet-stream";
}

// Cache lifetimes: the dashboards' built assets carry a hash of their content in their names, so a
// browser may keep them for a year; index.html names them and is checked on every load; the rest
// (Swagger UI, the API reference's script) may be five minutes old.
constexpr const char* cache_immutable = "public, max-age=31536000, immutable";
constexpr const char* cache_revalidate = "no-cache";
constexpr const char* cache_short = "public, max-age=300";

bool safe_file_name(const std::string& name) {
  return !name.empty() && name.front() != '.' && name.find("..") == std::string::npos &&
         name.find('/') == std::string::npos && name.find('\\') == std::string::npos;
}

Response file_response(const std::string& path, const std::string& name, const char* cache = cache_short) {
  if (!safe_file_name(name)) return problem(domain::Error::of(domain::ErrorCode::not_found, "no such file"));
  std::ifstream in(path + "/" + name, std::ios::binary);
  if (!in) return problem(domain::Error::of(domain::ErrorCode::not_found, "no such file: " + name));
  std::ostringstream content;
  content << in.rdbuf();
  Response r = json_response(200, content.str());
  r.content_type = content_type_for(name);
  return r.header("Cache-Control", cache);
}

// The dashboards, built by web/build.mjs into web/dist (scripts/run and scripts/test build them).
Response web_index(Context& ctx) {
  return file_response(ctx.services.config.web_dir + "/dist", "index.html", cache_revalidate);
}
Response web_asset(Context& ctx) {
  const auto& name = ctx.request.path_params.at("file");
  const auto built = ctx.services.config.web_dir + "/dist/assets";
  std::error_code ec;  // a name too long for the file system is simply not there
  if (safe_file_name(name) && std::filesystem::is_regular_file(built + "/" + name, ec)) {
    return file_response(built, name, cache_immutable);
  }
  return file_response(ctx.services.config.web_dir + "/assets", name);
}
Response docs_page(Context& ctx) {
  return file_response(ctx.services.config.web_dir, "api-docs.html");
}
Response docs_asset(Context& ctx) {
  return file_response(ctx.services.config.web_dir + "/vendor/swagger-ui",
                       ctx.request.path_params.at("file"));
}

}  // namespace

void add_system_routes(Router<Handler>& router) {
  router.add("GET", "/health", health);
  auto broker = std::make_shared<infra::BrokerProbe>();  // one per process: see BrokerProbe
  router.add("GET", "/ready", [broker](Context& ctx) { return ready(ctx, *broker); });
  router.add("GET", "/metrics", metrics);
  router.add("GET", "/api/openapi.json", openapi);
  router.add("GET", "/api/docs", docs_page);
  router.add("GET", "/api/docs/{file}", docs_asset);
  router.add("GET", "/", web_index);
  router.add("GET", "/pin", web_index);  // the shop-floor PIN pad: the same app, its own address
  router.add("GET", "/assets/{file}", web_asset);
}

}  // namespace ims::api
