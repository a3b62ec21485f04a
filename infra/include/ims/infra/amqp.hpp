#pragma once
// RabbitMQ through rabbitmq-c 0.11: an owned connection with one channel, and the declaration of
// IMS's topology (DESIGN §4), idempotent so every process may declare it at start-up.
#include <cstdint>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <vector>

struct amqp_connection_state_t_;

namespace ims::infra {

struct OutgoingMessage {
  std::string exchange;
  std::string routing_key;
  std::string body;
  std::string message_id;
  std::string correlation_id;
  std::string type;
  std::vector<std::pair<std::string, std::string>> headers;
};

struct Delivery {
  std::uint64_t delivery_tag = 0;
  std::string routing_key;
  std::string body;
  std::string message_id;
  bool redelivered = false;
  long long delivery_count = 0;                // x-delivery-count of quorum queues: earlier failed deliveries
  std::map<std::string, std::string> headers;  // the text-valued ones
};

// The URLs of IMS_AMQP_URL: one, or several separated by commas (spaces around them ignored).
std::vector<std::string> broker_urls(const std::string& urls);

class AmqpConnection {
 public:
  // Connects, logs in and opens channel 1; throws DependencyUnavailable on any failure. `urls` is one
  // AMQP URL or several separated by commas (the nodes of a cluster): they are tried in turn from a
  // random one, so replicas spread over the nodes and a dead node is passed over.
  AmqpConnection(const std::string& urls, int timeout_ms = 3000);
  ~AmqpConnection();
  AmqpConnection(const AmqpConnection&) = delete;
  AmqpConnection& operator=(const AmqpConnection&) = delete;

  void declare_exchange(const std::string& name, const std::string& type);
  // A durable quorum queue; dead_letter_exchange empty for none, delivery_limit 0 for none.
  void declare_quorum_queue(const std::string& name, const std::string& dead_letter_exchange,
                            const std::string& dead_letter_routing_key, int delivery_limit);
  // Messages ready in a queue and its consumers (a passive declare: the queue must exist).
  struct QueueCounts {
    std::uint32_t messages = 0;
    std::uint32_t consumers = 0;
  };
  QueueCounts inspect_queue(const std::string& name);
  void bind(const std::string& queue, const std::string& exchange, const std::string& routing_key);
  // Removes a binding; a binding that does not exist is not an error.
  void unbind(const std::string& queue, const std::string& exchange, const std::string& routing_key);

  // Publishing with confirms: enable once, publish any number, then wait for all to be confirmed.
  void enable_confirms();
  void publish(const OutgoingMessage& message);
  // Throws DependencyUnavailable if the broker nacks or does not confirm within the timeout.
  void wait_for_confirms(int timeout_ms = 10'000);

  // Consuming with manual acknowledgement.
  void start_consuming(const std::string& queue, int prefetch);
  std::optional<Delivery> next_delivery(int timeout_ms);  // nullopt when none arrived in time
  // One message by basic.get (tools and tests); nullopt when the queue is empty.
  std::optional<Delivery> get(const std::string& queue);
  void ack(std::uint64_t delivery_tag);
  void reject(std::uint64_t delivery_tag, bool requeue);

 private:
  void check_rpc(const char* what);
  void open(const std::string& url, int timeout_ms);  // one node; conn_ stays null on failure
  amqp_connection_state_t_* conn_ = nullptr;
  bool channel_open_ = false;
  std::uint64_t published_ = 0;
  std::uint64_t confirmed_ = 0;
};

inline constexpr const char* events_exchange = "ims.events";
inline constexpr const char* dead_letter_exchange = "ims.dead";
inline constexpr int delivery_limit = 5;

// Worker role → the routing keys its queue ims.<role> is bound to.
const std::map<std::string, std::vector<std::string>>& queue_bindings();

// Declares the exchanges, every role's queue and dead-letter queue, and their bindings.
void declare_topology(AmqpConnection& connection);

}  // namespace ims::infra
