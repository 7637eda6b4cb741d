#!/usr/bin/env bash
# Runs every test of the CRM: ./test.sh
#
# On a fresh Debian machine (as root) it installs what is missing with apt (PostgreSQL, Chromium,
# the SMTP server for mail tests), starts a throw-away PostgreSQL cluster on a loopback port in a
# temp folder, runs the whole suite on SQLite and on PostgreSQL plus the browser journeys in real
# Chromium (on SQLite), stops what it started, and prints how long each part took, then "N passed, N failed"
# (skips counted separately) as its last line. Any failure, or any skip when CI=true, makes it
# exit non-zero.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
RESULTS="$ROOT/artifacts/test-results"
rm -rf "$RESULTS" && mkdir -p "$RESULTS"

log() { printf '\n== %s\n' "$*"; }

# How long each part took, for the summary at the end: "label|seconds" in order.
STARTED=$(date +%s)
durations=()
part_started=$STARTED
begin_part() { part_started=$(date +%s); }
end_part() { durations+=("$1|$(($(date +%s) - part_started))"); }
as_time() { if (($1 >= 60)); then printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); else printf '%ds' "$1"; fi; }

# --- 1. What the tests need from the machine -------------------------------------------------
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v oathtool >/dev/null 2>&1 || missing+=(oathtool)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
/usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1 || missing+=(python3-aiosmtpd)
command -v dotnet >/dev/null 2>&1 || { echo "The .NET 10 SDK is required (dotnet on PATH)." >&2; exit 1; }
if ((${#missing[@]})); then
  if [ "$(id -u)" != 0 ]; then
    echo "Missing packages: ${missing[*]}. Run as root, or: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  log "Installing ${missing[*]}"
  begin_part
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  end_part install
fi

# --- 2. A throw-away PostgreSQL cluster -------------------------------------------------------
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PGROOT=$(mktemp -d /tmp/crm-test-pg.XXXXXX)
PGPORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres: "$PGROOT"
cleanup() {
  as_pg "$PGBIN/pg_ctl" -D "$PGROOT/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PGROOT"
}
trap cleanup EXIT
log "Starting PostgreSQL on 127.0.0.1:$PGPORT"
begin_part
as_pg "$PGBIN/initdb" -D "$PGROOT/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$PGROOT/data" -l "$PGROOT/server.log" -w start \
  -o "-p $PGPORT -k $PGROOT -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" >/dev/null
end_part "PostgreSQL start"
export CRM_TEST_POSTGRES="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=postgres"
export CRM_CHROMIUM="$(command -v chromium)"
# Every test host would otherwise watch its configuration files for changes: hundreds of hosts
# can exhaust the machine's inotify instances. Tests never change configuration files.
export DOTNET_USE_POLLING_FILE_WATCHER=true
export DOTNET_hostBuilder__reloadConfigOnChange=false

# --- 3. Build once, warnings as errors ---------------------------------------------------------
log "Building"
begin_part
dotnet build Crm.slnx -c Release -nologo -v quiet
end_part build

# --- 4. Every test on both providers --------------------------------------------------------------
# Two lanes side by side. The integration lane runs every test that opens a database, on SQLite
# then on PostgreSQL (a class about the web edge only on PostgreSQL, which refuses more: TestLanes),
# and keeps both cores busy. The other lane runs what needs a database only
# once or waits on something else: the classes that open no database (TestLanes in the tests:
# pure rules, formats, the published app, the export's memory), then the browser journeys (one
# Chromium, one server at a time) on SQLite, the provider a fresh install runs: what a journey
# adds to the integration tests is the browser's side, the same on either provider, and a second
# pass on PostgreSQL took 4 to 8 minutes of CPU from the integration lane. (A third lane,
# PostgreSQL beside SQLite, was slower: the integration runs are bound by the CPU.) The second
# lane's output is kept in a file and printed after the integration lane's.
status=0
run() { # name, project, provider[, filter]: one test run, its duration and outcome appended to the lane's files
  local started
  started=$(date +%s)
  log "$1 on $3"
  local only=()
  [ -n "${4:-}" ] && only=(--filter "$4")
  if ! CRM_TEST_PROVIDER="$3" dotnet test "$2" -c Release --no-build -nologo "${only[@]}" \
    --logger "trx;LogFileName=$RESULTS/$1-$3.trx" --logger "console;verbosity=minimal"; then
    echo "$1 on $3" >> "$RESULTS/failed-runs.txt"
  fi
  echo "$1 on $3|$(($(date +%s) - started))" >> "$RESULTS/durations-$1.txt"
}
once_lane() {
  run no-database tests/Crm.Tests Sqlite "Database=None"
  run browser tests/Crm.BrowserTests Sqlite
}
once_lane > "$RESULTS/browser-lane.log" 2>&1 &
browser_lane=$!
run integration tests/Crm.Tests Sqlite "Database!=None&Database!=PostgresOnly"
run integration tests/Crm.Tests Postgres "Database!=None"
wait "$browser_lane" || true
cat "$RESULTS/browser-lane.log"
for name in integration no-database browser; do
  [ -f "$RESULTS/durations-$name.txt" ] || continue
  while IFS= read -r entry; do durations+=("$entry"); done < "$RESULTS/durations-$name.txt"
done
if [ -s "$RESULTS/failed-runs.txt" ]; then
  echo "Failed: $(paste -sd ',' "$RESULTS/failed-runs.txt" | sed 's/,/, /g')" >&2
  status=1
fi

# --- 5. One closing line --------------------------------------------------------------------------
read -r passed failed skipped < <(/usr/bin/python3 - "$RESULTS" <<'PY'
import sys, glob, xml.etree.ElementTree as ET
p = f = s = 0
for path in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(path).getroot().find(".//{*}Counters")
    p += int(c.get("passed")); f += int(c.get("failed")) + int(c.get("error")) + int(c.get("timeout")) + int(c.get("aborted"))
    s += int(c.get("notExecuted")) + int(c.get("inconclusive"))
print(p, f, s)
PY
)
expected=4
found=$(ls "$RESULTS"/*.trx 2>/dev/null | wc -l)
if [ "$found" -lt "$expected" ]; then echo "Only $found of $expected test runs produced results." >&2; status=1; fi
if [ "$failed" -gt 0 ]; then status=1; fi
if [ "$skipped" -gt 0 ] && [ "${CI:-}" = "true" ]; then echo "$skipped tests were skipped: in CI a skip is a failure." >&2; status=1; fi
if [ "$passed" -eq 0 ]; then echo "No test ran." >&2; status=1; fi
durations+=("total|$(($(date +%s) - STARTED))")
log "Durations (the second lane overlaps the integration runs; total is the wall clock)"
for entry in "${durations[@]}"; do
  printf '  %-26s %8s\n' "${entry%|*}" "$(as_time "${entry##*|}")"
done
echo
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
