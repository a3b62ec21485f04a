#!/usr/bin/env bash
# scripts/run as a user tries it: it comes up and answers /ready, each demo role logs in and
# /auth/me shows role and location, a second scripts/run says one is running and exits, and
# Ctrl-C stops everything it started. Uses a profile (ports, data) of its own.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${IMS_BUILD_DIR:-$root/build}
for v in $(compgen -e | grep '^IMS_'); do unset "$v"; done
export IMS_PROFILE=e2e-run IMS_BUILD_DIR=$build
export IMS_DATA_DIR=$root/.ims/e2e-run
rm -rf "$IMS_DATA_DIR"
source "$root/scripts/lib/env.sh"
log=$(mktemp)
fail() { echo "FAIL: $*"; echo "---- scripts/run output"; cat "$log"; exit 1; }

set -m  # job control: the run gets its own process group, as in a terminal
"$root/scripts/run" >"$log" 2>&1 &
run_pid=$!
set +m
trap 'kill -INT -- -$run_pid 2>/dev/null || true; sleep 5' EXIT

deadline=$((SECONDS + 420))
until grep -q "IMS is running" "$log"; do
  kill -0 "$run_pid" 2>/dev/null || fail "scripts/run exited early"
  [ $SECONDS -lt $deadline ] || fail "scripts/run did not come up"
  sleep 1
done
base=http://127.0.0.1:$IMS_HTTP_PORT
[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/ready")" = 200 ] || fail "/ready is not 200"
grep -q "demo-password" "$log" || fail "the banner does not show the demo logins"

for pair in admin: manufacturer:FACTORY-01 cfa:CFA-WEST stockist:STK-MUMBAI retailer:RET-ANDHERI; do
  user=${pair%%:*} code=${pair#*:}
  token=$(curl -s -XPOST "$base/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$user\",\"password\":\"demo-password\"}" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])') \
    || fail "login as $user"
  me=$(curl -s "$base/api/v1/auth/me" -H "Authorization: Bearer $token")
  echo "$me" | /usr/bin/python3 -c "
import json, sys
me = json.load(sys.stdin)
assert me['role'] == '$user', me
assert (me['location'] or {}).get('code', '') == '$code', me
" || fail "/auth/me of $user: $me"
done

# Processes are up: one worker per implemented role and the scheduler answer on their metrics ports.
[ ${#IMS_WORKER_ROLES[@]} -ge 2 ] || fail "IMS_WORKER_ROLES lists ${IMS_WORKER_ROLES[*]}"
for i in $(seq 0 $((${#IMS_WORKER_ROLES[@]} - 1))) 10; do
  curl -fsS "http://127.0.0.1:$((IMS_METRICS_PORT_BASE + i))/metrics" >/dev/null || fail "no metrics on :$((IMS_METRICS_PORT_BASE + i))"
done

# Every worker holds its broker connection (its topology is declared).
i=0
for role in "${IMS_WORKER_ROLES[@]}"; do
  port=$((IMS_METRICS_PORT_BASE + i)); i=$((i + 1))
  ok=0
  for _ in $(seq 1 100); do
    grep -q "^ims_worker_broker_connected{queue=\"ims.$role\"} 1" <<<"$(curl -fsS "http://127.0.0.1:$port/metrics")" && { ok=1; break; }
    sleep 0.2
  done
  [ $ok = 1 ] || fail "worker $role is not connected to RabbitMQ"
done

second=$(timeout 60 "$root/scripts/run" 2>&1) && fail "a second scripts/run did not refuse"
echo "$second" | grep -q "already running" || fail "second run said: $second"

kill -INT -- "-$run_pid"
for _ in $(seq 1 120); do kill -0 "$run_pid" 2>/dev/null || break; sleep 0.5; done
kill -0 "$run_pid" 2>/dev/null && fail "scripts/run did not stop on Ctrl-C"
trap - EXIT
for port in $IMS_HTTP_PORT $IMS_PG_PORT $IMS_AMQP_PORT $IMS_REDIS_PORT $IMS_SMTP_PORT $IMS_PROMETHEUS_PORT $IMS_METRICS_PORT_BASE \
  $IMS_RABBIT_METRICS_PORT $IMS_PG_EXPORTER_PORT $IMS_REDIS_EXPORTER_PORT; do
  if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then fail "port $port still open after Ctrl-C"; fi
done
ls "$IMS_DATA_DIR"/pids/*.pid >/dev/null 2>&1 && fail "pid files left: $(ls "$IMS_DATA_DIR"/pids)"
echo "scripts/run: up, ready, logins per role, single instance, clean stop"
