// The messaging topology against the test stack's RabbitMQ.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <thread>
#include <vector>

#include "ims/infra/amqp.hpp"
#include "ims/infra/amqp_probe.hpp"
#include "ims/infra/errors.hpp"

using namespace ims::infra;

namespace {
std::string amqp_url() {
  const char* url = std::getenv("IMS_AMQP_URL");
  return url ? url : "amqp://ims:ims@127.0.0.1:26672";
}
}  // namespace

TEST(Topology, DeclaringTwiceIsHarmless) {
  AmqpConnection first(amqp_url());
  declare_topology(first);
  AmqpConnection second(amqp_url());
  EXPECT_NO_THROW(declare_topology(second));
}

TEST(Topology, EveryWorkerRoleHasQueueBindings) {
  for (const char* role : {"stock", "alerts", "labels", "reports", "webhooks"}) {
    ASSERT_TRUE(queue_bindings().contains(role)) << role;
    EXPECT_FALSE(queue_bindings().at(role).empty()) << role;
  }
}

TEST(Topology, AQueueWithOtherArgumentsIsRefusedNotSilentlyChanged) {
  AmqpConnection c(amqp_url());
  declare_topology(c);
  AmqpConnection other(amqp_url());
  // ims.stock is a quorum queue with a delivery limit; redeclaring it without one must fail.
  EXPECT_THROW(other.declare_quorum_queue("ims.stock", "", "", 0), DependencyUnavailable);
}

TEST(BrokerProbe, WrongCredentialsAreReported) {
  std::string url = amqp_url();
  url.replace(url.find("ims:ims"), 7, "ims:wrong");
  EXPECT_THROW(probe_broker(url), DependencyUnavailable);
}

TEST(BrokerProbe, ClosedPortFailsFast) {
  const auto started = std::chrono::steady_clock::now();
  EXPECT_THROW(probe_broker("amqp://ims:ims@127.0.0.1:1", 500), DependencyUnavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
}

TEST(BrokerProbe, ConcurrentPollsShareOneLogin) {
  // Twenty polls at once against a live broker: each one answers "up", and they take about one
  // login, not twenty in a row.
  ims::infra::BrokerProbe probe(5000, 2000);
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::thread> polls;
  std::atomic<int> up{0};
  for (int i = 0; i < 20; ++i)
    polls.emplace_back([&] {
      try {
        probe.check(amqp_url());
        ++up;
      } catch (const std::exception&) {
      }
    });
  for (auto& t : polls) t.join();
  EXPECT_EQ(up.load(), 20);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
}

TEST(BrokerProbe, ADownBrokerIsReportedOnceNamedAndThenProbedAgain) {
  ims::infra::BrokerProbe probe(500, 200);
  try {
    probe.check("amqp://ims:ims@127.0.0.1:1");
    ADD_FAILURE() << "a closed port was reported up";
  } catch (const DependencyUnavailable& e) {
    EXPECT_EQ(e.dependency(), "rabbitmq");
    EXPECT_EQ(std::string(e.what()).find("rabbitmq unavailable: rabbitmq"), std::string::npos) << e.what();
  }
  // A different URL is never answered from the other URL's result.
  EXPECT_NO_THROW(probe.check(amqp_url()));
  std::this_thread::sleep_for(std::chrono::milliseconds(250));
  EXPECT_THROW(probe.check("amqp://ims:ims@127.0.0.1:1"), DependencyUnavailable);
}
