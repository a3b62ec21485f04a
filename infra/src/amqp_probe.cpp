#include "ims/infra/amqp_probe.hpp"

#include "ims/infra/amqp.hpp"

namespace ims::infra {

void probe_broker(const std::string& amqp_url, int timeout_ms) { AmqpConnection connection(amqp_url, timeout_ms); }

}  // namespace ims::infra
