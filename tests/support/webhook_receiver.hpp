#pragma once
// A webhook receiver for end-to-end tests: a blocking HTTP/1.1 server on a loopback port, on a
// thread of its own, that records every request (headers lower-cased, body) and answers 200.
// stop() closes the port (senders then get "connection refused"); start() opens the same port again.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace ims::test {

struct ReceivedWebhook {
  std::map<std::string, std::string> headers;
  std::string body;
};

class WebhookReceiver {
 public:
  WebhookReceiver() { start(); }
  ~WebhookReceiver() { stop(); }
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  int port() const { return port_; }

  void start() {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<std::uint16_t>(port_));
    if (bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(listener_, 16) != 0)
      throw std::runtime_error("webhook receiver: cannot listen");
    socklen_t len = sizeof a;
    getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    running_ = true;
    thread_ = std::thread([this] { serve(); });
  }

  void stop() {
    if (!running_) return;
    running_ = false;
    if (thread_.joinable()) thread_.join();
    close(listener_);
  }

  std::vector<ReceivedWebhook> received() {
    std::lock_guard lock(mutex_);
    return received_;
  }

 private:
  void serve() {
    while (running_) {
      pollfd p{listener_, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      const int fd = accept(listener_, nullptr, nullptr);
      if (fd < 0) continue;
      handle(fd);
      close(fd);
    }
  }

  static std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }

  void handle(int fd) {
    timeval timeout{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    std::string data;
    char buf[4096];
    std::size_t head_end = std::string::npos;
    while ((head_end = data.find("\r\n\r\n")) == std::string::npos) {
      const auto n = recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return;
      data.append(buf, static_cast<std::size_t>(n));
    }
    ReceivedWebhook r;
    std::size_t pos = data.find("\r\n") + 2;
    while (pos < head_end) {
      const auto eol = data.find("\r\n", pos);
      const auto line = data.substr(pos, eol - pos);
      const auto colon = line.find(':');
      if (colon != std::string::npos) {
        auto value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        r.headers[lower(line.substr(0, colon))] = value;
      }
      pos = eol + 2;
    }
    const auto length = std::stoul(r.headers.count("content-length") ? r.headers["content-length"] : "0");
    r.body = data.substr(head_end + 4);
    while (r.body.size() < length) {
      const auto n = recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return;
      r.body.append(buf, static_cast<std::size_t>(n));
    }
    {
      std::lock_guard lock(mutex_);
      received_.push_back(std::move(r));
    }
    const std::string answer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
    send(fd, answer.data(), answer.size(), MSG_NOSIGNAL);
  }

  int port_ = 0;
  int listener_ = -1;
  std::atomic<bool> running_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::vector<ReceivedWebhook> received_;
};

}  // namespace ims::test
