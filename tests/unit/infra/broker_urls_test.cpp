// IMS_AMQP_URL names one RabbitMQ node or the nodes of a cluster.
#include <gtest/gtest.h>

#include "ims/infra/amqp.hpp"
#include "ims/infra/errors.hpp"

using ims::infra::broker_urls;
using V = std::vector<std::string>;

TEST(BrokerUrls, OneUrlOrSeveralSeparatedByCommas) {
  EXPECT_EQ(broker_urls("amqp://ims:ims@127.0.0.1:25672"), V{"amqp://ims:ims@127.0.0.1:25672"});
  EXPECT_EQ(broker_urls("amqp://a:5672,amqp://b:5672, amqp://c:5672 "),
            (V{"amqp://a:5672", "amqp://b:5672", "amqp://c:5672"}));
  EXPECT_EQ(broker_urls("amqp://a:5672,,amqp://b:5672,"), (V{"amqp://a:5672", "amqp://b:5672"}));
  EXPECT_TRUE(broker_urls("").empty());
  EXPECT_TRUE(broker_urls(" , ").empty());
}

TEST(BrokerUrls, AConnectionPassesOverANodeThatDoesNotAnswer) {
  // Nothing listens on these ports: every node is tried, and the error names them all.
  try {
    ims::infra::AmqpConnection c("amqp://ims:ims@127.0.0.1:1,amqp://ims:ims@127.0.0.1:2", 500);
    FAIL() << "connected to nothing";
  } catch (const ims::infra::DependencyUnavailable& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("no node answered"), std::string::npos) << what;
    EXPECT_NE(what.find("127.0.0.1:1: "), std::string::npos) << what;
    EXPECT_NE(what.find("127.0.0.1:2: "), std::string::npos) << what;
    EXPECT_EQ(what.find("ims:ims"), std::string::npos) << "credentials leaked: " << what;
    EXPECT_EQ(what.find("unavailable: rabbitmq unavailable"), std::string::npos) << what;
  }
}
