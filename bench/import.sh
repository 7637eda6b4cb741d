#!/usr/bin/env bash
# How fast is an import, and how much memory does it take (issue 26: >= 10,000 rows/s committed on
# PostgreSQL, >= 5,000 on SQLite, <= 500 MB)?
#
# Into a fresh SQLite file, or a fresh PostgreSQL database when CRM_BENCH_POSTGRES holds an admin
# connection string, `dataset time-import` imports ROWS new contacts (default 100,000) from a CSV and
# then from an xlsx file, as the first administrator, through the import's own steps: the check
# (every row through the contact save, rolled back), the import (committed, audited) and the undo.
# Each format runs in a process of its own, so the peak memory is that format's.
# Results go to bench/results/import-<provider>-<date>.md with the machine and date.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-100000}
PROVIDER=Sqlite
[ -n "${CRM_BENCH_POSTGRES:-}" ] && PROVIDER=Postgres

WORK=$(mktemp -d /tmp/crm-bench.XXXXXX)
DB=""
pg_part() { printf '%s' "$CRM_BENCH_POSTGRES" | tr ';' '\n' | awk -F= -v k="$1" 'tolower($1)==tolower(k){print $2}'; }
psql_to() { PGPASSWORD="$(pg_part Password)" psql -h "$(pg_part Host)" -p "$(pg_part Port)" -U "$(pg_part Username)" -d "$1" -qAtX "${@:2}"; }
cleanup() { [ -n "$DB" ] && psql_to postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1; rm -rf "$WORK"; }
trap cleanup EXIT

dotnet publish src/Crm.Web -c Release -o "$WORK/app" -nologo -v quiet >/dev/null
if [ "$PROVIDER" = Postgres ]; then
  DB="crm_bench_$$"
  psql_to postgres -c "CREATE DATABASE $DB" >/dev/null
  CONNECTION="${CRM_BENCH_POSTGRES/Database=postgres/Database=$DB}"
else
  CONNECTION="Data Source=$WORK/crm.db"
fi
export Database__Provider=$PROVIDER ConnectionStrings__Crm="$CONNECTION" Logging__LogLevel__Default=Warning
export CRM_ADMIN_EMAIL=admin@bench.example CRM_ADMIN_PASSWORD='benchmark passphrase 2026'

# A small dataset first, so the database has an administrator and is migrated.
dotnet "$WORK/app/Crm.Web.dll" dataset generate --companies 100 --contacts 1000 --deals 100 > "$WORK/generate.txt"
for format in csv xlsx; do
  echo "== Importing $ROWS contacts from $format ($PROVIDER)"
  dotnet "$WORK/app/Crm.Web.dll" dataset time-import --rows "$ROWS" --format "$format" | tee "$WORK/$format.txt"
done

RESULT="bench/results/import-$(echo "$PROVIDER" | tr 'A-Z' 'a-z')-$(date -u +%Y-%m-%d).md"
{
  echo "# Import of contacts ($PROVIDER)"
  echo
  echo "- Date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/{print $2}') GiB; $(uname -sr); the database and the app share these cores"
  echo "- Commit: $(git rev-parse --short HEAD)"
  echo "- Rows: $ROWS new contacts per file (first name, last name, email, phone, job title), create mode, as the first administrator"
  echo "- Target (issue 26): committed >= 10,000 rows/s on PostgreSQL, >= 5,000 on SQLite; <= 500 MB"
  for format in csv xlsx; do
    echo
    echo "## $format"
    echo '```'
    cat "$WORK/$format.txt"
    echo '```'
  done
} > "$RESULT"
echo "Written to $RESULT"
