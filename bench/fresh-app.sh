# Sourced by the benchmarks that run the published app on a database of their own (date-rules.sh,
# import.sh): publishes the app to $WORK/app, makes a fresh SQLite file, or a fresh PostgreSQL
# database when CRM_BENCH_POSTGRES holds an admin connection string (dropped on exit), and exports
# the settings the app reads. Sets PROVIDER, WORK and CONNECTION.
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
