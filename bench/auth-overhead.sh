#!/usr/bin/env bash
# What does "every request checks its session and loads the caller from the database" cost?
#
# Publishes the app, starts it on a loopback port (SQLite by default; PostgreSQL when
# CRM_BENCH_POSTGRES holds an admin connection string), signs in once, then drives with wrk:
#   1. /health/live        anonymous, no database: the pipeline's floor
#   2. /api/v1/me          session check + one profile query (the cheapest authenticated call)
#   3. /                   session check + a rendered Razor page
#   4. /admin/access/explain?... session check + permission subject load + explainer
# Each run is bounded (DURATION seconds, CONNECTIONS connections, loopback only). Results are
# written to bench/results/auth-overhead-<provider>-<date>.md with the machine and date.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-16}
PROVIDER=Sqlite
[ -n "${CRM_BENCH_POSTGRES:-}" ] && PROVIDER=Postgres

command -v wrk >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; } || { echo "wrk is required (apt-get install wrk)"; exit 1; }

WORK=$(mktemp -d /tmp/crm-bench.XXXXXX)
APP_PID=""
cleanup() { [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

dotnet publish src/Crm.Web -c Release -o "$WORK/app" -nologo -v quiet >/dev/null
PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
BASE="http://127.0.0.1:$PORT"
EMAIL=bench@crm.test
PASSWORD='bench passphrase 2026'

# psql takes its own options, not the Npgsql connection string the app uses.
pg_part() { printf '%s' "$CRM_BENCH_POSTGRES" | tr ';' '\n' | awk -F= -v k="$1" 'tolower($1)==tolower(k){print $2}'; }
pg() { PGPASSWORD="$(pg_part Password)" psql -h "$(pg_part Host)" -p "$(pg_part Port)" -U "$(pg_part Username)" -d postgres -qc "$1" >/dev/null; }

if [ "$PROVIDER" = Postgres ]; then
  DB="crm_bench_$$"
  pg "CREATE DATABASE $DB"
  CONNECTION="${CRM_BENCH_POSTGRES/Database=postgres/Database=$DB}"
else
  CONNECTION="Data Source=$WORK/crm.db"
fi

# Warning level: the benchmark measures the application, not the console it logs to.
Database__Provider=$PROVIDER ConnectionStrings__Crm="$CONNECTION" CRM_ADMIN_EMAIL=$EMAIL CRM_ADMIN_PASSWORD="$PASSWORD" \
  Security__SignInAttemptsPerMinutePerIp=1000 Logging__LogLevel__Default=Warning Crm__DemoData=true \
  dotnet "$WORK/app/Crm.Web.dll" --urls "$BASE" > "$WORK/app.log" 2>&1 &
APP_PID=$!
for _ in $(seq 1 60); do curl -sf "$BASE/health/ready" >/dev/null && break; sleep 1; done

# Sign in once, the way a browser does, and keep the session cookie.
JAR="$WORK/cookies"
FORM=$(curl -s -c "$JAR" "$BASE/account/sign-in")
TOKEN=$(printf '%s' "$FORM" | grep -o 'name="__RequestVerificationToken" type="hidden" value="[^"]*"' | sed 's/.*value="//;s/"$//')
curl -s -b "$JAR" -c "$JAR" -o /dev/null --data-urlencode "Input.Email=$EMAIL" --data-urlencode "Input.Password=$PASSWORD" \
  --data-urlencode "__RequestVerificationToken=$TOKEN" "$BASE/account/sign-in"
COOKIE="crm.auth=$(awk '$6=="crm.auth"{print $7}' "$JAR")"
USER_ID=$(curl -s -b "$JAR" "$BASE/api/v1/users?search=ann" | grep -o '"id":"[^"]*"' | head -1 | sed 's/"id":"//;s/"//')

run() { # name path [cookie]
  local header=()
  [ -n "${3:-}" ] && header=(-H "Cookie: $3")
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "${header[@]}" "$BASE$2" > "$WORK/$1.txt"
  local rps p50 p99 non2xx
  rps=$(awk '/Requests\/sec/{print $2}' "$WORK/$1.txt")
  p50=$(awk '$1=="50%"{print $2}' "$WORK/$1.txt")
  p99=$(awk '$1=="99%"{print $2}' "$WORK/$1.txt")
  non2xx=$(awk '/Non-2xx/{print $4}' "$WORK/$1.txt")
  printf '| %s | `%s` | %s | %s | %s | %s |\n' "$1" "$2" "$rps" "$p50" "$p99" "${non2xx:-0}"
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
  run "session check + profile" "/api/v1/me" "$COOKIE"
  run "session check + page" "/" "$COOKIE"
  run "session + permissions + explainer" "/api/v1/access/explain?userId=$USER_ID&module=deals&action=edit" "$COOKIE"
  echo
  echo "Server memory after the runs (RSS): $(( $(awk '/VmRSS/{print $2}' /proc/$APP_PID/status) / 1024 )) MiB"
} | tee "$RESULT"

[ "$PROVIDER" = Postgres ] && { kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true; APP_PID=""; pg "DROP DATABASE $DB WITH (FORCE)"; }
echo "Written to $RESULT"
