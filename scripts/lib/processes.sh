# Sourced: start and stop IMS's own processes (ims-api, one ims-worker per role, ims-scheduler)
# for the current profile, logging to $IMS_DATA_DIR/logs and recording pids under pids/.
IMS_BIN_API=$IMS_BUILD_DIR/api/ims-api
IMS_BIN_CLI=$IMS_BUILD_DIR/api/ims
IMS_BIN_WORKER=$IMS_BUILD_DIR/workers/ims-worker
IMS_BIN_SCHEDULER=$IMS_BUILD_DIR/scheduler/ims-scheduler

ims_start_processes() {
  mkdir -p "$IMS_DATA_DIR/logs" "$IMS_DATA_DIR/pids"
  "$IMS_BIN_API" >>"$IMS_DATA_DIR/logs/ims-api.log" 2>&1 &
  echo $! >"$IMS_DATA_DIR/pids/ims-api.pid"
  local i=0
  for role in "${IMS_WORKER_ROLES[@]}"; do
    IMS_METRICS_PORT=$((IMS_METRICS_PORT_BASE + i)) "$IMS_BIN_WORKER" --role "$role" \
      >>"$IMS_DATA_DIR/logs/ims-worker-$role.log" 2>&1 &
    echo $! >"$IMS_DATA_DIR/pids/ims-worker-$role.pid"
    i=$((i + 1))
  done
  # On the cluster (IMS_CLUSTER=1), a second ims-api on the next port (its relay competes for the
  # outbox with the first one's) and a second stock worker consuming the same queue.
  if [ "${IMS_CLUSTER:-0}" = 1 ]; then
    IMS_HTTP_PORT=$((IMS_HTTP_PORT + 1)) "$IMS_BIN_API" >>"$IMS_DATA_DIR/logs/ims-api-2.log" 2>&1 &
    echo $! >"$IMS_DATA_DIR/pids/ims-api-2.pid"
    IMS_METRICS_PORT=$((IMS_METRICS_PORT_BASE + ${#IMS_WORKER_ROLES[@]})) "$IMS_BIN_WORKER" --role stock \
      >>"$IMS_DATA_DIR/logs/ims-worker-stock-2.log" 2>&1 &
    echo $! >"$IMS_DATA_DIR/pids/ims-worker-stock-2.pid"
  fi
  IMS_METRICS_PORT=$((IMS_METRICS_PORT_BASE + 10)) "$IMS_BIN_SCHEDULER" \
    >>"$IMS_DATA_DIR/logs/ims-scheduler.log" 2>&1 &
  echo $! >"$IMS_DATA_DIR/pids/ims-scheduler.pid"
}

ims_stop_processes() {
  local f pids=()
  for f in "$IMS_DATA_DIR"/pids/ims-*.pid; do
    [ -f "$f" ] || continue
    pids+=("$(cat "$f")")
    kill -TERM "$(cat "$f")" 2>/dev/null || true
    rm -f "$f"
  done
  local deadline=$((SECONDS + 15)) p
  for p in "${pids[@]}"; do
    while kill -0 "$p" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
  done
}

ims_api_ready() {
  curl -fsS "http://127.0.0.1:$IMS_HTTP_PORT/ready" >/dev/null || return 1
  [ "${IMS_CLUSTER:-0}" != 1 ] || curl -fsS "http://127.0.0.1:$((IMS_HTTP_PORT + 1))/ready" >/dev/null
}
