// GET /api/v1/events: the caller's live feed as Server-Sent Events (order status changes, stock
// changes and alerts of their scope), resumable with Last-Event-ID. The stream itself is run by
// the EventFeed; this handler only decides who may open one and from where it resumes.
#include "ims/api/resource.hpp"

namespace ims::api {
namespace {

Response stream_events(Context& ctx) {
  auto auth = authorize(ctx, domain::Permission::read_events);
  if (!auth) return problem(auth.error());
  std::optional<std::int64_t> last_event_id;
  auto last = ctx.request.header("last-event-id");
  if (!last) last = ctx.request.query_param("last_event_id");
  if (last && !last->empty()) {
    last_event_id = *last == "0" ? std::optional<std::int64_t>(0) : parse_id(*last);
    if (!last_event_id) {
      return problem(
          domain::Error::validation({{"Last-Event-ID", "must be the id of an event this stream sent"}}));
    }
  }
  Response r;
  r.status = 200;
  r.content_type = "text/event-stream";
  r.event_stream = FeedSubscription{auth->actor, last_event_id, auth->claims.expires_at, auth->claims.jti,
                                    auth->claims.issued_at};
  return r;
}

}  // namespace

void add_event_routes(Router<Handler>& router) {
  router.add("GET", "/api/v1/events", stream_events);
}

}  // namespace ims::api
