// When every handler thread is busy and the queue is full, ims-api answers 503 at once with
// Retry-After instead of queueing without limit; with a latency target it takes fewer requests at
// once when they get slow. Each test uses an ims-api of its own.
#include <gtest/gtest.h>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <atomic>
#include <thread>

#include "support/http_client.hpp"

extern char** environ;

using namespace ims::test;
using nlohmann::json;

namespace {

class TinyApi {
 public:
  explicit TinyApi(int port, std::vector<std::string> settings = {"IMS_EXECUTOR_THREADS=1",
                                                                  "IMS_EXECUTOR_QUEUE_LIMIT=1"})
      : url_("http://127.0.0.1:" + std::to_string(port)) {
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) {
      std::string kv = *e;
      if (kv.rfind("IMS_HTTP_PORT=", 0) == 0 || kv.rfind("IMS_EXECUTOR_", 0) == 0 ||
          kv.rfind("IMS_LOG_LEVEL=", 0) == 0)
        continue;
      env.push_back(kv);
    }
    env.push_back("IMS_HTTP_PORT=" + std::to_string(port));
    env.insert(env.end(), settings.begin(), settings.end());
    env.emplace_back("IMS_LOG_LEVEL=warn");
    std::vector<char*> envp;
    envp.reserve(env.size() + 1);
    for (auto& s : env) envp.push_back(s.data());
    envp.push_back(nullptr);
    char* argv[] = {const_cast<char*>(IMS_API_BINARY), nullptr};
    if (posix_spawn(&pid_, IMS_API_BINARY, nullptr, nullptr, argv, envp.data()) != 0) pid_ = -1;
    for (int i = 0; i < 100; ++i) {
      if (http("GET", url_ + "/health").status == 200) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ~TinyApi() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }
  const std::string& url() const { return url_; }

 private:
  pid_t pid_ = -1;
  std::string url_;
};

}  // namespace

TEST(Saturation, BusyServerAnswers503AtOnceWithRetryAfter) {
  TinyApi server(std::stoi(env_or("IMS_HTTP_PORT", "18080")) + 7);
  ASSERT_EQ(http("GET", server.url() + "/health").status, 200);
  // Each login spends ~50 ms in argon2id, so 24 at once overwhelm one thread with a queue of one.
  // A user of its own and an address of its own, so the failed logins it provokes cannot lock out
  // anybody else's tests.
  const std::string body =
      json{{"username", "saturation-" + unique_suffix()}, {"password", "wrong-password-x"}}.dump();
  HttpOptions from_elsewhere;
  from_elsewhere.source_address = "127.0.0.3";
  std::atomic<int> ok{0}, unavailable{0}, other{0};
  std::atomic<long> slowest_503_ms{0};
  std::vector<std::thread> clients;
  clients.reserve(24);
  for (int i = 0; i < 24; ++i) {
    clients.emplace_back([&] {
      const auto started = std::chrono::steady_clock::now();
      auto r = http("POST", server.url() + "/api/v1/auth/login", body, from_elsewhere);
      const long ms =
          std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started)
              .count();
      if (r.status == 503) {
        ++unavailable;
        EXPECT_EQ(r.header("retry-after"), "1");
        EXPECT_EQ(r.header("content-type"), "application/problem+json");
        long prev = slowest_503_ms.load();
        while (ms > prev && !slowest_503_ms.compare_exchange_weak(prev, ms)) {
        }
      } else if (r.status == 401 || r.status == 429) {
        ++ok;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_GT(unavailable.load(), 0) << "some requests are refused";
  EXPECT_GT(ok.load(), 0) << "some requests are served";
  EXPECT_EQ(other.load(), 0);
  EXPECT_LT(slowest_503_ms.load(), 1000) << "refusals do not wait in a queue";
  auto metrics = http("GET", server.url() + "/metrics");
  EXPECT_NE(metrics.body.find("ims_http_rejected_saturated_total"), std::string::npos);
}

namespace {
double gauge(const std::string& metrics, const std::string& name) {
  const auto at = metrics.find("\n" + name + " ");
  return at == std::string::npos ? -1 : std::stod(metrics.substr(at + name.size() + 2));
}
}  // namespace

// With IMS_EXECUTOR_LATENCY_TARGET_MS, requests slower than the target make ims-api take fewer at
// once: logins (20-50 ms of argon2id each, and successful, so never throttled) against a 5 ms
// target bring the limit, which starts at the four handler threads, down to its floor of two; the
// rest are refused at once; readiness and metrics are never refused.
TEST(Saturation, RequestsSlowerThanTheLatencyTargetLowerTheAdmissionLimit) {
  TinyApi server(
      std::stoi(env_or("IMS_HTTP_PORT", "18080")) + 8,
      {"IMS_EXECUTOR_THREADS=4", "IMS_EXECUTOR_QUEUE_LIMIT=64", "IMS_EXECUTOR_LATENCY_TARGET_MS=5"});
  ASSERT_EQ(http("GET", server.url() + "/health").status, 200);
  // It starts at the handler threads.
  EXPECT_EQ(gauge(http("GET", server.url() + "/metrics").body, "ims_http_admission_limit"), 4);
  // Logins that succeed: each one verifies the password, and none is throttled.
  const std::string body = json{{"username", "retailer"}, {"password", "demo-password"}}.dump();
  HttpOptions from_elsewhere;
  from_elsewhere.source_address = "127.0.0.5";
  std::atomic<int> served{0}, refused{0}, other{0}, probes_refused{0};
  std::atomic<bool> done{false};
  std::vector<std::thread> clients;
  clients.reserve(16);
  for (int i = 0; i < 16; ++i) {
    clients.emplace_back([&] {
      // Until enough were served for the limit to have been adjusted a few times (20 per window).
      const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      while (served < 100 && std::chrono::steady_clock::now() < until) {
        auto r = http("POST", server.url() + "/api/v1/auth/login", body, from_elsewhere);
        if (r.status == 200) {
          ++served;
        } else if (r.status == 503 && r.header("retry-after") == "1") {
          ++refused;
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
        } else if (++other == 1) {
          ADD_FAILURE() << r.status << " " << r.body;
        }
      }
    });
  }
  std::thread probe([&] {
    while (!done) {
      if (http("GET", server.url() + "/ready").status != 200) ++probes_refused;
      if (http("GET", server.url() + "/metrics").status != 200) ++probes_refused;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  for (auto& t : clients) t.join();
  done = true;
  probe.join();
  EXPECT_GT(served.load(), 0);
  EXPECT_GT(refused.load(), 0) << "past the limit, refused";
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(probes_refused.load(), 0) << "readiness and metrics are answered however busy the server is";
  EXPECT_EQ(gauge(http("GET", server.url() + "/metrics").body, "ims_http_admission_limit"), 2);
}
