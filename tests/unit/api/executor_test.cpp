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

TEST(Executor, WhileTheQueueStandsPastMaxWaitANewTaskIsRefusedOnArrival) {
  BoundedExecutor<Nothing> pool(1, 16, factory, 30ms);
  std::atomic<bool> release{false};
  std::atomic<int> ran{0}, shed{0};
  ASSERT_TRUE(pool.try_submit([&](Nothing&) {
    while (!release) std::this_thread::sleep_for(1ms);
  }));
  ASSERT_TRUE(within_two_seconds([&] { return pool.queue_depth() == 0; }));
  // A short queue is taken: it has not waited long yet.
  EXPECT_TRUE(pool.try_submit([&](Nothing&) { ++ran; }, [&] { ++shed; }));
  std::this_thread::sleep_for(60ms);  // now its oldest task has waited past 30 ms
  EXPECT_FALSE(pool.try_submit([&](Nothing&) { ++ran; }, [&] { ++shed; })) << "refused on arrival";
  // A task that cannot be shed (a health check) still queues, and runs.
  std::atomic<bool> checked{false};
  EXPECT_TRUE(pool.try_submit([&](Nothing&) { checked = true; }));
  release = true;
  ASSERT_TRUE(within_two_seconds([&] { return checked.load(); }));
  EXPECT_EQ(shed, 1) << "the task that waited is shed, not run";
  EXPECT_EQ(ran, 0);
  // Once the queue has drained, new tasks are taken again.
  ASSERT_TRUE(pool.try_submit([&](Nothing&) { ++ran; }, [&] { ++shed; }));
  ASSERT_TRUE(within_two_seconds([&] { return ran == 1; }));
}

namespace {
using ims::api::AdmissionLimit;
// One window of 20 finished requests, `slow` of them past the 10 ms target.
void window(AdmissionLimit& limit, int slow, bool held_back) {
  if (held_back) limit.admit(limit.limit());  // a refusal in the window
  for (int i = 0; i < 20; ++i) limit.finished(i < slow ? 30ms : 2ms);
}
}  // namespace

TEST(AdmissionLimit, SlowWindowsCutTheLimitByAQuarterDownToTheFloor) {
  AdmissionLimit limit(10ms, 2, 8, 520);
  EXPECT_EQ(limit.limit(), 8);
  window(limit, 3, false);  // 15% slow
  EXPECT_EQ(limit.limit(), 6);
  window(limit, 20, true);
  EXPECT_EQ(limit.limit(), 4);
  for (int i = 0; i < 5; ++i) window(limit, 20, true);
  EXPECT_EQ(limit.limit(), 2) << "never below the floor";
}

TEST(AdmissionLimit, FastWindowsRaiseTheLimitByOneOnlyWhenItHeldIntakeBack) {
  AdmissionLimit limit(10ms, 2, 8, 10);
  window(limit, 2, false);  // 10% slow is within the target, and nothing was refused: unchanged
  EXPECT_EQ(limit.limit(), 8);
  window(limit, 0, true);
  EXPECT_EQ(limit.limit(), 9);
  for (int i = 0; i < 5; ++i) window(limit, 0, true);
  EXPECT_EQ(limit.limit(), 10) << "never above the ceiling";
}

TEST(AdmissionLimit, AdmitsBelowTheLimitAndRefusesAtIt) {
  AdmissionLimit limit(10ms, 2, 3, 100);
  EXPECT_TRUE(limit.admit(0));
  EXPECT_TRUE(limit.admit(2));
  EXPECT_FALSE(limit.admit(3));
  AdmissionLimit off(0ms, 2, 3, 100);  // no target: only the ceiling holds
  EXPECT_EQ(off.limit(), 100);
  for (int i = 0; i < 5; ++i) window(off, 20, true);
  EXPECT_EQ(off.limit(), 100);
}
