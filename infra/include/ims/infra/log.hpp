#pragma once
// Structured logging: one JSON object per line on stdout, each line written whole by one write(2)
// (spdlog only holds the level). A Log carries bound fields (process, request_id, correlation_id …)
// so every line of a request says which request.
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace spdlog {
class logger;
}

namespace ims::infra {

using LogFields = std::vector<std::pair<std::string, std::string>>;

class Log {
 public:
  // level: trace|debug|info|warn|error
  static Log create(const std::string& process, const std::string& level);

  Log with(std::string key, std::string value) const;

  void debug(std::string_view message, const LogFields& fields = {}) const;
  void info(std::string_view message, const LogFields& fields = {}) const;
  void warn(std::string_view message, const LogFields& fields = {}) const;
  void error(std::string_view message, const LogFields& fields = {}) const;

 private:
  Log(std::shared_ptr<spdlog::logger> logger, LogFields bound)
      : logger_(std::move(logger)), bound_(std::move(bound)) {}
  void write(int level, std::string_view message, const LogFields& fields) const;

  std::shared_ptr<spdlog::logger> logger_;
  LogFields bound_;
};

}  // namespace ims::infra
