#!/usr/bin/env bash
# Is filtering a list by a custom field as fast as by a built-in indexed field, at a million records?
#
# Issue 28's target: list filtering on an indexed custom field at 1,000,000 contacts stays within 2x
# the same filter on a built-in indexed field. Generates the dataset (dataset generate: 1,000,000
# contacts, 200,000 companies by default; SIZE="--companies 2000 --contacts 10000" for a quick try)
# into a fresh SQLite file, or a fresh PostgreSQL database when CRM_BENCH_POSTGRES holds an admin
# connection string. An administrator adds two custom fields to contacts through the API, and every
# contact gets values written straight into the value table (as an import would leave them):
#   - "Company reference" (number) = the contact's company ID: the exact twin of the built-in,
#     indexed companyId filter, so the two filters select the same rows;
#   - "Segment" (select, 100 choices, about 1 % of the contacts each): a typical select filter.
# Then wrk measures, signed in as the administrator (every record in scope), page 1 of
# /api/v1/contacts filtered by companyId=X, by cf.companyRef=X, and by cf.segment=s42, at 1 and at
# CONNECTIONS connections. Results go to bench/results/custom-field-filter-<provider>-<date>.md.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-16}
SIZE=${SIZE:-}
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
EMAIL=admin@bench.example
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
  sql() { /usr/bin/python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); [print("|".join("" if v is None else str(v) for v in r)) for r in c.execute(sys.argv[2])]; c.commit()' "$WORK/crm.db" "$1"; }
fi
export Database__Provider=$PROVIDER ConnectionStrings__Crm="$CONNECTION" Logging__LogLevel__Default=Warning

echo "== Generating the dataset ($PROVIDER) ${SIZE:-with the default size}"
# shellcheck disable=SC2086
dotnet "$WORK/app/Crm.Web.dll" dataset generate $SIZE | tee "$WORK/generate.txt"

CRM_ADMIN_EMAIL=$EMAIL CRM_ADMIN_PASSWORD="$PASSWORD" Security__SignInAttemptsPerMinutePerIp=1000 \
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

echo "== Adding the custom fields and their values"
CHOICES=$(/usr/bin/python3 -c 'import json; print(json.dumps([{"value": "s%d" % i} for i in range(100)]))')
for body in '{"module":"contacts","key":"companyRef","label":"Company reference","type":"number"}' \
            "{\"module\":\"contacts\",\"key\":\"segment\",\"label\":\"Segment\",\"type\":\"select\",\"choices\":$CHOICES}"; do
  curl -sf -H "Cookie: $COOKIE" -H 'Content-Type: application/json' -d "$body" "$BASE/api/v1/custom-fields" >/dev/null \
    || { echo "Could not add a custom field: $body"; exit 1; }
done
REF=$(sql "SELECT \"Id\" FROM \"CustomFields\" WHERE \"Key\" = 'companyRef'")
SEGMENT=$(sql "SELECT \"Id\" FROM \"CustomFields\" WHERE \"Key\" = 'segment'")
FILL_START=$(date +%s)
sql "INSERT INTO \"CustomFieldValues\" (\"Module\", \"RecordId\", \"FieldId\", \"TextValue\", \"NumberValue\") SELECT 'contacts', \"Id\", $REF, CAST(\"CompanyId\" AS TEXT), \"CompanyId\" FROM \"Contacts\" WHERE \"CompanyId\" IS NOT NULL" >/dev/null
sql "INSERT INTO \"CustomFieldValues\" (\"Module\", \"RecordId\", \"FieldId\", \"TextValue\") SELECT 'contacts', \"Id\", $SEGMENT, 's' || CAST(\"Id\" % 100 AS TEXT) FROM \"Contacts\"" >/dev/null
if [ "$PROVIDER" = Postgres ]; then sql 'ANALYZE' >/dev/null; else sql 'ANALYZE' >/dev/null; fi
FILL_SECONDS=$(( $(date +%s) - FILL_START ))
VALUES=$(sql "SELECT COUNT(*) FROM \"CustomFieldValues\"")
# A company with several contacts, from the middle of the table.
COMPANY=$(sql "SELECT \"CompanyId\" FROM \"Contacts\" WHERE \"CompanyId\" IS NOT NULL GROUP BY \"CompanyId\" HAVING COUNT(*) >= 3 ORDER BY \"CompanyId\" LIMIT 1 OFFSET 1000")
MATCHES=$(sql "SELECT COUNT(*) FROM \"Contacts\" WHERE \"CompanyId\" = $COMPANY")
SEGMENT_MATCHES=$(sql "SELECT COUNT(*) FROM \"Contacts\" WHERE \"Id\" % 100 = 42")

P_BUILTIN="/api/v1/contacts?pageSize=50&companyId=$COMPANY"
P_CUSTOM="/api/v1/contacts?pageSize=50&cf.companyRef=$COMPANY"
P_SELECT="/api/v1/contacts?pageSize=50&cf.segment=s42"
# Both filters must answer the same rows, or the comparison says nothing.
ids() { curl -sf -H "Cookie: $COOKIE" "$BASE$1" | /usr/bin/python3 -c 'import json,sys; print(",".join(str(i["id"]) for i in json.load(sys.stdin)["items"]))'; }
[ "$(ids "$P_BUILTIN")" = "$(ids "$P_CUSTOM")" ] || { echo "companyId=$COMPANY and cf.companyRef=$COMPANY answered different rows"; exit 1; }

wrk_run() { # connections path -> "rps p50 p95 non2xx"
  wrk -t"$([ "$1" = 1 ] && echo 1 || echo 2)" -c"$1" -d"${DURATION}s" --latency -H "Cookie: $COOKIE" -s bench/percentiles.lua "$BASE$2" > "$WORK/wrk.txt"
  printf '%s %s %s %s\n' "$(awk '/Requests\/sec/{print $2}' "$WORK/wrk.txt")" "$(awk '/^p50 /{print $2}' "$WORK/wrk.txt")" \
    "$(awk '/^p95 /{print $2}' "$WORK/wrk.txt")" "$(awk '/Non-2xx/{print $4}' "$WORK/wrk.txt")"
}

RESULT="bench/results/custom-field-filter-$(echo "$PROVIDER" | tr 'A-Z' 'a-z')-$(date -u +%Y-%m-%d).md"
{
  echo "# Filtering a list by a custom field at scale ($PROVIDER)"
  echo
  echo "- Date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/{print $2}') GiB; $(uname -sr); the database, the app and the load tool share these cores"
  echo "- Commit: $(git rev-parse --short HEAD)"
  echo "- Dataset: $(tail -n 1 "$WORK/generate.txt"); $VALUES custom field values written in ${FILL_SECONDS} s (with ANALYZE)"
  echo "- Caller: $EMAIL (administrator: every contact in scope); page size 50; company $COMPANY has $MATCHES contacts; segment s42 has $SEGMENT_MATCHES"
  echo "- Load: wrk on loopback, ${DURATION}s per row"
  echo
  echo "| filter | path | 1 conn p50 | 1 conn p95 | $CONNECTIONS conn req/s | $CONNECTIONS conn p50 | $CONNECTIONS conn p95 |"
  echo "|---|---|---|---|---|---|---|"
  declare -A ONE
  for row in "built-in companyId|$P_BUILTIN" "custom number (same rows)|$P_CUSTOM" "custom select, 1 % of rows|$P_SELECT"; do
    IFS='|' read -r name path <<< "$row"
    read -r _ one50 one95 _ < <(wrk_run 1 "$path")
    read -r rps many50 many95 non2xx < <(wrk_run "$CONNECTIONS" "$path")
    ONE[$name]=$one50
    printf '| %s | `%s` | %s | %s | %s | %s | %s |\n' "$name" "$path" "$one50" "$one95" "$rps" "$many50" "$many95"
    [ -n "$non2xx" ] && echo "  (non-2xx responses: $non2xx)"
  done
  echo
  ratio=$(/usr/bin/python3 -c 'import sys; a=float(sys.argv[1].rstrip("ms")); b=float(sys.argv[2].rstrip("ms")); print("%.2f" % (a/b if b else 0))' "${ONE[custom number (same rows)]}" "${ONE[built-in companyId]}")
  echo "Custom field filter / built-in filter, 1 connection p50: **${ratio}×** (target: at most 2×)."
} | tee "$RESULT"

if [ "$PROVIDER" = Postgres ]; then
  kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true; APP_PID=""
  psql_to postgres -c "DROP DATABASE $DB WITH (FORCE)" >/dev/null
fi
echo "Written to $RESULT"
