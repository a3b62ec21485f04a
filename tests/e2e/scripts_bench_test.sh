#!/usr/bin/env bash
# scripts/bench finds a running stack's settings by itself (issue 16, part 5): given only the
# profile, it runs a benchmark against that stack and prints its table; with no stack up it says
# so instead of failing to connect.
set -euo pipefail
: "${IMS_PROFILE:?run through scripts/test}" "${IMS_ROOT:?run through scripts/test}"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
fail() { echo "FAIL: $*" >&2; sed 's/^/  | /' "$out" >&2; exit 1; }
clean_env=(env -i "PATH=$PATH" "HOME=$HOME" "IMS_BUILD_DIR=${IMS_BUILD_DIR:-$IMS_ROOT/build}")

"${clean_env[@]}" "IMS_PROFILE=$IMS_PROFILE" "$IMS_ROOT/scripts/bench" adjustments --requests 60 --concurrency 4 >"$out" 2>&1 \
  || fail "scripts/bench adjustments against the $IMS_PROFILE stack exited non-zero"
grep -q "against the $IMS_PROFILE stack" "$out" || fail "it does not say which stack it measures"
grep -Eq '^\| .*[0-9]' "$out" || fail "no table printed"
grep -qi "couldn't connect" "$out" && fail "it could not reach the stack"

set +e
"${clean_env[@]}" "IMS_PROFILE=nostack$$" IMS_HTTP_PORT=9 "$IMS_ROOT/scripts/bench" orders >"$out" 2>&1
rc=$?
set -e
[ $rc -ne 0 ] || fail "with no stack up it exited 0"
grep -q "start the stack first" "$out" || fail "with no stack up it does not say to start one"
rm -rf "$IMS_ROOT/.ims/nostack$$"
echo "2 passed, 0 failed"
