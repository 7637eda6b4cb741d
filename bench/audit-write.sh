#!/usr/bin/env bash
# What does the audit trail cost?
#
# Publishes the app and, for each of "auditing off" (Audit__Enabled=false: a switch for this
# benchmark ONLY, never for a real CRM) and "auditing on", starts it on a fresh database on a
# loopback port (SQLite by default; PostgreSQL when CRM_BENCH_POSTGRES holds an admin connection
# string), signs in, and drives with wrk:
#   1. POST  /api/v1/contacts        creates
#   2. PATCH /api/v1/contacts/{id}   updates (each connection edits its own contacts, quoting the
#                                    version the previous answer gave, so no save conflicts)
# then reports both throughputs and the ratio. With auditing on it also gives one contact
# HISTORY_ENTRIES changes and compares the first page of its history (GET .../history) with the
# raw SQL query behind it (the same index range scan, run by sqlite3 / pgbench).
# Results go to bench/results/audit-write-<provider>-<date>.md.
# A tiny check run: DURATION=2 HISTORY_ENTRIES=200 bench/audit-write.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-5}
CONNECTIONS=${CONNECTIONS:-8}
HISTORY_ENTRIES=${HISTORY_ENTRIES:-10000}
PROVIDER=Sqlite
[ -n "${CRM_BENCH_POSTGRES:-}" ] && PROVIDER=Postgres

command -v wrk >/dev/null || { echo "wrk is required (apt-get install wrk)"; exit 1; }

WORK=$(mktemp -d /tmp/crm-bench-audit.XXXXXX)
APP_PID=""
DBS=()
pg_part() { printf '%s' "$CRM_BENCH_POSTGRES" | tr ';' '\n' | awk -F= -v k="$1" 'tolower($1)==tolower(k){print $2}'; }
pg() { PGPASSWORD="$(pg_part Password)" psql -h "$(pg_part Host)" -p "$(pg_part Port)" -U "$(pg_part Username)" -d "${2:-postgres}" -qAtc "$1"; }
stop_app() { [ -n "$APP_PID" ] && { kill "$APP_PID" 2>/dev/null; wait "$APP_PID" 2>/dev/null || true; APP_PID=""; }; }
cleanup() {
  stop_app
  if [ "$PROVIDER" = Postgres ]; then for db in "${DBS[@]}"; do pg "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null || true; done; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

dotnet publish src/Crm.Web -c Release -o "$WORK/app" -nologo -v quiet >/dev/null
EMAIL=bench@crm.test
PASSWORD='bench passphrase 2026'

# Lua for wrk: creates with a fixed body; updates cycle through each thread's own contacts.
cat > "$WORK/create.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"firstName":"Bench","lastName":"Person","email":"bench@example.com","ownerId":"' .. os.getenv("OWNER") .. '"}'
LUA
cat > "$WORK/update.lua" <<'LUA'
local threads, counter = {}, 0
function setup(thread)
  counter = counter + 1
  thread:set("slot", counter)
  table.insert(threads, thread)
end
function init(args)
  ready, n = {}, 0
  local all, i = {}, 0
  for id in string.gmatch(os.getenv("IDS"), "%d+") do table.insert(all, id) end
  for k, id in ipairs(all) do
    if (k - 1) % tonumber(os.getenv("THREADS")) == slot - 1 then table.insert(ready, { id = id, version = 1 }) end
  end
end
function request()
  local c = table.remove(ready, 1)
  if c == nil then return wrk.format("GET", "/health/live") end
  n = n + 1
  return wrk.format("PATCH", "/api/v1/contacts/" .. c.id, { ["Content-Type"] = "application/json", ["Cookie"] = os.getenv("COOKIE") },
    '{"title":"T' .. n .. '","version":' .. c.version .. '}')
end
function response(status, headers, body)
  if status ~= 200 and status ~= 204 and not told then told = true; io.stderr:write("update answered " .. status .. ": " .. string.sub(body, 1, 300) .. "\n") end
  local id = string.match(body, '"id":(%d+)')
  local version = string.match(body, '"version":(%d+)')
  if id and version then table.insert(ready, { id = id, version = tonumber(version) }) end
end
LUA

start_app() { # label audit-enabled
  PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  BASE="http://127.0.0.1:$PORT"
  if [ "$PROVIDER" = Postgres ]; then
    DB="crm_bench_audit_${1}_$$"; DBS+=("$DB")
    pg "CREATE DATABASE $DB" >/dev/null
    CONNECTION="${CRM_BENCH_POSTGRES/Database=postgres/Database=$DB}"
  else
    DBFILE="$WORK/crm-$1.db"; CONNECTION="Data Source=$DBFILE"
  fi
  Database__Provider=$PROVIDER ConnectionStrings__Crm="$CONNECTION" CRM_ADMIN_EMAIL=$EMAIL CRM_ADMIN_PASSWORD="$PASSWORD" \
    Audit__Enabled=$2 Security__SignInAttemptsPerMinutePerIp=1000 Logging__LogLevel__Default=Warning \
    dotnet "$WORK/app/Crm.Web.dll" --urls "$BASE" > "$WORK/app-$1.log" 2>&1 &
  APP_PID=$!
  for _ in $(seq 1 60); do curl -sf "$BASE/health/ready" >/dev/null && break; sleep 1; done
  local jar="$WORK/cookies-$1" form token
  form=$(curl -s -c "$jar" "$BASE/account/sign-in")
  token=$(printf '%s' "$form" | grep -o 'name="__RequestVerificationToken" type="hidden" value="[^"]*"' | sed 's/.*value="//;s/"$//')
  curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "Input.Email=$EMAIL" --data-urlencode "Input.Password=$PASSWORD" \
    --data-urlencode "__RequestVerificationToken=$token" "$BASE/account/sign-in"
  COOKIE="crm.auth=$(awk '$6=="crm.auth"{print $7}' "$jar")"
  OWNER=$(curl -s -H "Cookie: $COOKIE" "$BASE/api/v1/me" | grep -o '"id":"[^"]*"' | head -1 | sed 's/"id":"//;s/"//')
  export OWNER COOKIE
}

wrk_rps() { # name lua -> "rps non2xx"
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -H "Cookie: $COOKIE" -s "$2" "$BASE/api/v1/contacts" > "$WORK/$1.txt" 2> "$WORK/$1.err"
  [ -s "$WORK/$1.err" ] && sed 's/^/  /' "$WORK/$1.err" >&2
  printf '%s %s\n' "$(awk '/Requests\/sec/{print $2}' "$WORK/$1.txt")" "$(awk '/Non-2xx/{print $5}' "$WORK/$1.txt" | grep . || echo 0)"
}

measure() { # label audit-enabled
  start_app "$1" "$2"
  # Unmeasured warm-up: a freshly started app spends its first seconds compiling (JIT, tiering),
  # which would otherwise weigh on whichever phase comes first.
  wrk -t2 -c"$CONNECTIONS" -d"${WARMUP}s" -H "Cookie: $COOKIE" -s "$WORK/create.lua" "$BASE/api/v1/contacts" > /dev/null
  read -r CREATE CREATE_BAD < <(wrk_rps "create-$1" "$WORK/create.lua")
  # Each connection needs contacts of its own to edit: 4 per connection, created up front.
  local ids=()
  for _ in $(seq 1 $((CONNECTIONS * 4))); do
    ids+=("$(curl -s -H "Cookie: $COOKIE" -H 'Content-Type: application/json' -d "{\"firstName\":\"Edit\",\"lastName\":\"Me\",\"ownerId\":\"$OWNER\"}" "$BASE/api/v1/contacts" | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2)")
  done
  IDS=$(IFS=,; echo "${ids[*]}"); THREADS=2; export IDS THREADS
  read -r UPDATE UPDATE_BAD < <(wrk_rps "update-$1" "$WORK/update.lua")
}

measure off false
OFF_CREATE=$CREATE; OFF_CREATE_BAD=$CREATE_BAD; OFF_UPDATE=$UPDATE; OFF_UPDATE_BAD=$UPDATE_BAD
stop_app
measure on true
ON_CREATE=$CREATE; ON_CREATE_BAD=$CREATE_BAD; ON_UPDATE=$UPDATE; ON_UPDATE_BAD=$UPDATE_BAD

# One contact with HISTORY_ENTRIES changes, made through the API (sequential keep-alive requests).
HISTORY_ID=$(curl -s -H "Cookie: $COOKIE" -H 'Content-Type: application/json' -d "{\"firstName\":\"Long\",\"lastName\":\"History\",\"ownerId\":\"$OWNER\"}" "$BASE/api/v1/contacts" | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2)
/usr/bin/python3 - "$PORT" "$COOKIE" "$HISTORY_ID" "$HISTORY_ENTRIES" <<'PY'
import http.client, json, sys
port, cookie, cid, count = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
conn = http.client.HTTPConnection("127.0.0.1", port)
version = 1
for n in range(count - 1):
    conn.request("PATCH", f"/api/v1/contacts/{cid}", json.dumps({"title": f"T{n}", "version": version}),
                 {"Cookie": cookie, "Content-Type": "application/json"})
    r = conn.getresponse(); body = r.read()
    if r.status != 200: sys.exit(f"update {n} answered {r.status}: {body[:200]!r}")
    version = json.loads(body)["version"]
PY
wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "Cookie: $COOKIE" "$BASE/api/v1/contacts/$HISTORY_ID/history" > "$WORK/history.txt"
HISTORY_RPS=$(awk '/Requests\/sec/{print $2}' "$WORK/history.txt")
HISTORY_P50=$(awk '$1=="50%"{print $2}' "$WORK/history.txt")
SQL="SELECT * FROM \"AuditEntries\" WHERE \"EntityType\" = 'contacts' AND \"EntityId\" = '$HISTORY_ID' ORDER BY \"Id\" DESC LIMIT 51"
if [ "$PROVIDER" = Postgres ]; then
  echo "$SQL;" > "$WORK/history.sql"
  PGPASSWORD="$(pg_part Password)" pgbench -h "$(pg_part Host)" -p "$(pg_part Port)" -U "$(pg_part Username)" -n -c "$CONNECTIONS" -j 2 -T "$DURATION" -f "$WORK/history.sql" "$DB" > "$WORK/raw.txt" 2>&1
  RAW_RPS=$(awk -F'= ' '/^tps/{print $2}' "$WORK/raw.txt" | awk '{print $1}')
  RAW_MS=$(awk -F'= ' '/latency average/{print $2}' "$WORK/raw.txt")
else
  RAW=$(/usr/bin/python3 - "$DBFILE" "$SQL" "$DURATION" <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1]); sql = sys.argv[2]; end = time.perf_counter() + float(sys.argv[3]); n = 0
while time.perf_counter() < end:
    db.execute(sql).fetchall(); n += 1
print(f"{n / float(sys.argv[3]):.1f} {1000 * float(sys.argv[3]) / n:.3f}ms")
PY
)
  RAW_RPS=${RAW% *}; RAW_MS="${RAW#* } (one connection)"
fi
ENTRIES=$(curl -s -H "Cookie: $COOKIE" "$BASE/api/v1/contacts/$HISTORY_ID/history?pageSize=1" | grep -c '"action"' || true)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
RESULT="bench/results/audit-write-$(echo "$PROVIDER" | tr 'A-Z' 'a-z')-$(date -u +%Y-%m-%d).md"
{
  echo "# Audit trail cost ($PROVIDER)"
  echo
  echo "- Date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/{print $2}') GiB; $(uname -sr)"
  echo "- Load: wrk, 2 threads, $CONNECTIONS connections, ${DURATION}s per row after a ${WARMUP}s warm-up of each app, loopback; app published in Release, logs at Warning"
  echo "- Commit: $(git rev-parse --short HEAD)"
  echo
  echo "| write | auditing off (req/s) | auditing on (req/s) | on / off | non-2xx off / on |"
  echo "|---|---|---|---|---|"
  echo "| create contact | $OFF_CREATE | $ON_CREATE | $(ratio "$ON_CREATE" "$OFF_CREATE") | $OFF_CREATE_BAD / $ON_CREATE_BAD |"
  echo "| update contact | $OFF_UPDATE | $ON_UPDATE | $(ratio "$ON_UPDATE" "$OFF_UPDATE") | $OFF_UPDATE_BAD / $ON_UPDATE_BAD |"
  echo
  echo "History of one contact with $HISTORY_ENTRIES entries, first page (50):"
  echo
  echo "| what | per second | latency |"
  echo "|---|---|---|"
  echo "| GET /api/v1/contacts/{id}/history (HTTP, session and permission checks included) | $HISTORY_RPS | p50 $HISTORY_P50 |"
  echo "| raw SQL: the same index range scan | $RAW_RPS | average $RAW_MS |"
  echo
  echo "Sanity: history answered with $ENTRIES item(s) for pageSize=1."
} | tee "$RESULT"
echo "Written to $RESULT"
