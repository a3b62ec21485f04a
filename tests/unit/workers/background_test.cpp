// The loop behind the workers' after-commit threads: passes repeat with the wait they ask for, a
// pass that throws (the database went away) is tried again after the retry delay, every thread
// gets its own pass state, and stopping interrupts a long wait instead of sitting it out.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>

#include "background.hpp"

using namespace ims::workers;
using namespace std::chrono_literals;

namespace {

ims::infra::Log quiet() {
  return ims::infra::Log::create("test", "off");
}

bool within(std::chrono::milliseconds limit, const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(1ms);
  }
  return done();
}

}  // namespace

TEST(BackgroundLoop, RepeatsPassesAndRetriesOneThatThrows) {
  std::atomic<int> passes{0};
  {
    BackgroundLoop loop(
        quiet(), "test", 1,
        [&] {
          return [&](const std::atomic<bool>&) -> std::chrono::milliseconds {
            if (++passes == 2) throw std::runtime_error("database unavailable");
            return 1ms;
          };
        },
        5ms);
    EXPECT_TRUE(within(2000ms, [&] { return passes.load() >= 5; })) << passes.load();
  }
  const int after_stop = passes.load();
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(passes.load(), after_stop) << "a pass ran after the loop was destroyed";
}

TEST(BackgroundLoop, EveryThreadHasItsOwnPassState) {
  std::atomic<int> factories{0};
  std::atomic<int> distinct_states_seen{0};
  {
    BackgroundLoop loop(quiet(), "test", 3, [&] {
      ++factories;
      auto mine = std::make_shared<int>(0);
      return [&, mine](const std::atomic<bool>&) {
        if (++*mine == 1) ++distinct_states_seen;  // only this thread touches `mine`
        return 1ms;
      };
    });
    EXPECT_TRUE(within(2000ms, [&] { return distinct_states_seen.load() == 3; }));
  }
  EXPECT_EQ(factories.load(), 3);
}

TEST(BackgroundLoop, StoppingInterruptsALongWait) {
  std::atomic<int> passes{0};
  auto loop = std::make_unique<BackgroundLoop>(quiet(), "test", 1, [&] {
    return [&](const std::atomic<bool>&) {
      ++passes;
      return std::chrono::milliseconds(std::chrono::hours(1));
    };
  });
  ASSERT_TRUE(within(2000ms, [&] { return passes.load() == 1; }));
  const auto started = std::chrono::steady_clock::now();
  loop.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
}
