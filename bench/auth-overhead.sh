#!/usr/bin/env bash
# What does "every request checks its session and loads the caller from the database" cost?
#
# Publishes the app, starts it on a loopback port (SQLite by default; PostgreSQL when
# CRM_BENCH_POSTGRES holds an admin connection string), signs in once, then drives with wrk:
#   1. /health/live        anonymous, no database: the pipeline's floor
#   2. /api/v1/me          session check + one profile query (the cheapest authenticated call)
#   3. /                   session check + a rendered Razor page
#   4. /admin/access/explain?... session check + permission subject load + explainer
#   5. GET /api/v1/contacts/{id} with the session cookie, then with an API token (issue 24: the
#      token's bookkeeping, last use, counts, daily usage and rate limit, is kept in memory and
#      flushed in batches, so a token read costs about what a cookie read costs), and on PostgreSQL
#      `pgbench -S` (the built-in select-only script: one primary-key read per transaction) on a
#      scratch database of the same server, for the ceiling of a read by id there.
# Each run is bounded (DURATION seconds, CONNECTIONS connections, loopback only). Results are
# written to bench/results/auth-overhead-<provider>-<date>.md with the machine and date.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
. bench/common.sh
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-16}
PROVIDER=Sqlite
[ -n "${CRM_BENCH_POSTGRES:-}" ] && PROVIDER=Postgres

command -v wrk >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; } || { echo "wrk is required (apt-get install wrk)"; exit 1; }

WORK=$(mktemp -d /tmp/crm-bench.XXXXXX)
cleanup() {
  bench_stop_apps
  [ "$PROVIDER" = Postgres ] && bench_drop_databases
  rm -rf "$WORK"
}
trap cleanup EXIT

dotnet publish src/Crm.Web -c Release -o "$WORK/app" -nologo -v quiet >/dev/null

# psql and pgbench take their own options, not the Npgsql connection string the app uses.
pg_part() { printf '%s' "$CRM_BENCH_POSTGRES" | tr ';' '\n' | awk -F= -v k="$1" 'tolower($1)==tolower(k){print $2}'; }
pg() { bench_pg postgres "$1" >/dev/null; }

# Logs at Warning (bench_start_app): the benchmark measures the application, not the console it
# logs to. The demo data gives the explainer someone to explain; the token's rate limit is lifted.
bench_start_app "$WORK" auth Crm__DemoData=true ApiTokens__RequestsPerMinute=100000000
bench_use_app auth
APP_PID=${PID_OF[auth]}
USER_ID=$(curl -s -H "Cookie: $COOKIE" "$BASE/api/v1/users?search=ann" | grep -o '"id":"[^"]*"' | head -1 | sed 's/"id":"//;s/"//')

# An API token acting as the administrator (full access, acknowledged), and a contact to read.
API_TOKEN=$(curl -s -H "Cookie: $COOKIE" -H 'Content-Type: application/json' \
  -d "{\"name\":\"bench\",\"userId\":\"$OWNER\",\"expiresInDays\":1,\"acknowledgeFullAccess\":true}" \
  "$BASE/api/v1/tokens" | grep -o '"token":"[^"]*"' | sed 's/"token":"//;s/"//')
[ -n "$API_TOKEN" ] || { echo "Could not create an API token." >&2; exit 1; }
CONTACT_ID=$(curl -s -H "Cookie: $COOKIE" -H 'Content-Type: application/json' \
  -d "{\"firstName\":\"Bench\",\"lastName\":\"Reader\",\"email\":\"reader@bench.example\",\"ownerId\":\"$OWNER\"}" \
  "$BASE/api/v1/contacts" | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2)

run() { # name path [header]
  local header=()
  [ -n "${3:-}" ] && header=(-H "$3")
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "${header[@]}" "$BASE$2" > "$WORK/$1.txt"
  local rps p50 p99 non2xx
  rps=$(awk '/Requests\/sec/{print $2}' "$WORK/$1.txt")
  p50=$(awk '$1=="50%"{print $2}' "$WORK/$1.txt")
  p99=$(awk '$1=="99%"{print $2}' "$WORK/$1.txt")
  non2xx=$(awk '/Non-2xx/{print $4}' "$WORK/$1.txt")
  printf '| %s | `%s` | %s | %s | %s | %s |\n' "$1" "$2" "$rps" "$p50" "$p99" "${non2xx:-0}"
}
rps_of() { awk '/Requests\/sec/{print $2}' "$WORK/$1.txt"; }

# pgbench -S on a scratch database of the same server (scale 10: a million accounts), same connections and duration.
pgbench_select() {
  local db="crm_bench_pgbench_$$"
  pg "CREATE DATABASE $db"
  PGPASSWORD="$(pg_part Password)" pgbench -h "$(pg_part Host)" -p "$(pg_part Port)" -U "$(pg_part Username)" -i -q -s 10 "$db" >/dev/null 2>&1
  PGPASSWORD="$(pg_part Password)" pgbench -h "$(pg_part Host)" -p "$(pg_part Port)" -U "$(pg_part Username)" -S -n -c "$CONNECTIONS" -j 2 -T "$DURATION" "$db" > "$WORK/pgbench.txt" 2>&1
  pg "DROP DATABASE $db WITH (FORCE)"
  awk -F'= ' '/^tps/{print $2}' "$WORK/pgbench.txt" | awk '{print $1}'
}

RESULT="bench/results/auth-overhead-$(echo "$PROVIDER" | tr 'A-Z' 'a-z')-$(date -u +%Y-%m-%d).md"
{
  echo "# Authentication overhead ($PROVIDER)"
  echo
  echo "- Date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/{print $2}') GiB; $(uname -sr)"
  echo "- Load: wrk, 2 threads, $CONNECTIONS connections, ${DURATION}s per row, loopback; app published in Release, logs at Warning"
  echo "- Commit: $(git rev-parse --short HEAD)"
  echo
  echo "| what | path | requests/s | p50 | p99 | non-2xx |"
  echo "|---|---|---|---|---|---|"
  run "anonymous, no database" "/health/live"
  run "session check + profile" "/api/v1/me" "Cookie: $COOKIE"
  run "session check + page" "/" "Cookie: $COOKIE"
  run "session + permissions + explainer" "/api/v1/access/explain?userId=$USER_ID&module=deals&action=edit" "Cookie: $COOKIE"
  run "cookie: a contact by id" "/api/v1/contacts/$CONTACT_ID" "Cookie: $COOKIE"
  run "API token: the same contact" "/api/v1/contacts/$CONTACT_ID" "Authorization: Bearer $API_TOKEN"
  echo
  echo "API token / cookie, reading a contact by id: **$(awk -v a="$(rps_of "API token: the same contact")" -v b="$(rps_of "cookie: a contact by id")" 'BEGIN { printf "%.2f", a / b }')** (target: at least 0.9)."
  if [ "$PROVIDER" = Postgres ]; then
    PGBENCH_TPS=$(pgbench_select)
    echo
    echo "\`pgbench -S\` on the same server, $CONNECTIONS connections, ${DURATION}s (scale 10): **$PGBENCH_TPS** transactions/s; the API token's read by id is $(awk -v a="$(rps_of "API token: the same contact")" -v b="$PGBENCH_TPS" 'BEGIN { printf "%.1f", 100 * a / b }') % of it, the cookie's $(awk -v a="$(rps_of "cookie: a contact by id")" -v b="$PGBENCH_TPS" 'BEGIN { printf "%.1f", 100 * a / b }') %."
  fi
  echo
  echo "Server memory after the runs (RSS): $(( $(awk '/VmRSS/{print $2}' /proc/$APP_PID/status) / 1024 )) MiB"
} | tee "$RESULT"

echo "Written to $RESULT"
