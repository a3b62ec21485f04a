#!/usr/bin/env bash
# Every alert rule in monitoring/alerts.yml has a summary and a runbook line, and a unit test in
# monitoring/alerts_test.yml in which it fires (promtool test rules runs them; this checks that no
# rule was added without one).
set -euo pipefail
dir=${1:?monitoring folder}
rules=$dir/alerts.yml tests=$dir/alerts_test.yml
fail=0
mapfile -t alerts < <(awk '$1 == "-" && $2 == "alert:" {print $3}' "$rules")
[ ${#alerts[@]} -gt 0 ] || { echo "FAIL: no alert rules in $rules"; exit 1; }
# The annotations of each rule: from its "- alert:" line to the next one.
missing=$(awk '
  function done() { if (name != "" && !(s && r)) print name (s ? "" : " (no summary)") (r ? "" : " (no runbook)") }
  $1 == "-" && $2 == "alert:" { done(); name = $3; s = 0; r = 0; next }
  $1 == "summary:" { s = 1 } $1 == "runbook:" { r = 1 }
  END { done() }' "$rules")
[ -z "$missing" ] || { echo "FAIL: rules without both annotations: $missing"; fail=1; }
# Alerts some test expects to fire.
mapfile -t fired < <(awk '$1 == "alertname:" {name = $2} $1 == "-" && $2 == "exp_labels:" {print name}' "$tests" | sort -u)
for a in "${alerts[@]}"; do
  # (a here-string, not a pipe: grep -q stops reading at the first match, and under pipefail the
  # writer's SIGPIPE would fail the check for a rule that has its test)
  grep -qx -- "$a" <<<"$(printf '%s\n' "${fired[@]}")" || { echo "FAIL: $a has no test in which it fires"; fail=1; }
done
[ $fail -eq 0 ] && echo "ok: ${#alerts[@]} rules, each with a summary, a runbook and a firing test"
exit $fail
