#pragma once
// The network side: RESTinio accepts connections and hands each request to the executor.
// This header keeps RESTinio out of every other translation unit.
#include <memory>

#include "ims/api/app.hpp"
#include "ims/api/event_feed.hpp"
#include "ims/api/executor.hpp"

namespace ims::api {

class HttpServer {
 public:
  HttpServer(App& app, BoundedExecutor<Resources>& executor, EventFeed& feed, const infra::Config& config);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  void start();  // listens and returns; throws if the port cannot be bound
  void stop();   // stops accepting and closes connections

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ims::api
