#!/usr/bin/env bash
# Is a list filtered by a custom field close to one filtered by a built-in indexed column (issue 28:
# at most twice as slow at 1,000,000 contacts)?
#
# Generates the dataset (dataset generate: 1,000,000 contacts, 200,000 companies, 300,000 deals;
# SIZE="--companies 2000 --contacts 10000 --deals 1000" for a quick try) into a fresh SQLite file,
# or a fresh PostgreSQL database when CRM_BENCH_POSTGRES holds an admin connection string. Then
# `dataset time-custom-field-filter` adds a number field holding each contact's company ID and a
# select with 1 % "gold", fills them, and times the contact list's first page (the list use case the
# page and the API call, in this process) by companyId=X against cf.companyRef=X for ROUNDS companies
# (checking both answer the same contacts), and by cf.tier=gold.
# Results go to bench/results/custom-field-filter-<provider>-<date>.md with the machine and date.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${SIZE:-}
ROUNDS=${ROUNDS:-50}
# shellcheck source=fresh-app.sh
. bench/fresh-app.sh

echo "== Generating the dataset ($PROVIDER) ${SIZE:-with the default size}"
GEN_START=$(date +%s)
# shellcheck disable=SC2086
dotnet "$WORK/app/Crm.Web.dll" dataset generate $SIZE | tee "$WORK/generate.txt"
GEN_SECONDS=$(( $(date +%s) - GEN_START ))

echo "== Timing the custom-field filter"
dotnet "$WORK/app/Crm.Web.dll" dataset time-custom-field-filter --rounds "$ROUNDS" | tee "$WORK/timing.txt"

RESULT="bench/results/custom-field-filter-$(echo "$PROVIDER" | tr 'A-Z' 'a-z')-$(date -u +%Y-%m-%d).md"
{
  echo "# A list filtered by a custom field at scale ($PROVIDER)"
  echo
  echo "- Date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/{print $2}') GiB; $(uname -sr); the database and the app share these cores"
  echo "- Commit: $(git rev-parse --short HEAD)"
  echo "- Dataset: $(tail -n 1 "$WORK/generate.txt") (generated in ${GEN_SECONDS} s)"
  echo "- Caller: the first administrator (every contact visible), the contact list use case in this process, first page of 50 by name"
  echo "- Target: the custom filter at most 2x the built-in indexed companyId filter"
  echo
  echo '```'
  cat "$WORK/timing.txt"
  echo '```'
} > "$RESULT"
echo "== Wrote $RESULT"
