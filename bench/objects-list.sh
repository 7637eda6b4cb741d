#!/usr/bin/env bash
# Are lists, search and reads fast at a million records, and how close to raw SQL?
#
# Generates the dataset (dataset generate: 1,000,000 contacts, 200,000 companies, 300,000 deals, 100 users in 10
# departments by default; SIZE="--companies 2000 --contacts 10000" for a quick try) into a fresh
# SQLite file, or a fresh PostgreSQL database when CRM_BENCH_POSTGRES holds an admin connection
# string. Starts the published app on loopback, signs in as a department-scoped sales user, and
# measures with wrk, for each call:
#   - latency at 1 connection (p50 / p95): what one user waits for
#   - throughput at CONNECTIONS connections (requests/s, p50 / p95)
# the calls: contacts list page 1, list page 1,000 (keyset cursor), text search for a rare and for a
# common term, get by ID.
# Then the same queries as hand-written SQL run directly on the same database, one client
# (pgbench on PostgreSQL, Python's sqlite3 on SQLite), with their p50 / p95.
# Results go to bench/results/objects-list-<provider>-<date>.md with the machine and date.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-16}
SIZE=${SIZE:-}
PAGE=${PAGE:-1000}
SEARCH=${SEARCH:-schmidt}
# A term found in a large share of the rows (every address is at mail.example): the other side of
# the trade-off in src/Crm.Web/Records/TextSearch.cs.
COMMON=${COMMON:-mail}
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
EMAIL=bench000@bench.example
PASSWORD='benchmark passphrase 2026'

pg_part() { printf '%s' "$CRM_BENCH_POSTGRES" | tr ';' '\n' | awk -F= -v k="$1" 'tolower($1)==tolower(k){print $2}'; }
psql_to() { PGPASSWORD="$(pg_part Password)" psql -h "$(pg_part Host)" -p "$(pg_part Port)" -U "$(pg_part Username)" -d "$1" -qAtX "${@:2}"; }

if [ "$PROVIDER" = Postgres ]; then
  DB="crm_bench_$$"
  psql_to postgres -c "CREATE DATABASE $DB" >/dev/null
  CONNECTION="${CRM_BENCH_POSTGRES/Database=postgres/Database=$DB}"
  sql() { psql_to "$DB" -c "$1"; }
else
  CONNECTION="Data Source=$WORK/crm.db"
  sql() { /usr/bin/python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); [print("|".join("" if v is None else str(v) for v in r)) for r in c.execute(sys.argv[2])]' "$WORK/crm.db" "$1"; }
fi
export Database__Provider=$PROVIDER ConnectionStrings__Crm="$CONNECTION" Logging__LogLevel__Default=Warning

echo "== Generating the dataset ($PROVIDER) ${SIZE:-with the default size}"
GEN_START=$(date +%s)
# shellcheck disable=SC2086
dotnet "$WORK/app/Crm.Web.dll" dataset generate $SIZE | tee "$WORK/generate.txt"
GEN_SECONDS=$(( $(date +%s) - GEN_START ))

CRM_ADMIN_EMAIL=admin@bench.example CRM_ADMIN_PASSWORD="$PASSWORD" Security__SignInAttemptsPerMinutePerIp=1000 \
  dotnet "$WORK/app/Crm.Web.dll" --urls "$BASE" > "$WORK/app.log" 2>&1 &
APP_PID=$!
for _ in $(seq 1 120); do curl -sf "$BASE/health/ready" >/dev/null && break; sleep 1; done

JAR="$WORK/cookies"
FORM=$(curl -s -c "$JAR" "$BASE/account/sign-in")
TOKEN=$(printf '%s' "$FORM" | grep -o 'name="__RequestVerificationToken" type="hidden" value="[^"]*"' | sed 's/.*value="//;s/"$//')
curl -s -b "$JAR" -c "$JAR" -o /dev/null --data-urlencode "Input.Email=$EMAIL" --data-urlencode "Input.Password=$PASSWORD" \
  --data-urlencode "__RequestVerificationToken=$TOKEN" "$BASE/account/sign-in"
COOKIE="crm.auth=$(awk '$6=="crm.auth"{print $7}' "$JAR")"
curl -sf -H "Cookie: $COOKIE" "$BASE/api/v1/me" >/dev/null || { echo "Could not sign in as $EMAIL"; tail -20 "$WORK/app.log"; exit 1; }

# Walk to page $PAGE the way a client does: each page's nextCursor leads to the next.
echo "== Walking to page $PAGE of the contacts list"
CURSOR=""
REACHED=1
for page in $(seq 2 "$PAGE"); do
  NEXT=$(curl -s -H "Cookie: $COOKIE" "$BASE/api/v1/contacts?pageSize=50${CURSOR:+&cursor=$CURSOR}" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin).get("nextCursor") or "")')
  [ -z "$NEXT" ] && break
  CURSOR=$NEXT
  REACHED=$page
done
# The cursor's keys (last name, first name, id) for the raw-SQL twin of that page.
read -r C_ID C_LAST C_FIRST < <(/usr/bin/python3 - "$CURSOR" <<'PY'
import base64, json, sys
t = sys.argv[1]
parts = json.loads(base64.urlsafe_b64decode(t + "=" * (-len(t) % 4))) if t else ["", "", "", "0", "", ""]
print(parts[3], parts[4], parts[5])
PY
)
DEPT=$(sql "SELECT m.\"DepartmentId\" FROM \"UserDepartments\" m JOIN \"Users\" u ON u.\"Id\" = m.\"UserId\" WHERE u.\"Email\" = '$EMAIL' AND m.\"IsPrimary\"")
CONTACT_ID=$(sql "SELECT MAX(\"Id\") FROM \"Contacts\" WHERE \"DepartmentId\" = $DEPT")

LIST_COLUMNS='c."Id", c."FirstName", c."LastName", c."Email", c."Phone", c."Title", co."Id", co."Name", c."OwnerId", u."FullName" FROM "Contacts" c LEFT JOIN "Companies" co ON co."Id" = c."CompanyId" JOIN "Users" u ON u."Id" = c."OwnerId"'
Q_PAGE1="SELECT $LIST_COLUMNS WHERE c.\"DepartmentId\" = $DEPT ORDER BY c.\"LastName\", c.\"FirstName\", c.\"Id\" LIMIT 51"
Q_PAGEN="SELECT $LIST_COLUMNS WHERE c.\"DepartmentId\" = $DEPT AND c.\"LastName\" >= '$C_LAST' AND (c.\"LastName\" > '$C_LAST' OR (c.\"LastName\" = '$C_LAST' AND (c.\"FirstName\" > '$C_FIRST' OR (c.\"FirstName\" = '$C_FIRST' AND c.\"Id\" > $C_ID)))) ORDER BY c.\"LastName\", c.\"FirstName\", c.\"Id\" LIMIT 51"
Q_SEARCH="SELECT $LIST_COLUMNS WHERE c.\"DepartmentId\" = $DEPT AND (lower(c.\"FirstName\" || ' ' || c.\"LastName\") LIKE '%$SEARCH%' OR lower(c.\"Email\") LIKE '%$SEARCH%') ORDER BY c.\"LastName\", c.\"FirstName\", c.\"Id\" LIMIT 51"
Q_COMMON="SELECT $LIST_COLUMNS WHERE c.\"DepartmentId\" = $DEPT AND (lower(c.\"FirstName\" || ' ' || c.\"LastName\") LIKE '%$COMMON%' OR lower(c.\"Email\") LIKE '%$COMMON%') ORDER BY c.\"LastName\", c.\"FirstName\", c.\"Id\" LIMIT 51"
Q_GET="SELECT c.*, co.\"Name\", u.\"FullName\" FROM \"Contacts\" c LEFT JOIN \"Companies\" co ON co.\"Id\" = c.\"CompanyId\" JOIN \"Users\" u ON u.\"Id\" = c.\"OwnerId\" WHERE c.\"Id\" = $CONTACT_ID"

P_PAGE1="/api/v1/contacts?pageSize=50"
P_PAGEN="/api/v1/contacts?pageSize=50&cursor=$CURSOR"
P_SEARCH="/api/v1/contacts?pageSize=50&search=$SEARCH"
P_COMMON="/api/v1/contacts?pageSize=50&search=$COMMON"
P_GET="/api/v1/contacts/$CONTACT_ID"

wrk_run() { # connections path -> "rps p50 p95 non2xx"
  wrk -t"$([ "$1" = 1 ] && echo 1 || echo 2)" -c"$1" -d"${DURATION}s" --latency -H "Cookie: $COOKIE" -s bench/percentiles.lua "$BASE$2" > "$WORK/wrk.txt"
  printf '%s %s %s %s\n' "$(awk '/Requests\/sec/{print $2}' "$WORK/wrk.txt")" "$(awk '/^p50 /{print $2}' "$WORK/wrk.txt")" \
    "$(awk '/^p95 /{print $2}' "$WORK/wrk.txt")" "$(awk '/Non-2xx/{print $4}' "$WORK/wrk.txt")"
}

raw_run() { # sql -> "p50 p95" in ms, one client for DURATION seconds
  if [ "$PROVIDER" = Postgres ]; then
    printf '%s;\n' "$1" > "$WORK/q.sql"
    (cd "$WORK" && PGPASSWORD="$(pg_part Password)" pgbench -n -h "$(pg_part Host)" -p "$(pg_part Port)" -U "$(pg_part Username)" \
      -f q.sql -c 1 -T "$DURATION" -l --log-prefix=raw "$DB" >/dev/null 2>&1)
    cat "$WORK"/raw.* | /usr/bin/python3 -c 'import sys,statistics as s; v=sorted(int(l.split()[2])/1000 for l in sys.stdin); print("%.2fms %.2fms" % (v[len(v)//2], v[int(len(v)*0.95)]))'
    rm -f "$WORK"/raw.*
  else
    /usr/bin/python3 - "$WORK/crm.db" "$1" "$DURATION" <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1]); q = sys.argv[2]; end = time.perf_counter() + float(sys.argv[3]); v = []
while time.perf_counter() < end:
    t = time.perf_counter(); db.execute(q).fetchall(); v.append((time.perf_counter() - t) * 1000)
v.sort(); print("%.2fms %.2fms" % (v[len(v)//2], v[int(len(v)*0.95)]))
PY
  fi
}

RESULT="bench/results/objects-list-$(echo "$PROVIDER" | tr 'A-Z' 'a-z')-$(date -u +%Y-%m-%d).md"
{
  echo "# Lists, search and reads at scale ($PROVIDER)"
  echo
  echo "- Date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/{print $2}') GiB; $(uname -sr); the database, the app and the load tool share these cores"
  echo "- Commit: $(git rev-parse --short HEAD)"
  echo "- Dataset: $(tail -n 1 "$WORK/generate.txt") (generated in ${GEN_SECONDS} s)"
  echo "- Caller: $EMAIL, role with department scope (their department holds about a tenth of the records); page size 50; page $REACHED reached by following nextCursor"
  echo "- Load: wrk on loopback, ${DURATION}s per row; raw SQL: the same query hand-written, one client ($([ "$PROVIDER" = Postgres ] && echo pgbench || echo "Python sqlite3")), ${DURATION}s"
  echo
  echo "| call | path | 1 conn p50 | 1 conn p95 | $CONNECTIONS conn req/s | $CONNECTIONS conn p50 | $CONNECTIONS conn p95 | raw SQL p50 | raw SQL p95 | API p50 / raw p50 |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  for row in "list page 1|$P_PAGE1|$Q_PAGE1" "list page $REACHED|$P_PAGEN|$Q_PAGEN" "search '$SEARCH'|$P_SEARCH|$Q_SEARCH" "search '$COMMON' (common)|$P_COMMON|$Q_COMMON" "get by ID|$P_GET|$Q_GET"; do
    IFS='|' read -r name path query <<< "$row"
    read -r _ one50 one95 _ < <(wrk_run 1 "$path")
    read -r rps many50 many95 non2xx < <(wrk_run "$CONNECTIONS" "$path")
    read -r raw50 raw95 < <(raw_run "$query")
    ratio=$(/usr/bin/python3 -c 'import sys; a=float(sys.argv[1].rstrip("ms")); b=float(sys.argv[2].rstrip("ms")); print("%.1f×" % (a/b if b else 0))' "$one50" "$raw50")
    printf '| %s | `%s` | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$name" "${path:0:60}" "$one50" "$one95" "$rps" "$many50" "$many95" "$raw50" "$raw95" "$ratio"
    [ -n "$non2xx" ] && echo "  (non-2xx responses: $non2xx)"
  done
  echo
  echo "Server memory after the runs (RSS): $(( $(awk '/VmRSS/{print $2}' /proc/$APP_PID/status) / 1024 )) MiB"
} | tee "$RESULT"

if [ "$PROVIDER" = Postgres ]; then
  kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true; APP_PID=""
  psql_to postgres -c "DROP DATABASE $DB WITH (FORCE)" >/dev/null
fi
echo "Written to $RESULT"
