#pragma once
#include <string>

namespace ims::infra {

// Opens an AMQP connection, logs in and closes it. Throws DependencyUnavailable when the broker
// cannot be reached or refuses the credentials. Used by /ready and `ims check`.
void probe_broker(const std::string& amqp_url, int timeout_ms = 1500);

}  // namespace ims::infra
