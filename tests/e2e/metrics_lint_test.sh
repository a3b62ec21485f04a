#!/usr/bin/env bash
# Every IMS process' /metrics passes `promtool check metrics` (Prometheus' own naming and unit
# conventions: counters end in _total, base units, no reserved label names such as "job"), and
# says which build it is (ims_build_info). Runs against the suite's stack (scripts/test).
set -euo pipefail
: "${IMS_HTTP_PORT:?}" "${IMS_METRICS_PORT_BASE:?}"
roles=(stock alerts labels webhooks reports)  # scripts/lib/env.sh: IMS_WORKER_ROLES, in that order
targets=("ims-api=http://127.0.0.1:$IMS_HTTP_PORT/metrics")
for i in "${!roles[@]}"; do
  targets+=("ims-worker-${roles[$i]}=http://127.0.0.1:$((IMS_METRICS_PORT_BASE + i))/metrics")
done
targets+=("ims-scheduler=http://127.0.0.1:$((IMS_METRICS_PORT_BASE + 10))/metrics")
fail=0
for t in "${targets[@]}"; do
  name=${t%%=*} url=${t#*=}
  body=$(curl -fsS --max-time 5 "$url") || { echo "FAIL: $name: $url does not answer"; fail=1; continue; }
  if ! out=$(printf '%s\n' "$body" | promtool check metrics 2>&1); then
    echo "FAIL: $name: promtool check metrics:"; printf '%s\n' "$out" | sed 's/^/  /'; fail=1
  fi
  grep -qE '^ims_build_info\{.*version="[0-9]+\.[0-9]+\.[0-9]+".*\} 1$' <<<"$body" ||
    { echo "FAIL: $name: no ims_build_info with a version"; fail=1; }
  # A label a process sets must never be one Prometheus sets on every scraped series.
  if grep -qE '^ims_[a-z_]+\{([^}]*,)?(job|instance)=' <<<"$body"; then
    echo "FAIL: $name: a series carries a job or instance label (Prometheus renames it exported_…)"; fail=1
  fi
  [ $fail -eq 0 ] && echo "ok: $name ($(grep -c '^ims_' <<<"$body") series)"
done
# The Prometheus configuration scripts/stack wrote for this stack, with its rule files, as Prometheus
# itself reads it.
if [ -n "${IMS_DATA_DIR:-}" ] && [ -f "$IMS_DATA_DIR/prometheus/prometheus.yml" ]; then
  if out=$(promtool check config "$IMS_DATA_DIR/prometheus/prometheus.yml" 2>&1); then
    echo "ok: promtool check config (the stack's prometheus.yml and its rules)"
  else
    echo "FAIL: promtool check config:"; printf '%s\n' "$out" | sed 's/^/  /'; fail=1
  fi
else
  echo "FAIL: no prometheus.yml under IMS_DATA_DIR (${IMS_DATA_DIR:-unset})"; fail=1
fi
exit $fail
