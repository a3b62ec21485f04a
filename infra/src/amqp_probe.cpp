#include "ims/infra/amqp_probe.hpp"

#include <amqp.h>
#include <amqp_tcp_socket.h>

#include <memory>
#include <vector>

#include "ims/infra/errors.hpp"

namespace ims::infra {
namespace {

struct ConnectionDeleter {
  void operator()(amqp_connection_state_t_* c) const { amqp_destroy_connection(c); }
};
using ConnectionPtr = std::unique_ptr<amqp_connection_state_t_, ConnectionDeleter>;

}  // namespace

void probe_broker(const std::string& amqp_url, int timeout_ms) {
  std::vector<char> url(amqp_url.begin(), amqp_url.end());
  url.push_back('\0');
  amqp_connection_info info{};
  amqp_default_connection_info(&info);
  if (amqp_parse_url(url.data(), &info) != AMQP_STATUS_OK) {
    throw DependencyUnavailable("rabbitmq", "invalid IMS_AMQP_URL");
  }
  ConnectionPtr conn(amqp_new_connection());
  amqp_socket_t* socket = amqp_tcp_socket_new(conn.get());
  if (!socket) throw DependencyUnavailable("rabbitmq", "cannot create socket");
  timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  amqp_set_handshake_timeout(conn.get(), &tv);
  amqp_set_rpc_timeout(conn.get(), &tv);
  if (int rc = amqp_socket_open_noblock(socket, info.host, info.port, &tv); rc != AMQP_STATUS_OK) {
    throw DependencyUnavailable("rabbitmq", amqp_error_string2(rc));
  }
  amqp_rpc_reply_t reply =
      amqp_login(conn.get(), info.vhost, 1, 131072, 0, AMQP_SASL_METHOD_PLAIN, info.user, info.password);
  if (reply.reply_type != AMQP_RESPONSE_NORMAL) {
    throw DependencyUnavailable("rabbitmq", reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION
                                                ? amqp_error_string2(reply.library_error)
                                                : "login refused");
  }
  amqp_connection_close(conn.get(), AMQP_REPLY_SUCCESS);
}

}  // namespace ims::infra
