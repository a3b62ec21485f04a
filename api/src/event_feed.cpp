#include "ims/api/event_feed.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <ctime>
#include <map>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "ims/infra/outbox.hpp"
#include "ims/infra/pg.hpp"
#include "ims/infra/redis.hpp"
#include "ims/infra/token_revocation.hpp"

namespace ims::api {
namespace {

constexpr std::size_t max_backfill = 1000;  // events replayed to one reconnecting client
constexpr std::size_t max_pending_bytes = std::size_t{4} * 1024 * 1024;  // a client further behind is cut off
constexpr auto gap_patience = std::chrono::seconds(10);  // how long a missing sequence number is awaited

class Wakeup : public pqxx::notification_receiver {
 public:
  explicit Wakeup(pqxx::connection_base& c) : pqxx::notification_receiver(c, infra::outbox_channel) {}
  void operator()(const std::string&, int) override {}
};

constexpr const char* feed_types_sql =
    "(type LIKE 'order.%' OR type LIKE 'stock.%' OR type LIKE 'alert.%' OR type LIKE 'transfer.%'"
    " OR type LIKE 'request.%' OR type LIKE 'production.%' OR type LIKE 'inventory.%')";

struct Row {
  std::int64_t seq;
  std::string type;
  std::string envelope;
};

}  // namespace

bool feed_type(const std::string& type) {
  for (const char* prefix :
       {"order.", "stock.", "alert.", "transfer.", "request.", "production.", "inventory."}) {
    if (type.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

bool in_scope(const domain::Actor& actor, const std::string& type, const std::string& envelope_json) {
  if (!feed_type(type)) return false;
  if (!domain::is_location_scoped(actor.role)) return true;
  if (!actor.location_id) return false;
  auto envelope = nlohmann::json::parse(envelope_json, nullptr, false);
  if (!envelope.is_object() || !envelope.contains("data") || !envelope["data"].is_object()) return false;
  const auto& data = envelope["data"];
  for (const char* field :
       {"location_id", "seller_location_id", "buyer_location_id", "from_location_id", "to_location_id"}) {
    if (data.contains(field) && data[field].is_number_integer() &&
        data[field].get<std::int64_t>() == *actor.location_id) {
      return true;
    }
  }
  return false;
}

std::string sse_message(std::int64_t seq, const std::string& type, const std::string& data) {
  // The envelope is one line of JSON (no raw newlines), so one data line carries it.
  return "id: " + std::to_string(seq) + "\nevent: " + type + "\ndata: " + data + "\n\n";
}

struct EventFeed::Subscriber {
  FeedSubscription subscription;
  std::shared_ptr<FeedSink> sink;
  std::chrono::steady_clock::time_point last_write = std::chrono::steady_clock::now();
};

struct EventFeed::State {
  prometheus::Gauge& subscribers;
  prometheus::Counter& delivered;
  prometheus::Counter& dropped;
  std::vector<std::shared_ptr<Subscriber>> live;
  std::int64_t cursor = -1;  // highest sequence number handed out; -1 until first read
  std::map<std::int64_t, std::chrono::steady_clock::time_point> gaps;  // missing numbers below cursor
  std::unique_ptr<pqxx::connection> db;
  std::unique_ptr<Wakeup> wakeup;
  std::unique_ptr<infra::RedisClient> redis;
  std::chrono::steady_clock::time_point last_revocation_check = std::chrono::steady_clock::now();

  void deliver(Subscriber& sub, const Row& row) {
    if (!in_scope(sub.subscription.actor, row.type, row.envelope)) return;
    sub.sink->write(sse_message(row.seq, row.type, row.envelope));
    sub.last_write = std::chrono::steady_clock::now();
    delivered.Increment();
  }

  // The outbox rows matching `where`, in order; the envelope only for the feed's types.
  template <typename... Params>
  std::vector<Row> read(const std::string& where, Params... params) {
    pqxx::nontransaction q(*db);
    std::vector<Row> rows;
    const pqxx::result result = q.exec_params(
        "SELECT seq, type, CASE WHEN " + std::string(feed_types_sql) +
            " THEN envelope::text ELSE '' END FROM messaging.outbox WHERE " + where + " ORDER BY seq",
        params...);
    for (const pqxx::row& r : result) {
      rows.push_back({r[0].as<std::int64_t>(), r[1].as<std::string>(), r[2].as<std::string>()});
    }
    return rows;
  }

  void connect(const std::string& database_url) {
    if (db && db->is_open()) return;
    wakeup.reset();
    db = std::make_unique<pqxx::connection>(infra::with_connect_timeout(database_url, 3));
    wakeup = std::make_unique<Wakeup>(*db);
  }
};

EventFeed::EventFeed(std::string database_url, infra::Log log, infra::Metrics& metrics,
                     std::chrono::seconds heartbeat, FeedLimits limits)
    : database_url_(std::move(database_url)),
      log_(std::move(log)),
      heartbeat_(heartbeat),
      limits_(std::move(limits)) {
  auto& r = metrics.registry();
  // An aggregate with reference members: clang 14 has no parenthesized aggregate init for make_unique.
  // NOLINTNEXTLINE(modernize-make-unique)
  state_.reset(new State{prometheus::BuildGauge()
                             .Name("ims_event_stream_subscribers")
                             .Help("Open /events streams")
                             .Register(r)
                             .Add({}),
                         prometheus::BuildCounter()
                             .Name("ims_event_stream_events_total")
                             .Help("Events written to /events streams")
                             .Register(r)
                             .Add({}),
                         prometheus::BuildCounter()
                             .Name("ims_event_stream_dropped_total")
                             .Help("Streams cut off because the client fell too far behind")
                             .Register(r)
                             .Add({}),
                         {},
                         -1,
                         {},
                         nullptr,
                         nullptr,
                         nullptr,
                         std::chrono::steady_clock::now()});
}

EventFeed::~EventFeed() {
  stop();
}

void EventFeed::start() {
  thread_ = std::thread([this] { run(); });
}

void EventFeed::stop() {
  if (stopping_.exchange(true)) return;
  wake();
  if (thread_.joinable()) thread_.join();
}

void EventFeed::wake() {
  std::lock_guard lock(mutex_);
  cv_.notify_all();
}

EventFeed::Admission EventFeed::admit(std::int64_t user_id) {
  std::lock_guard lock(mutex_);
  if (streams_ >= limits_.streams) return Admission::server_limit;
  auto& mine = streams_by_user_[user_id];
  if (mine >= limits_.streams_per_user) return Admission::user_limit;
  ++mine;
  ++streams_;
  return Admission::admitted;
}

void EventFeed::release(std::int64_t user_id) {
  std::lock_guard lock(mutex_);
  --streams_;
  if (auto it = streams_by_user_.find(user_id); it != streams_by_user_.end() && --it->second <= 0)
    streams_by_user_.erase(it);
}

void EventFeed::subscribe(FeedSubscription subscription, std::shared_ptr<FeedSink> sink) {
  {
    std::lock_guard lock(mutex_);
    joining_.push_back(std::make_shared<Subscriber>(Subscriber{std::move(subscription), std::move(sink)}));
  }
  cv_.notify_all();
}

bool EventFeed::idle() {
  bool anyone_joining = false;
  {
    std::lock_guard lock(mutex_);
    anyone_joining = !joining_.empty();
  }
  auto& s = *state_;
  if (!s.live.empty() || anyone_joining) return false;
  // Nobody is listening: no reading at all; the cursor is taken afresh for the next one.
  s.cursor = -1;
  s.gaps.clear();
  s.subscribers.Set(0);
  s.db->get_notifs();
  std::unique_lock lock(mutex_);
  cv_.wait_for(lock, std::chrono::milliseconds(500),
               [this] { return stopping_.load() || !joining_.empty(); });
  return true;
}

void EventFeed::take_newcomers() {
  auto& s = *state_;
  // Newcomers: what they missed since their Last-Event-ID, up to the live cursor, then live.
  std::vector<std::shared_ptr<Subscriber>> joining;
  {
    std::lock_guard lock(mutex_);
    joining.swap(joining_);
  }
  // Live first, so a failed backfill read cannot drop them (their places would never be given back).
  for (auto& sub : joining) s.live.push_back(sub);
  for (auto& sub : joining) {
    sub->sink->write("retry: 3000\n\n");
    auto last = sub->subscription.last_event_id;
    if (!last || *last >= s.cursor) continue;
    std::size_t sent = 0;
    // At most the last 50,000 events are looked at (the outbox keeps a day's events anyway).
    for (const auto& row :
         s.read("seq > greatest($1::bigint, $2::bigint - 50000) AND seq <= $2", *last, s.cursor)) {
      if (!in_scope(sub->subscription.actor, row.type, row.envelope)) continue;
      if (++sent > max_backfill) break;
      s.deliver(*sub, row);
    }
  }
}

void EventFeed::send_new_events() {
  auto& s = *state_;
  // New events, and any late arrivals below the cursor (every type moves the cursor; only the
  // feed's types are sent).
  std::vector<Row> rows = s.read("seq > $1", s.cursor);
  if (!s.gaps.empty()) {
    std::string ids = "{";
    for (const auto& [seq, since] : s.gaps) ids += (ids.size() > 1 ? "," : "") + std::to_string(seq);
    auto late = s.read("seq = ANY($1::bigint[])", ids + "}");
    for (const auto& row : late) s.gaps.erase(row.seq);
    rows.insert(rows.begin(), late.begin(), late.end());
  }
  for (const auto& row : rows) {
    if (row.seq > s.cursor) {
      const auto from = std::max(s.cursor + 1, row.seq - 1000);
      for (auto missing = from; missing < row.seq; ++missing)
        s.gaps.emplace(missing, std::chrono::steady_clock::now());
      s.cursor = row.seq;
    }
    if (!feed_type(row.type)) continue;
    for (auto& sub : s.live) s.deliver(*sub, row);
  }
  const auto now = std::chrono::steady_clock::now();
  std::erase_if(s.gaps, [&](const auto& g) { return now - g.second > gap_patience; });
}

std::set<const EventFeed::Subscriber*> EventFeed::revoked_streams(std::chrono::steady_clock::time_point now) {
  // A stream ends with its token: logged out, or its user deactivated or re-credentialed. One
  // pipelined round trip for every stream; with Redis away the check waits for the next round.
  auto& s = *state_;
  std::set<const Subscriber*> revoked_streams;
  if (!s.redis || now - s.last_revocation_check < limits_.revocation_check) return revoked_streams;
  s.last_revocation_check = now;
  std::vector<infra::TokenRevocation::Token> tokens;
  std::vector<const Subscriber*> checked;
  for (const auto& sub : s.live) {
    if (sub->subscription.jti.empty()) continue;
    tokens.push_back({sub->subscription.jti, sub->subscription.actor.user_id, sub->subscription.issued_at});
    checked.push_back(sub.get());
  }
  try {
    const auto revoked = infra::TokenRevocation(*s.redis, 0).revoked(tokens);
    for (std::size_t i = 0; i < checked.size(); ++i) {
      if (revoked[i]) revoked_streams.insert(checked[i]);
    }
  } catch (const std::exception& e) {
    log_.warn("cannot check the streams' tokens; keeping them until the next check", {{"error", e.what()}});
  }
  return revoked_streams;
}

void EventFeed::sweep() {
  // Heartbeats keep proxies and the server's own request timer from closing quiet streams;
  // gone, expired, revoked or hopelessly slow clients are let go.
  auto& s = *state_;
  const auto now = std::chrono::steady_clock::now();
  const auto epoch_now = static_cast<std::int64_t>(std::time(nullptr));
  const auto revoked_now = revoked_streams(now);
  std::erase_if(s.live, [&](const std::shared_ptr<Subscriber>& sub) {
    const auto& subscription = sub->subscription;
    const bool expired = subscription.expires_at > 0 && epoch_now >= subscription.expires_at;
    const bool slow = sub->sink->pending_bytes() > max_pending_bytes;
    const bool revoked = revoked_now.count(sub.get()) > 0;
    if (!sub->sink->alive() || expired || slow || revoked) {
      if (slow) s.dropped.Increment();
      if (revoked) sub->sink->write("event: stream.closed\ndata: {\"reason\":\"token revoked\"}\n\n");
      sub->sink->close();
      release(subscription.actor.user_id);
      return true;
    }
    if (now - sub->last_write >= heartbeat_) {
      sub->sink->write(": keep-alive\n\n");
      sub->last_write = now;
    }
    return false;
  });
  s.subscribers.Set(static_cast<double>(s.live.size()));
}

void EventFeed::run() {
  auto& s = *state_;
  if (!limits_.redis_url.empty()) s.redis = std::make_unique<infra::RedisClient>(limits_.redis_url);
  while (!stopping_) {
    try {
      s.connect(database_url_);
      if (idle()) continue;
      if (s.cursor < 0) {
        pqxx::nontransaction q(*s.db);
        s.cursor = q.exec("SELECT coalesce(max(seq), 0) FROM messaging.outbox")[0][0].as<std::int64_t>();
      }
      take_newcomers();
      send_new_events();
      sweep();
      // Woken by the outbox's NOTIFY (else poll); a short pause first lets a burst of commits
      // arrive as one read instead of one read per commit.
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      if (s.db->get_notifs() == 0) s.db->await_notification(0, 200'000);
    } catch (const std::exception& e) {
      log_.warn("event feed round failed; retrying", {{"error", e.what()}});
      s.wakeup.reset();
      s.db.reset();
      std::unique_lock lock(mutex_);
      cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_.load(); });
    }
  }
  for (auto& sub : s.live) sub->sink->close();
  std::lock_guard lock(mutex_);
  for (auto& sub : joining_) sub->sink->close();
}

}  // namespace ims::api
