#include "ims/infra/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

namespace ims::infra {

Log Log::create(const std::string& process, const std::string& level) {
  auto logger = std::make_shared<spdlog::logger>(process, std::make_shared<spdlog::sinks::stdout_sink_mt>());
  // The whole line is JSON; spdlog adds the time, we add the rest (already escaped).
  logger->set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l",%v})", spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::trace);
  return Log(std::move(logger), {{"process", process}});
}

Log Log::with(std::string key, std::string value) const {
  LogFields bound = bound_;
  bound.emplace_back(std::move(key), std::move(value));
  return Log(logger_, std::move(bound));
}

void Log::debug(std::string_view m, const LogFields& f) const {
  write(spdlog::level::debug, m, f);
}
void Log::info(std::string_view m, const LogFields& f) const {
  write(spdlog::level::info, m, f);
}
void Log::warn(std::string_view m, const LogFields& f) const {
  write(spdlog::level::warn, m, f);
}
void Log::error(std::string_view m, const LogFields& f) const {
  write(spdlog::level::err, m, f);
}

void Log::write(int level, std::string_view message, const LogFields& fields) const {
  const auto lvl = static_cast<spdlog::level::level_enum>(level);
  if (!logger_->should_log(lvl)) return;
  std::string body;
  auto append = [&body](const std::string& k, std::string_view v) {
    if (!body.empty()) body += ',';
    body += nlohmann::json(k).dump();
    body += ':';
    body += nlohmann::json(std::string(v)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  append("msg", message);
  for (const auto& [k, v] : bound_) append(k, v);
  for (const auto& [k, v] : fields) append(k, v);
  logger_->log(lvl, "{}", body);
}

}  // namespace ims::infra
