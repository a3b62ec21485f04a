// Stopping PostgreSQL, RabbitMQ or Redis turns /ready to 503 naming it; starting it again turns it
// back to 200 without restarting ims-api. Runs alone (RUN_SERIAL): it takes the stack's services away.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "support/http_client.hpp"

using namespace ims::test;

namespace {

int stack(const std::string& verb, const std::string& service) {
  const std::string cmd =
      std::string(IMS_SOURCE_DIR) + "/scripts/stack " + verb + " " + service + " >/dev/null";
  return std::system(cmd.c_str());
}

// Polls /ready until `accept` holds or the time is up; returns the last answer.
template <typename Pred>
HttpResult ready_until(Pred accept, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  HttpResult r;
  do {
    r = api("GET", "/ready", "", HttpOptions{{}, "", 8000});
    if (accept(r)) return r;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  } while (std::chrono::steady_clock::now() < deadline);
  return r;
}

class Readiness : public ::testing::TestWithParam<const char*> {};

}  // namespace

TEST_P(Readiness, FollowsTheDependencyDownAndBackUp) {
  const std::string service = GetParam();
  ASSERT_EQ(ready_until([](const auto& r) { return r.status == 200; }, std::chrono::seconds(60)).status, 200);
  ASSERT_EQ(stack("stop", service), 0);
  auto down = ready_until([](const auto& r) { return r.status == 503; }, std::chrono::seconds(30));
  EXPECT_EQ(down.status, 503);
  EXPECT_EQ(down.header("content-type"), "application/problem+json");
  EXPECT_NE(down.json()["detail"].get<std::string>().find(service), std::string::npos) << down.body;
  EXPECT_EQ(down.json()["checks"][service], "down");
  EXPECT_EQ(api("GET", "/health").status, 200) << "the process itself stays up";

  ASSERT_EQ(stack("start", service), 0);
  auto up = ready_until([](const auto& r) { return r.status == 200; }, std::chrono::seconds(90));
  EXPECT_EQ(up.status, 200) << up.body;
  // And the API works again through the same process: a login touches PostgreSQL and Redis.
  EXPECT_NO_THROW(login("manufacturer"));
}

INSTANTIATE_TEST_SUITE_P(EachDependency, Readiness, ::testing::Values("postgresql", "redis", "rabbitmq"),
                         [](const auto& p) { return std::string(p.param); });
