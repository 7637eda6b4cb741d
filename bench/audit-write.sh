#!/usr/bin/env bash
# What does the audit trail cost?
#
# Publishes the app and starts it twice side by side, "auditing off" (Audit__Enabled=false: a
# switch for this benchmark ONLY, never for a real CRM) and "auditing on", each on a fresh database
# on a loopback port (SQLite by default; PostgreSQL when CRM_BENCH_POSTGRES holds an admin
# connection string), signs in to both, and drives them in turns with wrk:
#   1. POST  /api/v1/contacts        creates
#   2. PATCH /api/v1/contacts/{id}   updates (each connection edits its own contacts, quoting the
#                                    version the previous answer gave, so no save conflicts)
# ROUNDS rounds of DURATION seconds per app and write, after a warm-up; it reports the medians
# and each round's on / off ratio. With auditing on it also gives one contact
# HISTORY_ENTRIES changes and compares the first page of its history (GET .../history) with the
# raw SQL query behind it: in the app's own process (`dataset time-history`: the history use case
# and its JSON against the bare query on the same connection pool, the target's comparison), and
# over HTTP against reading the contact itself through the API (what any API read costs) and
# against pgbench / sqlite3 running the bare query.
# Results go to bench/results/audit-write-<provider>-<date>.md.
# A tiny check run: DURATION=2 ROUNDS=2 WARMUP=2 HISTORY_ENTRIES=200 bench/audit-write.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-5}
ROUNDS=${ROUNDS:-5}
CONNECTIONS=${CONNECTIONS:-8}
HISTORY_ENTRIES=${HISTORY_ENTRIES:-10000}
PROVIDER=Sqlite
[ -n "${CRM_BENCH_POSTGRES:-}" ] && PROVIDER=Postgres

command -v wrk >/dev/null || { echo "wrk is required (apt-get install wrk)"; exit 1; }

WORK=$(mktemp -d /tmp/crm-bench-audit.XXXXXX)
pg_part() { printf '%s' "$CRM_BENCH_POSTGRES" | tr ';' '\n' | awk -F= -v k="$1" 'tolower($1)==tolower(k){print $2}'; }
cleanup() {
  bench_stop_apps
  [ "$PROVIDER" = Postgres ] && bench_drop_databases
  rm -rf "$WORK"
}
trap cleanup EXIT

dotnet publish src/Crm.Web -c Release -o "$WORK/app" -nologo -v quiet >/dev/null

bench_contact_lua "$WORK"

# Both apps run side by side, each on a fresh database of its own, and are measured in turns:
# on this machine the same app's throughput drifts by ±20 % from one minute to the next (other
# tenants, CPU credit), which a single "off" run followed by a single "on" run reads as a cost.
start_app() { bench_start_app "$WORK" "$1" Audit__Enabled="$2"; } # label audit-enabled
use_app() { bench_use_app "$1"; }

fresh_contacts() { bench_fresh_contacts; }
wrk_rps() { bench_wrk "$WORK" "$@"; }
warm_up() { use_app "$1"; bench_warm_up "$WORK" "$1" "${PID_OF[$1]}"; }
median() { bench_median; }
ratio() { bench_ratio "$@"; }

start_app off false
start_app on true
warm_up off
warm_up on

# ROUNDS rounds; each runs both apps for DURATION seconds, in turns (off first in odd rounds, on
# first in even ones, so neither always follows the other).
declare -A CREATE_RUNS UPDATE_RUNS CREATE_BAD UPDATE_BAD C U
ROWS=(); CREATE_RATIOS=""; UPDATE_RATIOS=""
for round in $(seq 1 "$ROUNDS"); do
  order="off on"; [ $((round % 2)) -eq 0 ] && order="on off"
  for label in $order; do
    use_app "$label"
    read -r rps bad < <(wrk_rps "create-$label-$round" "$WORK/create.lua" "$DURATION")
    C[$label]=$rps; CREATE_RUNS[$label]+="$rps "; CREATE_BAD[$label]=$(( ${CREATE_BAD[$label]:-0} + bad ))
  done
  for label in $order; do
    use_app "$label"
    fresh_contacts
    read -r rps bad < <(wrk_rps "update-$label-$round" "$WORK/update.lua" "$DURATION")
    U[$label]=$rps; UPDATE_RUNS[$label]+="$rps "; UPDATE_BAD[$label]=$(( ${UPDATE_BAD[$label]:-0} + bad ))
  done
  create_ratio=$(ratio "${C[on]}" "${C[off]}"); update_ratio=$(ratio "${U[on]}" "${U[off]}")
  CREATE_RATIOS+="$create_ratio "; UPDATE_RATIOS+="$update_ratio "
  ROWS+=("| $round | ${C[off]} | ${C[on]} | $create_ratio | ${U[off]} | ${U[on]} | $update_ratio |")
done
OFF_CREATE=$(echo "${CREATE_RUNS[off]}" | median); ON_CREATE=$(echo "${CREATE_RUNS[on]}" | median)
OFF_UPDATE=$(echo "${UPDATE_RUNS[off]}" | median); ON_UPDATE=$(echo "${UPDATE_RUNS[on]}" | median)
kill "${PID_OF[off]}" 2>/dev/null || true
use_app on
DB=${DB_OF[on]}; DBFILE=${DB_OF[on]}
PORT=${BASE##*:}

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
wrk_read() { # name path -> "rps p50"
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "Cookie: $COOKIE" "$BASE$2" > "$WORK/$1.txt"
  printf '%s %s\n' "$(awk '/Requests\/sec/{print $2}' "$WORK/$1.txt")" "$(awk '$1=="50%"{print $2}' "$WORK/$1.txt")"
}
read -r HISTORY_RPS HISTORY_P50 < <(wrk_read history "/api/v1/contacts/$HISTORY_ID/history")
# The floor of any API read: the same contact itself, through the same session and permission
# checks. History can come no closer to raw SQL than this.
read -r RECORD_RPS RECORD_P50 < <(wrk_read record "/api/v1/contacts/$HISTORY_ID")
SQL="SELECT \"Id\", \"At\", \"Action\", \"ActorKind\", \"ActorName\", \"ApiTokenName\", \"IpAddress\", \"Label\", \"Changes\" FROM \"AuditEntries\" WHERE \"EntityType\" = 'contacts' AND \"EntityId\" = '$HISTORY_ID' ORDER BY \"Id\" DESC LIMIT 51"
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

# The same page and query timed inside the app's process, with the web server stopped so that
# nothing else competes for the CPU.
bench_stop_apps
Database__Provider=$PROVIDER ConnectionStrings__Crm="${CONNECTION_OF[on]}" Logging__LogLevel__Default=Warning \
  dotnet "$WORK/app/Crm.Web.dll" dataset time-history contacts "$HISTORY_ID" --seconds "$DURATION" --callers "$CONNECTIONS" > "$WORK/in-app.txt"
sed 's/^/  /' "$WORK/in-app.txt"
read -r _ INAPP_RPS _ _ _ INAPP_P50 _ < <(grep '^history ' "$WORK/in-app.txt")
read -r _ INAPP_RAW_RPS _ _ _ INAPP_RAW_P50 _ < <(grep '^raw-sql ' "$WORK/in-app.txt")
INAPP_RATIO=$(awk '/^ratio /{print $2}' "$WORK/in-app.txt")
INAPP_RATE_RATIO=$(awk '/^ratio /{print $NF}' "$WORK/in-app.txt" | tr -d ')')

RESULT="bench/results/audit-write-$(echo "$PROVIDER" | tr 'A-Z' 'a-z')-$(date -u +%Y-%m-%d).md"
{
  echo "# Audit trail cost ($PROVIDER)"
  echo
  echo "- Date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/{print $2}') GiB; $(uname -sr)"
  echo "- Load: wrk, 2 threads, $CONNECTIONS connections, loopback; app published in Release, logs at Warning"
  echo "- Method: both apps run side by side on fresh databases; each is warmed up (${WARMUP}s of creates and of updates) until its CPU settles, then $ROUNDS rounds measure each app for ${DURATION}s per write, in turns (off first in odd rounds, on first in even ones)"
  echo "- Commit: $(git rev-parse --short HEAD)"
  echo
  echo "Medians of the rounds (the on / off ratios are the medians of each round's ratio):"
  echo
  echo "| write | auditing off (req/s) | auditing on (req/s) | on / off | non-2xx off / on (all rounds) |"
  echo "|---|---|---|---|---|"
  echo "| create contact | $OFF_CREATE | $ON_CREATE | $(echo "$CREATE_RATIOS" | median) | ${CREATE_BAD[off]} / ${CREATE_BAD[on]} |"
  echo "| update contact | $OFF_UPDATE | $ON_UPDATE | $(echo "$UPDATE_RATIOS" | median) | ${UPDATE_BAD[off]} / ${UPDATE_BAD[on]} |"
  echo
  echo "Each round:"
  echo
  echo "| round | create off | create on | ratio | update off | update on | ratio |"
  echo "|---|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "History of one contact with $HISTORY_ENTRIES entries, first page (50)."
  echo
  echo "In the app's process ($CONNECTIONS parallel callers, the same connection pool; \`dataset time-history\`): history p50 / raw SQL p50 = **$INAPP_RATIO**, raw SQL / history per second = **$INAPP_RATE_RATIO** (after a 10 s warm-up of each)"
  echo
  echo "| what | per second | latency |"
  echo "|---|---|---|"
  echo "| opening the first page: the history use case (scope, record lookup, entries, user names, hidden fields) and its JSON | $INAPP_RPS | p50 ${INAPP_P50} ms |"
  echo "| raw SQL: the same entries and columns, one parameterised query | $INAPP_RAW_RPS | p50 ${INAPP_RAW_P50} ms |"
  echo
  echo "Over HTTP ($CONNECTIONS wrk connections):"
  echo
  echo "| what | per second | latency |"
  echo "|---|---|---|"
  echo "| GET /api/v1/contacts/{id}/history (HTTP, session and permission checks included) | $HISTORY_RPS | p50 $HISTORY_P50 |"
  echo "| GET /api/v1/contacts/{id}, the contact itself (the same HTTP, session and permission checks) | $RECORD_RPS | p50 $RECORD_P50 |"
  echo "| raw SQL from pgbench / sqlite3: the same index range scan | $RAW_RPS | average $RAW_MS |"
  echo
  echo "Sanity: history answered with $ENTRIES item(s) for pageSize=1."
} | tee "$RESULT"
echo "Written to $RESULT"
