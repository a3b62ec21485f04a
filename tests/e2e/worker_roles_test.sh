#!/usr/bin/env bash
# ims-worker refuses a role whose handlers are not written yet (exit 2, saying so) instead of
# consuming its queue and acknowledging every message without effect; the implemented roles are
# the ones scripts/run and scripts/test start.
set -uo pipefail
worker=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
fail() { echo "FAIL: $*"; exit 1; }
for role in reports webhooks; do
  out=$(timeout 20 "$worker" --role "$role" 2>&1); rc=$?
  [ $rc = 2 ] || fail "--role $role exited $rc: $out"
  echo "$out" | grep -q "has no handlers yet" || fail "--role $role said: $out"
done
out=$(timeout 20 "$worker" --role nonsense 2>&1); rc=$?
[ $rc = 2 ] || fail "--role nonsense exited $rc"
source "$root/scripts/lib/env.sh"
[ "${IMS_WORKER_ROLES[*]}" = "stock alerts labels" ] || fail "scripts start roles: ${IMS_WORKER_ROLES[*]}"
# labels has handlers now: it gets past the role check (and stops at the missing configuration).
out=$(env -i PATH="$PATH" timeout 20 "$worker" --role labels 2>&1); rc=$?
echo "$out" | grep -q "has no handlers yet" && fail "--role labels is still refused: $out"
[ $rc = 2 ] || [ $rc = 1 ] || [ $rc = 124 ] || fail "--role labels exited $rc: $out"
echo "ims-worker: refuses reports, webhooks; scripts start ${IMS_WORKER_ROLES[*]}"
