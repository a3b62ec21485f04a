#!/usr/bin/env bash
# The development mail catcher of the test stack accepts a message over SMTP (through libcurl, as
# the alerts worker will send) and files it in its Maildir, where tests and people read it.
set -euo pipefail
: "${IMS_SMTP_PORT:?run through scripts/test}" "${IMS_DATA_DIR:?run through scripts/test}"
subject="catcher check $$-$RANDOM"
message=$(mktemp)
trap 'rm -f "$message"' EXIT
printf 'From: ims@example.com\r\nTo: staff@example.com\r\nSubject: %s\r\n\r\nHello from the test.\r\n' "$subject" >"$message"
curl -sS --fail "smtp://127.0.0.1:$IMS_SMTP_PORT" --mail-from ims@example.com --mail-rcpt staff@example.com \
  --upload-file "$message"
for _ in $(seq 1 50); do
  if grep -rlsF "Subject: $subject" "$IMS_DATA_DIR/mail/new" >/dev/null; then
    echo "1 passed, 0 failed"
    exit 0
  fi
  sleep 0.1
done
echo "FAIL: the message did not reach $IMS_DATA_DIR/mail/new" >&2
exit 1
