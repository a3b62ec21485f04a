#pragma once
// A Server-Sent Events client for tests: reads a stream on a thread of its own until stop(), the
// server ends it, or the test ends.
#include <curl/curl.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/http_client.hpp"

namespace ims::test {

using nlohmann::json;

struct SseEvent {
  long id = 0;
  std::string type;
  json data;  // the envelope
};

// A stream read on a thread of its own until stop() or the end of the test.
class SseReader {
 public:
  SseReader(const std::string& path, std::vector<std::string> headers, std::string base = base_url()) {
    thread_ = std::thread([this, path, headers, base] { run(base + path, headers); });
  }
  ~SseReader() { stop(); }

  void stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
  }

  // Waits until the events so far satisfy `done`; returns them.
  std::vector<SseEvent> wait_for(const std::function<bool(const std::vector<SseEvent>&)>& done,
                                 std::chrono::seconds limit = std::chrono::seconds(30)) {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, limit, [&] { return done(events_) || finished_; });
    return events_;
  }
  // Waits until the server has ended the stream; its HTTP status.
  long wait_finished(std::chrono::seconds limit = std::chrono::seconds(30)) {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, limit, [&] { return finished_; });
    return finished_ ? status_ : -1;
  }
  bool wait_connected(std::chrono::seconds limit = std::chrono::seconds(10)) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, limit, [&] { return connected_ || finished_; }) && connected_;
  }
  std::vector<SseEvent> events() {
    std::lock_guard lock(mutex_);
    return events_;
  }
  long status() {
    std::lock_guard lock(mutex_);
    return status_;
  }
  std::string raw() {
    std::lock_guard lock(mutex_);
    return raw_;
  }

 private:
  static size_t on_data(char* p, size_t size, size_t n, void* self_ptr) {
    auto* self = static_cast<SseReader*>(self_ptr);
    std::lock_guard lock(self->mutex_);
    self->raw_.append(p, size * n);
    self->buffer_.append(p, size * n);
    self->connected_ = true;
    for (auto end = self->buffer_.find("\n\n"); end != std::string::npos; end = self->buffer_.find("\n\n")) {
      const auto block = self->buffer_.substr(0, end);
      self->buffer_.erase(0, end + 2);
      SseEvent e;
      std::size_t at = 0;
      while (at < block.size()) {
        auto nl = block.find('\n', at);
        const auto line = block.substr(at, nl == std::string::npos ? std::string::npos : nl - at);
        at = nl == std::string::npos ? block.size() : nl + 1;
        if (line.rfind("id: ", 0) == 0) e.id = std::stol(line.substr(4));
        if (line.rfind("event: ", 0) == 0) e.type = line.substr(7);
        if (line.rfind("data: ", 0) == 0) e.data = json::parse(line.substr(6), nullptr, false);
      }
      if (!e.type.empty()) self->events_.push_back(std::move(e));
    }
    self->cv_.notify_all();
    return size * n;
  }
  static int on_progress(void* self_ptr, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return static_cast<SseReader*>(self_ptr)->stopping_ ? 1 : 0;
  }

  void run(const std::string& url, const std::vector<std::string>& headers) {
    CURL* curl = curl_easy_init();
    curl_slist* list = nullptr;
    for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, this);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, this);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 120000L);
    curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(list);
    curl_easy_cleanup(curl);
    std::lock_guard lock(mutex_);
    status_ = status;
    finished_ = true;
    cv_.notify_all();
  }

  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable cv_;
  std::string raw_, buffer_;
  std::vector<SseEvent> events_;
  bool connected_ = false, finished_ = false;
  long status_ = 0;
};

}  // namespace ims::test
