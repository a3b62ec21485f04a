#include "ims/infra/amqp.hpp"

#include <amqp.h>
#include <amqp_tcp_socket.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <random>

#include "ims/infra/errors.hpp"

namespace ims::infra {
namespace {

amqp_bytes_t bytes(const std::string& s) {
  return amqp_cstring_bytes(s.c_str());
}

std::string describe(const amqp_rpc_reply_t& reply) {
  switch (reply.reply_type) {
    case AMQP_RESPONSE_NORMAL:
      return "ok";
    case AMQP_RESPONSE_NONE:
      return "missing reply";
    case AMQP_RESPONSE_LIBRARY_EXCEPTION:
      return amqp_error_string2(reply.library_error);
    case AMQP_RESPONSE_SERVER_EXCEPTION:
      if (reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD || reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
        auto* m = static_cast<amqp_channel_close_t*>(reply.reply.decoded);
        return std::string(static_cast<const char*>(m->reply_text.bytes), m->reply_text.len);
      }
      return "server exception";
  }
  return "unknown";
}

void read_properties(const amqp_basic_properties_t& props, Delivery& d) {
  if (props._flags & AMQP_BASIC_MESSAGE_ID_FLAG) {
    d.message_id.assign(static_cast<const char*>(props.message_id.bytes), props.message_id.len);
  }
  if (!(props._flags & AMQP_BASIC_HEADERS_FLAG)) return;
  for (int i = 0; i < props.headers.num_entries; ++i) {
    const auto& e = props.headers.entries[i];
    const std::string key(static_cast<const char*>(e.key.bytes), e.key.len);
    switch (e.value.kind) {
      case AMQP_FIELD_KIND_UTF8:
      case AMQP_FIELD_KIND_BYTES:
        d.headers[key].assign(static_cast<const char*>(e.value.value.bytes.bytes), e.value.value.bytes.len);
        break;
      case AMQP_FIELD_KIND_I64:
        if (key == "x-delivery-count") d.delivery_count = e.value.value.i64;
        break;
      case AMQP_FIELD_KIND_U64:
        if (key == "x-delivery-count") d.delivery_count = static_cast<long long>(e.value.value.u64);
        break;
      case AMQP_FIELD_KIND_I32:
        if (key == "x-delivery-count") d.delivery_count = e.value.value.i32;
        break;
      default:
        break;
    }
  }
}

}  // namespace

namespace {

// host:port of an AMQP URL, never its credentials.
std::string node_name(const std::string& url) {
  std::string rest = url;
  if (const auto scheme = rest.find("://"); scheme != std::string::npos) rest.erase(0, scheme + 3);
  if (const auto at = rest.rfind('@'); at != std::string::npos) rest.erase(0, at + 1);
  if (const auto slash = rest.find('/'); slash != std::string::npos) rest.erase(slash);
  return rest;
}

}  // namespace

std::vector<std::string> broker_urls(const std::string& urls) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= urls.size()) {
    const auto comma = std::min(urls.find(',', start), urls.size());
    auto url = urls.substr(start, comma - start);
    url.erase(0, url.find_first_not_of(" \t"));
    url.erase(url.find_last_not_of(" \t") + 1);
    if (!url.empty()) out.push_back(url);
    start = comma + 1;
  }
  return out;
}

AmqpConnection::AmqpConnection(const std::string& urls, int timeout_ms) {
  const auto nodes = broker_urls(urls);
  if (nodes.empty()) throw DependencyUnavailable("rabbitmq", "no AMQP URL");
  std::minstd_rand random(std::random_device{}());
  const auto first = std::uniform_int_distribution<std::size_t>(0, nodes.size() - 1)(random);
  std::string errors;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const auto& url = nodes[(first + i) % nodes.size()];
    try {
      open(url, timeout_ms);
      return;
    } catch (const DependencyUnavailable& e) {
      // Each node's reason without the "rabbitmq unavailable: " the rethrow below adds back.
      std::string reason = e.what();
      const std::string prefix = "rabbitmq unavailable: ";
      if (reason.starts_with(prefix)) reason.erase(0, prefix.size());
      if (!errors.empty()) errors += "; ";
      if (nodes.size() > 1) errors.append(node_name(url)).append(": ");
      errors += reason;
    }
  }
  throw DependencyUnavailable("rabbitmq", nodes.size() == 1 ? errors : "no node answered: " + errors);
}

void AmqpConnection::open(const std::string& url, int timeout_ms) {
  std::vector<char> buffer(url.begin(), url.end());
  buffer.push_back('\0');
  amqp_connection_info info{};
  amqp_default_connection_info(&info);
  if (amqp_parse_url(buffer.data(), &info) != AMQP_STATUS_OK)
    throw DependencyUnavailable("rabbitmq", "invalid AMQP URL");
  conn_ = amqp_new_connection();
  amqp_socket_t* socket = amqp_tcp_socket_new(conn_);
  timeval tv{timeout_ms / 1000, static_cast<long>(timeout_ms % 1000) * 1000};
  amqp_set_handshake_timeout(conn_, &tv);
  amqp_set_rpc_timeout(conn_, &tv);
  if (!socket) {
    amqp_destroy_connection(conn_);
    conn_ = nullptr;
    throw DependencyUnavailable("rabbitmq", "cannot create a socket");
  }
  if (int rc = amqp_socket_open_noblock(socket, info.host, info.port, &tv); rc != AMQP_STATUS_OK) {
    amqp_destroy_connection(conn_);
    conn_ = nullptr;
    throw DependencyUnavailable("rabbitmq", amqp_error_string2(rc));
  }
  auto reply = amqp_login(conn_, info.vhost, 0, 131072, 30, AMQP_SASL_METHOD_PLAIN, info.user, info.password);
  if (reply.reply_type != AMQP_RESPONSE_NORMAL) {
    amqp_destroy_connection(conn_);
    conn_ = nullptr;
    throw DependencyUnavailable("rabbitmq", "login: " + describe(reply));
  }
  amqp_channel_open(conn_, 1);
  try {
    check_rpc("channel.open");
  } catch (...) {
    amqp_destroy_connection(conn_);
    conn_ = nullptr;
    throw;
  }
  channel_open_ = true;
}

AmqpConnection::~AmqpConnection() {
  if (!conn_) return;
  if (channel_open_) amqp_channel_close(conn_, 1, AMQP_REPLY_SUCCESS);
  amqp_connection_close(conn_, AMQP_REPLY_SUCCESS);
  amqp_destroy_connection(conn_);
}

void AmqpConnection::check_rpc(const char* what) {
  auto reply = amqp_get_rpc_reply(conn_);
  if (reply.reply_type != AMQP_RESPONSE_NORMAL) {
    throw DependencyUnavailable("rabbitmq", std::string(what) + ": " + describe(reply));
  }
}

void AmqpConnection::declare_exchange(const std::string& name, const std::string& type) {
  amqp_exchange_declare(conn_, 1, bytes(name), bytes(type), 0, 1, 0, 0, amqp_empty_table);
  check_rpc("exchange.declare");
}

AmqpConnection::QueueCounts AmqpConnection::inspect_queue(const std::string& name) {
  auto* ok = amqp_queue_declare(conn_, 1, bytes(name), 1, 0, 0, 0, amqp_empty_table);
  check_rpc("queue.declare (passive)");
  return {ok->message_count, ok->consumer_count};
}

void AmqpConnection::declare_quorum_queue(const std::string& name, const std::string& dlx,
                                          const std::string& dl_routing_key, int limit) {
  std::vector<amqp_table_entry_t> entries;
  std::deque<std::string> values;  // the table points into these; they must outlive the call
  auto text = [&](const char* key, std::string value) {
    values.push_back(std::move(value));
    amqp_table_entry_t e{};
    e.key = amqp_cstring_bytes(key);
    e.value.kind = AMQP_FIELD_KIND_UTF8;
    e.value.value.bytes = bytes(values.back());
    entries.push_back(e);
  };
  text("x-queue-type", "quorum");
  if (!dlx.empty()) {
    text("x-dead-letter-exchange", dlx);
    text("x-dead-letter-routing-key", dl_routing_key);
  }
  if (limit > 0) {
    amqp_table_entry_t e{};
    e.key = amqp_cstring_bytes("x-delivery-limit");
    e.value.kind = AMQP_FIELD_KIND_I32;
    e.value.value.i32 = limit;
    entries.push_back(e);
  }
  amqp_table_t args{static_cast<int>(entries.size()), entries.data()};
  amqp_queue_declare(conn_, 1, bytes(name), 0, 1, 0, 0, args);
  check_rpc("queue.declare");
}

void AmqpConnection::bind(const std::string& queue, const std::string& exchange, const std::string& key) {
  amqp_queue_bind(conn_, 1, bytes(queue), bytes(exchange), bytes(key), amqp_empty_table);
  check_rpc("queue.bind");
}

void AmqpConnection::unbind(const std::string& queue, const std::string& exchange, const std::string& key) {
  amqp_queue_unbind(conn_, 1, bytes(queue), bytes(exchange), bytes(key), amqp_empty_table);
  check_rpc("queue.unbind");
}

void AmqpConnection::enable_confirms() {
  amqp_confirm_select(conn_, 1);
  check_rpc("confirm.select");
}

void AmqpConnection::publish(const OutgoingMessage& m) {
  amqp_basic_properties_t props{};
  props._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_MESSAGE_ID_FLAG |
                 AMQP_BASIC_TYPE_FLAG;
  props.content_type = amqp_cstring_bytes("application/json");
  props.delivery_mode = 2;  // persistent
  props.message_id = bytes(m.message_id);
  props.type = bytes(m.type);
  if (!m.correlation_id.empty()) {
    props._flags |= AMQP_BASIC_CORRELATION_ID_FLAG;
    props.correlation_id = bytes(m.correlation_id);
  }
  std::vector<amqp_table_entry_t> entries;
  for (const auto& [k, v] : m.headers) {
    amqp_table_entry_t e{};
    e.key = bytes(k);
    e.value.kind = AMQP_FIELD_KIND_UTF8;
    e.value.value.bytes = bytes(v);
    entries.push_back(e);
  }
  if (!entries.empty()) {
    props._flags |= AMQP_BASIC_HEADERS_FLAG;
    props.headers = amqp_table_t{static_cast<int>(entries.size()), entries.data()};
  }
  amqp_bytes_t body{m.body.size(), const_cast<char*>(m.body.data())};
  const int rc = amqp_basic_publish(conn_, 1, bytes(m.exchange), bytes(m.routing_key), 0, 0, &props, body);
  if (rc != AMQP_STATUS_OK)
    throw DependencyUnavailable("rabbitmq", std::string("publish: ") + amqp_error_string2(rc));
  ++published_;
}

void AmqpConnection::wait_for_confirms(int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (confirmed_ < published_) {
    const auto left =
        std::chrono::duration_cast<std::chrono::microseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) throw DependencyUnavailable("rabbitmq", "publish not confirmed in time");
    timeval tv{static_cast<time_t>(left.count() / 1'000'000),
               static_cast<suseconds_t>(left.count() % 1'000'000)};
    amqp_frame_t frame{};
    const int rc = amqp_simple_wait_frame_noblock(conn_, &frame, &tv);
    if (rc == AMQP_STATUS_TIMEOUT) continue;
    if (rc != AMQP_STATUS_OK)
      throw DependencyUnavailable("rabbitmq", std::string("confirm: ") + amqp_error_string2(rc));
    if (frame.frame_type != AMQP_FRAME_METHOD) continue;
    const auto id = frame.payload.method.id;
    if (id == AMQP_BASIC_ACK_METHOD) {
      auto* ack = static_cast<amqp_basic_ack_t*>(frame.payload.method.decoded);
      confirmed_ = ack->multiple ? ack->delivery_tag : std::max(confirmed_, ack->delivery_tag);
    } else if (id == AMQP_BASIC_NACK_METHOD) {
      throw DependencyUnavailable("rabbitmq", "the broker refused a published message");
    } else if (id == AMQP_CHANNEL_CLOSE_METHOD || id == AMQP_CONNECTION_CLOSE_METHOD) {
      throw DependencyUnavailable("rabbitmq", "the broker closed the channel");
    }
  }
}

void AmqpConnection::start_consuming(const std::string& queue, int prefetch) {
  amqp_basic_qos(conn_, 1, 0, static_cast<std::uint16_t>(prefetch), 0);
  check_rpc("basic.qos");
  amqp_basic_consume(conn_, 1, bytes(queue), amqp_empty_bytes, 0, 0, 0, amqp_empty_table);
  check_rpc("basic.consume");
}

std::optional<Delivery> AmqpConnection::next_delivery(int timeout_ms) {
  amqp_maybe_release_buffers(conn_);
  amqp_envelope_t envelope{};
  timeval tv{timeout_ms / 1000, static_cast<long>(timeout_ms % 1000) * 1000};
  auto reply = amqp_consume_message(conn_, &envelope, &tv, 0);
  if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && reply.library_error == AMQP_STATUS_TIMEOUT) {
    return std::nullopt;
  }
  if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION &&
      reply.library_error == AMQP_STATUS_UNEXPECTED_STATE) {
    amqp_frame_t frame{};
    if (amqp_simple_wait_frame(conn_, &frame) != AMQP_STATUS_OK)
      throw DependencyUnavailable("rabbitmq", "connection lost");
    if (frame.frame_type == AMQP_FRAME_METHOD && (frame.payload.method.id == AMQP_CHANNEL_CLOSE_METHOD ||
                                                  frame.payload.method.id == AMQP_CONNECTION_CLOSE_METHOD)) {
      throw DependencyUnavailable("rabbitmq", "the broker closed the channel");
    }
    return std::nullopt;
  }
  if (reply.reply_type != AMQP_RESPONSE_NORMAL)
    throw DependencyUnavailable("rabbitmq", "consume: " + describe(reply));
  Delivery d;
  d.delivery_tag = envelope.delivery_tag;
  d.redelivered = envelope.redelivered != 0;
  d.routing_key.assign(static_cast<const char*>(envelope.routing_key.bytes), envelope.routing_key.len);
  d.body.assign(static_cast<const char*>(envelope.message.body.bytes), envelope.message.body.len);
  read_properties(envelope.message.properties, d);
  amqp_destroy_envelope(&envelope);
  return d;
}

std::optional<Delivery> AmqpConnection::get(const std::string& queue) {
  amqp_maybe_release_buffers(conn_);
  auto reply = amqp_basic_get(conn_, 1, bytes(queue), 0);
  if (reply.reply_type != AMQP_RESPONSE_NORMAL)
    throw DependencyUnavailable("rabbitmq", "basic.get: " + describe(reply));
  if (reply.reply.id == AMQP_BASIC_GET_EMPTY_METHOD) return std::nullopt;
  auto* ok = static_cast<amqp_basic_get_ok_t*>(reply.reply.decoded);
  Delivery d;
  d.delivery_tag = ok->delivery_tag;
  d.redelivered = ok->redelivered != 0;
  d.routing_key.assign(static_cast<const char*>(ok->routing_key.bytes), ok->routing_key.len);
  amqp_message_t message{};
  auto read = amqp_read_message(conn_, 1, &message, 0);
  if (read.reply_type != AMQP_RESPONSE_NORMAL)
    throw DependencyUnavailable("rabbitmq", "read message: " + describe(read));
  d.body.assign(static_cast<const char*>(message.body.bytes), message.body.len);
  read_properties(message.properties, d);
  amqp_destroy_message(&message);
  return d;
}

void AmqpConnection::ack(std::uint64_t delivery_tag) {
  if (amqp_basic_ack(conn_, 1, delivery_tag, 0) != AMQP_STATUS_OK)
    throw DependencyUnavailable("rabbitmq", "ack failed");
}

void AmqpConnection::reject(std::uint64_t delivery_tag, bool requeue) {
  if (amqp_basic_reject(conn_, 1, delivery_tag, requeue ? 1 : 0) != AMQP_STATUS_OK) {
    throw DependencyUnavailable("rabbitmq", "reject failed");
  }
}

const std::map<std::string, std::vector<std::string>>& queue_bindings() {
  static const std::map<std::string, std::vector<std::string>> bindings{
      // The stock worker takes the commands it carries out, not the events it announces itself.
      {"stock",
       {"order.created", "order.status_changed", "production.#", "request.#", "transfer.#",
        "stock.adjustment.#", "inventory.check.requested"}},
      // Conditions that raise alerts, and the events that clear them.
      {"alerts",
       {"stock.low.#", "stock.recovered.#", "lot.expiring.#", "inventory.drift.#",
        "inventory.check.completed", "request.#", "transfer.discrepancy.#", "account.#"}},
      // Labels it is asked for, and the QR label every new order gets.
      {"labels", {"label.#", "order.created"}},
      {"reports", {"report.#"}},
      {"webhooks", {"#"}},
  };
  return bindings;
}

void declare_topology(AmqpConnection& c) {
  c.declare_exchange(events_exchange, "topic");
  c.declare_exchange(dead_letter_exchange, "direct");
  for (const auto& [role, keys] : queue_bindings()) {
    const std::string queue = "ims." + role;
    c.declare_quorum_queue(queue + ".dead", "", "", 0);
    c.bind(queue + ".dead", dead_letter_exchange, role);
    c.declare_quorum_queue(queue, dead_letter_exchange, role, delivery_limit);
    for (const auto& key : keys) c.bind(queue, events_exchange, key);
  }
  // Bindings of earlier releases, narrowed since.
  c.unbind("ims.stock", events_exchange, "order.#");
  c.unbind("ims.alerts", events_exchange, "inventory.check.#");  // the stock worker carries out the check
}

}  // namespace ims::infra
