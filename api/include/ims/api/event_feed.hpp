#pragma once
// The live feed behind GET /api/v1/events (Server-Sent Events): one thread follows the outbox
// (woken by its NOTIFY, polling otherwise) and hands each event to the subscribers whose scope it
// is in. The SSE id is the outbox sequence number, so a client that reconnects with Last-Event-ID
// is first sent what it missed (while the outbox keeps it), then the live stream.
//
// Sequence numbers are taken at insert and become visible at commit, so a lower number can appear
// after a higher one; such gaps are re-read for a few seconds before they are given up.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "ims/domain/policy.hpp"
#include "ims/infra/log.hpp"
#include "ims/infra/metrics.hpp"

namespace ims::api {

// Where a subscriber's bytes go (the network layer implements it). Writes never block.
class FeedSink {
 public:
  virtual ~FeedSink() = default;
  virtual void write(std::string chunk) = 0;
  // False once the client has gone or writes have failed.
  virtual bool alive() const = 0;
  // Bytes handed to write() and not yet on the wire (a slow client).
  virtual std::size_t pending_bytes() const = 0;
  virtual void close() = 0;
};

struct FeedSubscription {
  domain::Actor actor;
  std::optional<std::int64_t> last_event_id;
  std::int64_t expires_at = 0;  // seconds since the epoch: the stream ends with the access token
  std::string jti;              // the stream also ends when its token is revoked (logout, deactivation)
  std::int64_t issued_at = 0;
};

struct FeedLimits {
  int streams_per_user = 4;
  int streams = 1000;
  std::string redis_url;  // where revoked tokens are listed
  std::chrono::seconds revocation_check{2};
};

// Whether an event (its type and data) belongs in the actor's feed.
bool in_scope(const domain::Actor& actor, const std::string& type, const std::string& envelope_json);
// Event types the feed carries.
bool feed_type(const std::string& type);
// One SSE message: id, event and data lines, blank line.
std::string sse_message(std::int64_t seq, const std::string& type, const std::string& data);

class EventFeed {
 public:
  EventFeed(std::string database_url, infra::Log log, infra::Metrics& metrics, std::chrono::seconds heartbeat,
            FeedLimits limits = {});
  ~EventFeed();
  EventFeed(const EventFeed&) = delete;
  EventFeed& operator=(const EventFeed&) = delete;

  void start();
  void stop();  // ends every stream
  // Takes a place for one more stream of the user, or says which limit it is beyond.
  enum class Admission { admitted, user_limit, server_limit };
  Admission admit(std::int64_t user_id);
  // Only after admit() said admitted; the place is given back when the stream ends.
  void subscribe(FeedSubscription subscription, std::shared_ptr<FeedSink> sink);
  // Gives back a place admit() took for a stream that was never subscribed.
  void release(std::int64_t user_id);

 private:
  struct Subscriber;
  struct State;
  void run();
  void wake();
  // One round of run(), in order: wait while nobody listens (true: nothing else to do this round),
  // backfill the newcomers, send what was committed since the cursor, let go of ended streams.
  bool idle();
  void take_newcomers();
  void send_new_events();
  void sweep();
  std::set<const Subscriber*> revoked_streams(std::chrono::steady_clock::time_point now);

  std::string database_url_;
  infra::Log log_;
  std::chrono::seconds heartbeat_;
  std::unique_ptr<State> state_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::shared_ptr<Subscriber>> joining_;
  FeedLimits limits_;
  std::map<std::int64_t, int> streams_by_user_;  // under mutex_
  int streams_ = 0;
  std::atomic<bool> stopping_{false};
};

}  // namespace ims::api
