// Log lines are JSON objects, one per line, written whole even when many threads log at once, and
// nothing below the level is written.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "ims/infra/log.hpp"

namespace {

// Runs fn with stdout going to a file, and returns the file's lines.
std::vector<std::string> stdout_lines_of(const std::function<void()>& fn) {
  char path[] = "/tmp/ims-log-test-XXXXXX";
  const int fd = ::mkstemp(path);
  std::fflush(stdout);
  const int saved = ::dup(STDOUT_FILENO);
  ::dup2(fd, STDOUT_FILENO);
  fn();
  ::dup2(saved, STDOUT_FILENO);
  ::close(saved);
  ::close(fd);
  std::vector<std::string> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ::unlink(path);
  return lines;
}

}  // namespace

TEST(Log, EachLineIsOneJsonObjectWithItsBoundFieldsAndValuesEscaped) {
  auto lines = stdout_lines_of([] {
    auto log = ims::infra::Log::create("ims-test", "info").with("request_id", "r-1");
    log.debug("not at this level");
    log.info("order placed", {{"order", "SO-1"}, {"note", "a \"quoted\"\\ line\nwith a tab\t"}});
    log.warn("bad bytes", {{"value", std::string("caf\xc3\xa9 \xff")}});
  });
  ASSERT_EQ(lines.size(), 2u);
  const auto first = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(first["level"], "info");
  EXPECT_EQ(first["msg"], "order placed");
  EXPECT_EQ(first["process"], "ims-test");
  EXPECT_EQ(first["request_id"], "r-1");
  EXPECT_EQ(first["order"], "SO-1");
  EXPECT_EQ(first["note"], "a \"quoted\"\\ line\nwith a tab\t");
  const std::string time = first["time"];
  EXPECT_EQ(time.size(), std::string("2026-12-04T21:31:04.123456Z").size()) << time;
  EXPECT_EQ(time.back(), 'Z');
  const auto second = nlohmann::json::parse(lines[1]);
  EXPECT_EQ(second["level"], "warning");
  EXPECT_EQ(second["value"], "caf\xc3\xa9 \xef\xbf\xbd") << "invalid UTF-8 replaced, valid kept";
}

TEST(Log, LinesFromManyThreadsAtOnceNeverInterleave) {
  constexpr int threads = 8, per_thread = 500;
  auto lines = stdout_lines_of([] {
    auto log = ims::infra::Log::create("ims-test", "info");
    std::vector<std::thread> pool;
    pool.reserve(threads);
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&log, t] {
        for (int i = 0; i < per_thread; ++i)
          log.info("line", {{"thread", std::to_string(t)}, {"padding", std::string(300, 'x')}});
      });
    }
    for (auto& th : pool) th.join();
  });
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(threads * per_thread));
  std::vector<int> seen(threads, 0);
  for (const auto& line : lines) {
    const auto j = nlohmann::json::parse(line);  // throws, failing the test, on a torn line
    ++seen.at(std::stoul(j["thread"].get<std::string>()));
  }
  for (int n : seen) EXPECT_EQ(n, per_thread);
}
