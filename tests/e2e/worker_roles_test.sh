#!/usr/bin/env bash
# ims-worker starts only roles whose handlers exist (a role without them would acknowledge its
# messages without effect; since issue 11 every role of DESIGN §1 has them) and refuses unknown
# ones; scripts/run and scripts/test start every role.
set -uo pipefail
worker=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
fail() { echo "FAIL: $*"; exit 1; }
out=$(timeout 20 "$worker" --role nonsense 2>&1); rc=$?
[ $rc = 2 ] || fail "--role nonsense exited $rc"
source "$root/scripts/lib/env.sh"
for r in stock alerts labels webhooks reports; do
  [[ " ${IMS_WORKER_ROLES[*]} " == *" $r "* ]] || fail "scripts do not start $r: ${IMS_WORKER_ROLES[*]}"
done
# labels, webhooks and reports have handlers now: they get past the role check (and stop at the
# missing configuration).
for role in labels webhooks reports; do
  out=$(env -i PATH="$PATH" timeout 5 "$worker" --role "$role" 2>&1); rc=$?
  echo "$out" | grep -q "has no handlers yet" && fail "--role $role is still refused: $out"
  [ $rc = 2 ] || [ $rc = 1 ] || [ $rc = 124 ] || fail "--role $role exited $rc: $out"
done
echo "ims-worker: refuses unknown roles; scripts start ${IMS_WORKER_ROLES[*]}"
