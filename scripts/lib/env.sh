# Sourced by scripts/*: the settings of one local stack ("profile": run or test), each overridable
# from the environment. Everything lives under IMS_DATA_DIR and listens on loopback only.
IMS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
IMS_PROFILE=${IMS_PROFILE:-run}
case "$IMS_PROFILE" in run) o=0 ;; test) o=1000 ;; *) o=2000 ;; esac  # separate ports per profile
: "${IMS_DATA_DIR:=$IMS_ROOT/.ims/$IMS_PROFILE}"
: "${IMS_BUILD_DIR:=$IMS_ROOT/build}"
: "${IMS_PG_PORT:=$((25432 + o))}"
: "${IMS_AMQP_PORT:=$((25672 + o))}"
: "${IMS_AMQP_DIST_PORT:=$((25673 + o))}"
: "${IMS_EPMD_PORT:=$((24369 + o))}"
: "${IMS_REDIS_PORT:=$((26379 + o))}"
: "${IMS_SMTP_PORT:=$((21025 + o))}"
: "${IMS_PROMETHEUS_PORT:=$((29090 + o))}"
: "${IMS_RABBIT_METRICS_PORT:=$((25692 + o))}"   # rabbitmq_prometheus
: "${IMS_PG_EXPORTER_PORT:=$((29187 + o))}"      # prometheus-postgres-exporter
: "${IMS_REDIS_EXPORTER_PORT:=$((29121 + o))}"   # prometheus-redis-exporter
: "${IMS_HTTP_PORT:=$((8080 + o * 10))}"
: "${IMS_METRICS_PORT_BASE:=$((29100 + o))}"
: "${IMS_DATABASE_URL:=postgresql://ims:ims@127.0.0.1:$IMS_PG_PORT/ims}"
: "${IMS_CLUSTER:=0}"  # 1: RabbitMQ as three clustered nodes, two ims-api and two stock workers
if [ "$IMS_CLUSTER" = 1 ]; then
  # Every node of the cluster (ports + 100 per node); each connection starts at a random one.
  : "${IMS_AMQP_URL:=amqp://ims:ims@127.0.0.1:$IMS_AMQP_PORT,amqp://ims:ims@127.0.0.1:$((IMS_AMQP_PORT + 100)),amqp://ims:ims@127.0.0.1:$((IMS_AMQP_PORT + 200))}"
else
  : "${IMS_AMQP_URL:=amqp://ims:ims@127.0.0.1:$IMS_AMQP_PORT}"
fi
: "${IMS_REDIS_URL:=redis://127.0.0.1:$IMS_REDIS_PORT/0}"
: "${IMS_SMTP_URL:=smtp://127.0.0.1:$IMS_SMTP_PORT}"
: "${IMS_WEB_DIR:=$IMS_ROOT/web}"
: "${IMS_DASHBOARD_URL:=http://127.0.0.1:$IMS_HTTP_PORT}"  # what links in alert emails point to
: "${IMS_REPORTS_DIR:=$IMS_DATA_DIR/reports}"  # report files, written by the reports worker, served by ims-api
export IMS_CLUSTER IMS_ROOT IMS_PROFILE IMS_DATA_DIR IMS_BUILD_DIR IMS_PG_PORT IMS_AMQP_PORT IMS_AMQP_DIST_PORT \
  IMS_EPMD_PORT IMS_REDIS_PORT IMS_SMTP_PORT IMS_PROMETHEUS_PORT IMS_HTTP_PORT IMS_METRICS_PORT_BASE \
  IMS_RABBIT_METRICS_PORT IMS_PG_EXPORTER_PORT IMS_REDIS_EXPORTER_PORT \
  IMS_DATABASE_URL IMS_AMQP_URL IMS_REDIS_URL IMS_SMTP_URL IMS_WEB_DIR IMS_DASHBOARD_URL IMS_REPORTS_DIR
unset o

# The worker roles that have handlers, started by scripts/run and scripts/test, each on metrics port
# IMS_METRICS_PORT_BASE + its index (ims-api serves its own on IMS_HTTP_PORT, the scheduler +10).
# Every role of DESIGN §1 has its handlers now (issue 11).
IMS_WORKER_ROLES=(stock alerts labels webhooks reports)

say() { printf '\033[1m[ims]\033[0m %s\n' "$*"; }
die() { printf '[ims] error: %s\n' "$*" >&2; exit 1; }

# Waits until a command succeeds; polls every 0.2 s up to $1 seconds.
wait_for() {
  local seconds=$1; shift
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -ge $deadline ] && return 1
    sleep 0.2
  done
}
