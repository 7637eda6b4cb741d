#!/usr/bin/env bash
# Does a rule timed on a date stay cheap at scale (issue 25: finding due occurrences is an indexed
# query, not a scan; <= 50 ms per pass at 300,000 deals on PostgreSQL)?
#
# Generates the dataset (dataset generate: 1,000,000 contacts, 200,000 companies, 300,000 deals whose
# expected close dates spread over the year around today; SIZE="--companies 2000 --contacts 10000
# --deals 30000" for a quick try) into a fresh SQLite file, or a fresh PostgreSQL database when
# CRM_BENCH_POSTGRES holds an admin connection string. Then `dataset time-date-rules` saves the
# shipped "deal closing in 7 days" rule, enabled, prints the database's plan of the due query, times
# the first pass of the automation-dates job (which evaluates and logs what is due today) and ROUNDS
# passes with nothing left to fire (every later pass of the day).
# Results go to bench/results/date-rules-<provider>-<date>.md with the machine and date.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${SIZE:-}
ROUNDS=${ROUNDS:-200}
# shellcheck source=fresh-app.sh
. bench/fresh-app.sh

echo "== Generating the dataset ($PROVIDER) ${SIZE:-with the default size}"
GEN_START=$(date +%s)
# shellcheck disable=SC2086
dotnet "$WORK/app/Crm.Web.dll" dataset generate $SIZE | tee "$WORK/generate.txt"
GEN_SECONDS=$(( $(date +%s) - GEN_START ))

echo "== Timing the date rule"
dotnet "$WORK/app/Crm.Web.dll" dataset time-date-rules --rounds "$ROUNDS" | tee "$WORK/timing.txt"

RESULT="bench/results/date-rules-$(echo "$PROVIDER" | tr 'A-Z' 'a-z')-$(date -u +%Y-%m-%d).md"
{
  echo "# A rule timed on a date at scale ($PROVIDER)"
  echo
  echo "- Date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/{print $2}') GiB; $(uname -sr); the database and the app share these cores"
  echo "- Commit: $(git rev-parse --short HEAD)"
  echo "- Dataset: $(tail -n 1 "$WORK/generate.txt") (generated in ${GEN_SECONDS} s)"
  echo "- Rule: the shipped template \"Deal closing in 7 days\" (deals, expectedClose - 7 days, stage not won or lost, a task for the owner), enabled, acting as the first administrator"
  echo "- Target: finding what is due is an indexed range read; a pass with nothing to fire <= 50 ms on PostgreSQL"
  echo
  echo '```'
  cat "$WORK/timing.txt"
  echo '```'
} > "$RESULT"
echo "== Wrote $RESULT"
