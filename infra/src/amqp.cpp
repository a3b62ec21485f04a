#include "ims/infra/amqp.hpp"

#include <amqp.h>
#include <amqp_tcp_socket.h>

#include <deque>

#include "ims/infra/errors.hpp"

namespace ims::infra {
namespace {

amqp_bytes_t bytes(const std::string& s) { return amqp_cstring_bytes(s.c_str()); }

std::string describe(const amqp_rpc_reply_t& reply) {
  switch (reply.reply_type) {
    case AMQP_RESPONSE_NORMAL: return "ok";
    case AMQP_RESPONSE_NONE: return "missing reply";
    case AMQP_RESPONSE_LIBRARY_EXCEPTION: return amqp_error_string2(reply.library_error);
    case AMQP_RESPONSE_SERVER_EXCEPTION:
      if (reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD || reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
        auto* m = static_cast<amqp_channel_close_t*>(reply.reply.decoded);
        return std::string(static_cast<const char*>(m->reply_text.bytes), m->reply_text.len);
      }
      return "server exception";
  }
  return "unknown";
}

}  // namespace

AmqpConnection::AmqpConnection(const std::string& url, int timeout_ms) {
  std::vector<char> buffer(url.begin(), url.end());
  buffer.push_back('\0');
  amqp_connection_info info{};
  amqp_default_connection_info(&info);
  if (amqp_parse_url(buffer.data(), &info) != AMQP_STATUS_OK) throw DependencyUnavailable("rabbitmq", "invalid AMQP URL");
  conn_ = amqp_new_connection();
  amqp_socket_t* socket = amqp_tcp_socket_new(conn_);
  timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  amqp_set_handshake_timeout(conn_, &tv);
  amqp_set_rpc_timeout(conn_, &tv);
  if (!socket) {
    amqp_destroy_connection(conn_);
    throw DependencyUnavailable("rabbitmq", "cannot create a socket");
  }
  if (int rc = amqp_socket_open_noblock(socket, info.host, info.port, &tv); rc != AMQP_STATUS_OK) {
    amqp_destroy_connection(conn_);
    throw DependencyUnavailable("rabbitmq", amqp_error_string2(rc));
  }
  auto reply = amqp_login(conn_, info.vhost, 0, 131072, 30, AMQP_SASL_METHOD_PLAIN, info.user, info.password);
  if (reply.reply_type != AMQP_RESPONSE_NORMAL) {
    amqp_destroy_connection(conn_);
    throw DependencyUnavailable("rabbitmq", "login: " + describe(reply));
  }
  amqp_channel_open(conn_, 1);
  check_rpc("channel.open");
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

const std::map<std::string, std::vector<std::string>>& queue_bindings() {
  static const std::map<std::string, std::vector<std::string>> bindings{
      {"stock", {"order.#", "production.#", "request.#", "transfer.#", "stock.adjustment.#"}},
      {"alerts", {"stock.low.#", "inventory.check.#", "lot.expiring.#", "transfer.discrepancy.#"}},
      {"labels", {"label.#"}},
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
}

}  // namespace ims::infra
