#!/usr/bin/env bash
# How fast is an import, and how much memory does it take (issue 26: >= 10,000 rows/s committed on
# PostgreSQL, >= 5,000 on SQLite, <= 500 MB)?
#
# Into a fresh SQLite file, or a fresh PostgreSQL database when CRM_BENCH_POSTGRES holds an admin
# connection string, `dataset time-import` imports ROWS new contacts (default 100,000) from a CSV and
# then from an xlsx file, as the first administrator, through the import's own steps: the check
# (every row through the contact save, rolled back), the import (committed, audited) and the undo.
# Each format runs in a process of its own, so the peak memory is that format's import's; the files
# are written beforehand by `dataset import-file`, in processes of their own, as a user's upload
# reaches the server from outside.
# Results go to bench/results/import-<provider>-<date>.md with the machine and date.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-100000}
# shellcheck source=fresh-app.sh
. bench/fresh-app.sh

# A small dataset first, so the database has an administrator and is migrated.
dotnet "$WORK/app/Crm.Web.dll" dataset generate --companies 100 --contacts 1000 --deals 100 > "$WORK/generate.txt"
for format in csv xlsx; do
  echo "== Importing $ROWS contacts from $format ($PROVIDER)"
  dotnet "$WORK/app/Crm.Web.dll" dataset import-file --rows "$ROWS" --format "$format" --out "$WORK/contacts.$format"
  dotnet "$WORK/app/Crm.Web.dll" dataset time-import --file "$WORK/contacts.$format" | tee "$WORK/$format.txt"
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
