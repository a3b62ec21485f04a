#!/usr/bin/env bash
# docker-compose.yml is safe by default: no start without a JWT secret, production mode, no demo
# users unless asked, loopback-only ports, no anonymous Grafana, development UIs only on request.
# Reads the file through `docker-compose config` (no Docker daemon needed).
#   tests/deploy/compose_test.sh [path/to/docker-compose.yml]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
file=${1:-$here/../../docker-compose.yml}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }

# Only what each case sets reaches the interpolation (no IMS_*, COMPOSE_* or .env of the caller).
compose() {
  env -i PATH="$PATH" HOME="$work" "$@" docker-compose --project-directory "$(dirname "$file")" \
    --env-file "$work/empty.env" -f "$file" config
}
: >"$work/empty.env"
secret=$(printf 'x%.0s' {1..40})
required=(IMS_JWT_SECRET="$secret" GRAFANA_ADMIN_PASSWORD=grafana-test-password)

if compose GRAFANA_ADMIN_PASSWORD=p >/dev/null 2>"$work/err"; then
  fail "config passes without IMS_JWT_SECRET"
elif grep -q 'IMS_JWT_SECRET' "$work/err" && grep -q 'openssl rand -hex 32' "$work/err"; then
  pass "config refuses to run without IMS_JWT_SECRET and says how to make one"
else
  fail "config fails without IMS_JWT_SECRET but does not say why: $(cat "$work/err")"
fi
if compose IMS_JWT_SECRET= GRAFANA_ADMIN_PASSWORD=p >/dev/null 2>"$work/err"; then
  fail "config passes with an empty IMS_JWT_SECRET"
elif grep -q 'set IMS_JWT_SECRET' "$work/err"; then
  pass "config refuses an empty IMS_JWT_SECRET"
else
  fail "config fails with an empty IMS_JWT_SECRET for another reason: $(cat "$work/err")"
fi
if compose IMS_JWT_SECRET="$secret" >/dev/null 2>"$work/err"; then
  fail "config passes without GRAFANA_ADMIN_PASSWORD"
elif grep -q 'set GRAFANA_ADMIN_PASSWORD' "$work/err"; then
  pass "config refuses to run without GRAFANA_ADMIN_PASSWORD"
else
  fail "config fails without GRAFANA_ADMIN_PASSWORD for another reason: $(cat "$work/err")"
fi

if ! compose "${required[@]}" >"$work/default.yml" 2>"$work/err"; then
  echo "FAIL: config is invalid with the required variables set: $(cat "$work/err")" >&2
  exit 1
fi
pass "config is valid with IMS_JWT_SECRET and GRAFANA_ADMIN_PASSWORD"
compose "${required[@]}" IMS_SEED_DEMO=1 >"$work/seeded.yml"

# The checks on the rendered file; prints one line per failure, "ok: …" otherwise.
python3 - "$work/default.yml" "$secret" "$(dirname "$file")/monitoring/prometheus.yml" <<'EOF' || failures=$((failures + 1))
import sys, yaml

config = yaml.safe_load(open(sys.argv[1]))
secret = sys.argv[2]
services = config["services"]
problems = []

def env(service):
    e = services[service].get("environment", {})
    return e if isinstance(e, dict) else dict(item.split("=", 1) for item in e)

def published(service):
    for p in services[service].get("ports", []):
        if isinstance(p, dict):
            yield str(p.get("host_ip", "")), str(p.get("published", "")), str(p.get("target", ""))
        else:  # [host_ip:]published:target[/proto]
            parts = str(p).split("/")[0].split(":")
            yield (parts[0] if len(parts) == 3 else ""), (parts[-2] if len(parts) > 1 else ""), parts[-1]

ims = [s for s, d in services.items() if d.get("image") == "ims:latest" or "build" in d]
for required in ["api", "migrate", "scheduler"] + [f"worker-{r}" for r in ("stock", "alerts", "labels", "webhooks", "reports")]:
    if required not in ims:
        problems.append(f"no IMS service {required}")
for s in ims:
    if env(s).get("IMS_ENV") != "production":
        problems.append(f"{s}: IMS_ENV is {env(s).get('IMS_ENV')!r}, not production")
    if env(s).get("IMS_JWT_SECRET") != secret:
        problems.append(f"{s}: IMS_JWT_SECRET is not the one given")
    if not env(s).get("IMS_SMTP_URL", "").startswith("smtp://mail:"):
        problems.append(f"{s}: IMS_SMTP_URL does not default to the mail catcher")

by_default = {}
for s, d in services.items():
    for host_ip, port, target in published(s):
        if host_ip != "127.0.0.1":
            problems.append(f"{s}: port {port}:{target} is published on {host_ip or 'every address'}, not 127.0.0.1")
        if "development" not in d.get("profiles", []):
            if d.get("profiles"):
                problems.append(f"{s}: publishes {port} in profiles {d['profiles']}")
            by_default[port] = s
if by_default != {"8080": "api", "3000": "grafana"}:
    problems.append(f"without a profile the published ports are {by_default}, not just the API's 8080 and Grafana's 3000")
for s in ("prometheus", "mail"):
    if s not in services:
        problems.append(f"no {s} service")
    elif services[s].get("profiles"):
        problems.append(f"{s} is needed by default (Grafana's data source, the workers' SMTP) but is in {services[s]['profiles']}")
dev_ports = {port: s for s, d in services.items() if "development" in d.get("profiles", []) for _, port, _ in published(s)}
for port, what in (("9090", "the Prometheus UI"), ("1080", "the mail catcher's UI")):
    if port not in dev_ports:
        problems.append(f"the development profile does not publish {what} ({port})")

# Prometheus (monitoring/prometheus.yml) scrapes every IMS process and what they stand on, each a
# service of this file on the port it listens on.
scrape = yaml.safe_load(open(sys.argv[3]))
jobs = {j["job_name"]: [t for c in j.get("static_configs", []) for t in c["targets"]]
           + [f"{n}:{c['port']}" for c in j.get("dns_sd_configs", []) for n in c["names"]]
        for j in scrape["scrape_configs"]}
for job in ("ims-api", "ims-worker", "ims-scheduler", "rabbitmq", "rabbitmq-queues", "postgresql", "redis"):
    if not jobs.get(job):
        problems.append(f"monitoring/prometheus.yml has no {job} job")
for job, targets in jobs.items():
    for target in targets:
        host = target.split(":")[0]
        if host != "localhost" and host not in services:
            problems.append(f"monitoring/prometheus.yml: {job} scrapes {target}, but there is no service {host}")
# The cluster profile's replicas and nodes are looked up by name (dns_sd), so that without the
# profile they are no targets rather than targets that are down.
for job in ("ims-api", "ims-worker", "rabbitmq", "rabbitmq-queues"):
    for c in next(j for j in scrape["scrape_configs"] if j["job_name"] == job).get("static_configs", []):
        for t in c["targets"]:
            if "cluster" in services.get(t.split(":")[0], {}).get("profiles", []):
                problems.append(f"monitoring/prometheus.yml: {job} lists {t} of the cluster profile as a static target")
if sorted(t.split(":")[0] for t in jobs.get("ims-worker", [])) != sorted(s for s in ims if s.startswith("worker-")):
    problems.append(f"monitoring/prometheus.yml scrapes workers {jobs.get('ims-worker')}, not every worker service")
plugins = [v for v in services["rabbitmq"].get("volumes", []) if "enabled_plugins" in str(v)]
if not plugins:
    problems.append("rabbitmq: rabbitmq_prometheus is not enabled (no enabled_plugins mounted)")

grafana = env("grafana")
if str(grafana.get("GF_AUTH_ANONYMOUS_ENABLED", "")).lower() != "false":
    problems.append(f"grafana: GF_AUTH_ANONYMOUS_ENABLED is {grafana.get('GF_AUTH_ANONYMOUS_ENABLED')!r}")
if grafana.get("GF_SECURITY_ADMIN_PASSWORD") != "grafana-test-password":
    problems.append("grafana: the admin password is not GRAFANA_ADMIN_PASSWORD")

for p in problems:
    print("FAIL:", p, file=sys.stderr)
if not problems:
    print("ok: production mode, loopback-only ports, no anonymous Grafana, development UIs in the profile")
sys.exit(1 if problems else 0)
EOF

# The cluster profile (deploy/cluster.env): three RabbitMQ nodes of one cluster, two replicas of the
# API and of the stock worker, every IMS process given every node, and RabbitMQ healthy (so IMS
# starts) only once all three nodes run.
cluster_env=$(dirname "$file")/deploy/cluster.env
if ! env -i PATH="$PATH" HOME="$work" "${required[@]}" docker-compose --project-directory "$(dirname "$file")" \
  --env-file "$cluster_env" -f "$file" config >"$work/cluster.yml" 2>"$work/err"; then
  fail "config with deploy/cluster.env is invalid: $(cat "$work/err")"
elif python3 - "$work/cluster.yml" "$cluster_env" <<'EOF'; then
import sys, yaml
services = yaml.safe_load(open(sys.argv[1]))["services"]
settings = dict(l.strip().split("=", 1) for l in open(sys.argv[2]) if "=" in l and not l.startswith("#"))
problems = []
if "cluster" not in settings.get("COMPOSE_PROFILES", "").split(","):
    problems.append("deploy/cluster.env does not select the cluster profile")
for s in ("rabbitmq-2", "rabbitmq-3", "api-2", "worker-stock-2"):
    if s not in services:
        problems.append(f"no service {s}")
    elif services[s].get("profiles") != ["cluster"]:
        problems.append(f"{s} is in profiles {services[s].get('profiles')}, not only cluster")
nodes = {s: services[s].get("hostname") for s in ("rabbitmq", "rabbitmq-2", "rabbitmq-3") if s in services}
if nodes != {"rabbitmq": "rabbitmq", "rabbitmq-2": "rabbitmq-2", "rabbitmq-3": "rabbitmq-3"}:
    problems.append(f"the RabbitMQ nodes' host names (their node names) are {nodes}")
cookies = {services[s]["environment"].get("RABBITMQ_ERLANG_COOKIE") for s in nodes}
if len(cookies) != 1 or None in cookies:
    problems.append(f"the nodes do not share one Erlang cookie: {cookies}")
for s in ("rabbitmq-2", "rabbitmq-3"):
    if not any("peers.conf" in str(v) for v in services.get(s, {}).get("volumes", [])):
        problems.append(f"{s} has no peer discovery configuration (peers.conf)")
health = " ".join(services["rabbitmq"]["healthcheck"]["test"])
if "all_running" not in health or "-ge 3" not in health:
    problems.append(f"rabbitmq is healthy before the three nodes run: {health}")
for s, d in services.items():
    if d.get("image") == "ims:latest" or "build" in d:
        urls = d["environment"].get("IMS_AMQP_URL", "").split(",")
        if sorted(u.split("@")[1].split(":")[0] for u in urls) != ["rabbitmq", "rabbitmq-2", "rabbitmq-3"]:
            problems.append(f"{s}: IMS_AMQP_URL does not list the three nodes: {urls}")
for p in problems:
    print("FAIL:", p, file=sys.stderr)
sys.exit(1 if problems else 0)
EOF
  pass "the cluster profile: three RabbitMQ nodes, two APIs, two stock workers, IMS given every node"
else
  failures=$((failures + 1))
fi

# The seeding step, run in a shell with a stand-in `ims` that only records what it was asked to do.
mkdir -p "$work/bin"
printf '#!/bin/sh\necho "$*" >> "%s/calls"\n' "$work" >"$work/bin/ims"
chmod +x "$work/bin/ims"
seeding() {  # rendered file → the ims commands its migrate service runs, one per line
  : >"$work/calls"
  python3 - "$1" "$work/bin" <<'EOF'
import os, subprocess, sys, yaml
migrate = yaml.safe_load(open(sys.argv[1]))["services"]["migrate"]
command = migrate["command"]
command = command if isinstance(command, list) else ["sh", "-c", command]
command = [c.replace("$$", "$") for c in command]  # compose's escape, undone when it runs
environment = {k: str(v) for k, v in (migrate.get("environment") or {}).items()}
environment["PATH"] = sys.argv[2] + ":" + os.environ["PATH"]
sys.exit(subprocess.run(command, env=environment).returncode)
EOF
  tr '\n' ';' <"$work/calls"
}
got=$(seeding "$work/default.yml")
[[ $got == "migrate;" ]] && pass "by default the stack only migrates" \
  || fail "without IMS_SEED_DEMO the seeding step runs: $got"
got=$(seeding "$work/seeded.yml")
[[ $got == "migrate;seed-demo;" ]] && pass "IMS_SEED_DEMO=1 loads the demo set" \
  || fail "with IMS_SEED_DEMO=1 the seeding step runs: $got"
compose "${required[@]}" IMS_SEED_DEMO=yes >"$work/other.yml"
got=$(seeding "$work/other.yml")
[[ $got == "migrate;" ]] && pass "IMS_SEED_DEMO other than 1 seeds nothing" \
  || fail "with IMS_SEED_DEMO=yes the seeding step runs: $got"

if ((failures)); then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "docker-compose.yml is safe by default"
