#include "ims/infra/log.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <ctime>

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

namespace ims::infra {

Log Log::create(const std::string& process, const std::string& level) {
  // The logger holds the level only: lines are built and written by Log::write.
  auto logger = std::make_shared<spdlog::logger>(process);
  logger->set_level(spdlog::level::from_str(level));
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

namespace {

// `v` as a JSON string. Printable ASCII without quotes or backslashes (nearly every value) is
// copied as it is; anything else goes through nlohmann, which also replaces invalid UTF-8.
void append_json_string(std::string& out, std::string_view v) {
  const bool plain = std::all_of(v.begin(), v.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x20 && u < 0x7f && c != '"' && c != '\\';
  });
  if (!plain) {
    out += nlohmann::json(std::string(v)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return;
  }
  out += '"';
  out += v;
  out += '"';
}

// 2026-12-04T21:31:04.123456Z
void append_utc_now(std::string& out) {
  const auto now = std::chrono::system_clock::now();
  const auto seconds = std::chrono::system_clock::to_time_t(now);
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() % 1'000'000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[40];
  const int n =
      std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
                    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long>(micros));
  out.append(buf, static_cast<std::size_t>(std::max(0, n)));
}

// One line, one write(2), no lock: lines from many threads do not interleave (a pipe, or a file
// opened for appending, takes each write whole), none waits for another's system call, and a line
// is out as soon as it is logged, so a process killed at once loses none of what it logged.
void write_line(const std::string& line) {
  const char* p = line.data();
  std::size_t left = line.size();
  while (left > 0) {
    const auto n = ::write(STDOUT_FILENO, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // nowhere to log to: nothing else to be done
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

}  // namespace

void Log::write(int level, std::string_view message, const LogFields& fields) const {
  const auto lvl = static_cast<spdlog::level::level_enum>(level);
  if (!logger_->should_log(lvl)) return;
  std::string line;
  line.reserve(256);
  line += R"({"time":")";
  append_utc_now(line);
  line += R"(","level":")";
  const auto name = spdlog::level::to_string_view(lvl);
  line.append(name.data(), name.size());
  line += R"(","msg":)";
  append_json_string(line, message);
  auto append = [&line](const std::string& k, std::string_view v) {
    line += ',';
    append_json_string(line, k);
    line += ':';
    append_json_string(line, v);
  };
  for (const auto& [k, v] : bound_) append(k, v);
  for (const auto& [k, v] : fields) append(k, v);
  line += "}\n";
  write_line(line);
}

}  // namespace ims::infra
