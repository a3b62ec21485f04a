// The messaging topology against the test stack's RabbitMQ.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>

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
