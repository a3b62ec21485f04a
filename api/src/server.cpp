// The only translation unit that includes RESTinio (it costs ~25 s to compile).
#include "ims/api/server.hpp"

#include <restinio/all.hpp>

#include <atomic>
#include <cctype>
#include <mutex>

namespace ims::api {
namespace {

Request to_request(const restinio::request_t& req) {
  Request r;
  r.method = req.header().method().c_str();
  r.path = std::string(req.header().path());
  r.query = parse_query(std::string(req.header().query()));
  r.target_size = req.header().request_target().size();
  req.header().for_each_field([&r](const restinio::http_header_field_t& f) {
    ++r.header_count;
    std::string name = f.name();
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers[name] = f.value();
  });
  r.body = req.body();
  r.remote_address = req.remote_endpoint().address().to_string();
  return r;
}

// A Server-Sent Events stream: chunks go out as they are written; a failed write marks it dead.
class StreamSink : public FeedSink, public std::enable_shared_from_this<StreamSink> {
 public:
  explicit StreamSink(restinio::response_builder_t<restinio::chunked_output_t> out) : out_(std::move(out)) {}

  void write(std::string chunk) override {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    const auto size = chunk.size();
    pending_ += size;
    out_.append_chunk(std::move(chunk));
    out_.flush([self = weak_from_this(), size](const restinio::asio_ns::error_code& ec) {
      if (auto s = self.lock()) {
        s->pending_ -= size;
        if (ec) s->alive_ = false;
      }
    });
  }
  bool alive() const override { return alive_; }
  std::size_t pending_bytes() const override { return pending_; }
  void close() override {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    closed_ = true;
    out_.done();
  }

 private:
  std::mutex mutex_;
  restinio::response_builder_t<restinio::chunked_output_t> out_;
  std::atomic<bool> alive_{true};
  std::atomic<std::size_t> pending_{0};
  bool closed_ = false;
};

void open_stream(const restinio::request_handle_t& req, const Response& r, EventFeed& feed) {
  auto out = req->create_response<restinio::chunked_output_t>();
  out.append_header(restinio::http_field::content_type, "text/event-stream; charset=utf-8");
  out.append_header(restinio::http_field::cache_control, "no-cache");
  out.append_header("X-Accel-Buffering", "no");  // proxies must not hold events back
  for (const auto& [name, value] : r.headers) out.append_header(name, value);
  out.flush();
  feed.subscribe(*r.event_stream, std::make_shared<StreamSink>(std::move(out)));
}

void send(const restinio::request_handle_t& req, const Response& r) {
  const bool head = req->header().method() == restinio::http_method_head();
  // Opened before the response is built, so a file that went away can still be answered.
  std::optional<restinio::sendfile_t> file;
  if (!head && !r.file_path.empty()) file.emplace(restinio::sendfile(r.file_path));
  auto out = req->create_response(restinio::http_status_line_t{
      restinio::http_status_code_t{static_cast<std::uint16_t>(r.status)}, reason_phrase(r.status)});
  if (!r.content_type.empty()) out.append_header(restinio::http_field::content_type, r.content_type);
  for (const auto& [name, value] : r.headers) out.append_header(name, value);
  if (file) {
    out.set_body(std::move(*file));  // sent from disk in chunks
  } else if (!head) {
    out.set_body(r.body);
  }
  out.done();
}

// A file answer whose file went away between the handler's check and now (pruned) is a 404.
void send_file_or_gone(const restinio::request_handle_t& req, const Response& r, App& app,
                       const Request& request) {
  if (r.file_path.empty()) return send(req, r);
  try {
    send(req, r);
  } catch (const std::exception&) {  // restinio::exception_t from opening the file
    send(req,
         app.reject(request, domain::Error::of(domain::ErrorCode::not_found, "the file is no longer kept")));
  }
}

}  // namespace

struct HttpServer::Impl {
  App& app;
  BoundedExecutor<Resources>& executor;
  EventFeed& feed;
  const infra::Config& config;
  restinio::running_server_handle_t<restinio::default_traits_t> running;

  restinio::request_handling_status_t on_request(const restinio::request_handle_t& req) {
    auto request = std::make_shared<Request>(to_request(*req));
    // Health, readiness and metrics are answered however long they wait: shedding them would tell
    // a load balancer, an orchestrator or Prometheus that a replica which is only busy is dead.
    const bool probe = request->path == "/health" || request->path == "/ready" || request->path == "/metrics";
    // Network threads only parse and hand off; handlers run on the executor's threads.
    const bool accepted = executor.try_submit(
        [this, req, request](Resources& resources) {
          auto response = app.handle(*request, resources);
          if (response.event_stream) {
            const auto admission = feed.admit(response.event_stream->actor.user_id);
            if (admission == EventFeed::Admission::admitted) {
              try {
                open_stream(req, response, feed);
              } catch (...) {
                feed.release(response.event_stream->actor.user_id);  // never subscribed
                throw;
              }
              return;
            }
            const bool mine = admission == EventFeed::Admission::user_limit;
            auto err = domain::Error::of(
                mine ? domain::ErrorCode::rate_limited : domain::ErrorCode::unavailable,
                mine ? "you have as many live streams open as allowed; close one first"
                     : "the server has as many live streams open as it allows; retry shortly");
            err.retry_after_seconds = mine ? 5 : 10;
            send(req, app.reject(*request, err));
          } else {
            send_file_or_gone(req, response, app, *request);
          }
        },
        // Waited past IMS_EXECUTOR_MAX_WAIT_MS for a handler: not run, answered like a full queue.
        probe ? BoundedExecutor<Resources>::Shed{}
              : [this, req, request] { refuse_at_capacity(req, *request); });
    const auto load = executor.load();  // one lock per request for both gauges
    app.http_metrics().set_queue_depth(load.queue_depth);
    app.http_metrics().set_admission_limit(load.admission_limit);
    if (!accepted) refuse_at_capacity(req, *request);
    return restinio::request_accepted();
  }

  // 503 with Retry-After; nothing of the request ran.
  void refuse_at_capacity(const restinio::request_handle_t& req, Request& request) {
    app.http_metrics().rejected_saturated();
    request.request_id = request_id_for(request);
    auto err = domain::Error::of(domain::ErrorCode::unavailable, "the server is at capacity; retry shortly");
    err.retry_after_seconds = 1;
    send(req, app.reject(request, err));
  }
};

HttpServer::HttpServer(App& app, BoundedExecutor<Resources>& executor, EventFeed& feed,
                       const infra::Config& config)
    : impl_(new Impl{app, executor, feed, config, {}}) {}

HttpServer::~HttpServer() {
  stop();
}

void HttpServer::start() {
  const auto& cfg = impl_->config;
  auto settings =
      restinio::server_settings_t<restinio::default_traits_t>{}
          .port(static_cast<std::uint16_t>(cfg.http_port))
          .address(cfg.http_host)
          .read_next_http_message_timelimit(std::chrono::seconds(60))
          .write_http_response_timelimit(std::chrono::seconds(30))
          .handle_request_timeout(std::chrono::seconds(cfg.request_timeout_s))
          // Up to these the app answers 414 / 431 itself (App::dispatch); past them
          // RESTinio closes the connection.
          .incoming_http_msg_limits(restinio::incoming_http_msg_limits_t{}
                                        .max_url_size(std::size_t{64} * 1024)
                                        .max_field_count(400)
                                        .max_field_value_size(std::size_t{128} * 1024)
                                        // larger bodies than ours are cut off by
                                        // RESTinio; up to this, the app answers 413
                                        .max_body_size(cfg.max_body_bytes * 8))
          .request_handler([impl = impl_.get()](auto req) { return impl->on_request(std::move(req)); });
  impl_->running = restinio::run_async(restinio::own_io_context(), std::move(settings),
                                       static_cast<std::size_t>(cfg.http_threads));
}

void HttpServer::stop() {
  if (impl_ && impl_->running) {
    impl_->running->stop();
    impl_->running->wait();
    impl_->running.reset();
  }
}

}  // namespace ims::api
