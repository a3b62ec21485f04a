// The API's handler pool refuses what it cannot take: a full queue at once, and a request that
// waited past max_wait for a thread is shed (answered, not run).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "ims/api/executor.hpp"

using ims::api::BoundedExecutor;
using namespace std::chrono_literals;

namespace {
struct Nothing {};
auto factory = [] { return std::make_unique<Nothing>(); };

// Polls until fn() or two seconds are up.
bool within_two_seconds(const std::function<bool()>& fn) {
  const auto deadline = std::chrono::steady_clock::now() + 2s;
  while (!fn() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
  return fn();
}
}  // namespace

TEST(Executor, ATaskThatWaitedPastMaxWaitIsShedNotRun) {
  BoundedExecutor<Nothing> pool(1, 16, factory, 50ms);
  std::atomic<bool> release{false};
  std::atomic<int> ran{0}, shed{0};
  ASSERT_TRUE(pool.try_submit([&](Nothing&) {
    while (!release) std::this_thread::sleep_for(1ms);  // holds the only thread
    ++ran;
  }));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(pool.try_submit([&](Nothing&) { ++ran; }, [&] { ++shed; }));
  std::this_thread::sleep_for(120ms);  // the three wait past 50 ms
  release = true;
  ASSERT_TRUE(within_two_seconds([&] { return shed == 3; })) << "shed " << shed;
  EXPECT_EQ(ran, 1);
  // An idle pool runs what it is given.
  ASSERT_TRUE(pool.try_submit([&](Nothing&) { ++ran; }, [&] { ++shed; }));
  ASSERT_TRUE(within_two_seconds([&] { return ran == 2; }));
  EXPECT_EQ(shed, 3);
}

TEST(Executor, AFullQueueRefusesAtOnceAndNoMaxWaitRunsEverything) {
  BoundedExecutor<Nothing> pool(1, 2, factory);  // no max_wait
  std::atomic<bool> release{false};
  std::atomic<int> ran{0}, shed{0};
  ASSERT_TRUE(pool.try_submit([&](Nothing&) {
    while (!release) std::this_thread::sleep_for(1ms);
  }));
  ASSERT_TRUE(within_two_seconds([&] { return pool.queue_depth() == 0; }));  // the thread took it
  EXPECT_TRUE(pool.try_submit([&](Nothing&) { ++ran; }, [&] { ++shed; }));
  EXPECT_TRUE(pool.try_submit([&](Nothing&) { ++ran; }, [&] { ++shed; }));
  EXPECT_FALSE(pool.try_submit([&](Nothing&) { ++ran; }, [&] { ++shed; })) << "the queue holds two";
  std::this_thread::sleep_for(80ms);
  release = true;
  ASSERT_TRUE(within_two_seconds([&] { return ran == 2; }));
  EXPECT_EQ(shed, 0);
}
