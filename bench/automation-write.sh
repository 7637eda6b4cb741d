#!/usr/bin/env bash
# What do enabled automation rules cost on writes? (issue 25: at least 0.9 of the throughput)
#
# Publishes the app and starts it twice side by side on fresh databases (SQLite by default;
# PostgreSQL when CRM_BENCH_POSTGRES holds an admin connection string): "none" with no rule,
# "twenty" with 20 enabled rules on contacts (10 on created, 10 on updated) whose conditions never
# match (last name equals a value no contact has), each with a notify action. Contact creates and
# updates through the API with wrk, ROUNDS rounds of DURATION seconds per app and write, in turns,
# after a warm-up; twenty / none per round, and the medians. The "twenty" app evaluates its rules
# meanwhile, in the same process, as it would in production (the automation worker reads the
# sealed trail and tests every rule's conditions on every change).
# Results go to bench/results/automation-write-<provider>-<date>.md.
# A tiny check run: DURATION=2 ROUNDS=1 WARMUP=2 bench/automation-write.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-5}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-8}
RULES=${RULES:-20}
PROVIDER=Sqlite
[ -n "${CRM_BENCH_POSTGRES:-}" ] && PROVIDER=Postgres
command -v wrk >/dev/null || { echo "wrk is required (apt-get install wrk)"; exit 1; }
WORK=$(mktemp -d /tmp/crm-bench-automation.XXXXXX)
cleanup() {
  bench_stop_apps
  [ "$PROVIDER" = Postgres ] && bench_drop_databases
  rm -rf "$WORK"
}
trap cleanup EXIT
dotnet publish src/Crm.Web -c Release -o "$WORK/app" -nologo -v quiet >/dev/null
bench_start_app "$WORK" none
bench_start_app "$WORK" twenty
bench_use_app twenty
FIRST_RULE=""
for n in $(seq 1 "$RULES"); do
  trigger=created; [ $((n % 2)) -eq 0 ] && trigger=updated
  answer=$(curl -sf -H "Cookie: $COOKIE" -H 'Content-Type: application/json' \
    -d "{\"name\":\"Rule $n\",\"module\":\"contacts\",\"trigger\":\"$trigger\",\"automationUserId\":\"$OWNER\",\"enabled\":true,
         \"conditions\":{\"match\":\"all\",\"groups\":[{\"match\":\"all\",\"conditions\":[{\"field\":\"lastName\",\"operator\":\"equals\",\"value\":\"Nobody-$n\"}]}]},
         \"actions\":[{\"kind\":\"notify\",\"recipients\":\"owner\",\"title\":\"Contact {{lastName}}\"}]}" \
    "$BASE/api/v1/automation/rules") || { echo "Could not create rule $n"; tail -20 "$WORK/app-twenty.log"; exit 1; }
  [ -z "$FIRST_RULE" ] && FIRST_RULE=$(printf '%s' "$answer" | grep -o '"id":"[^"]*"' | head -1 | sed 's/"id":"//;s/"//')
done
ENABLED=$(curl -s -H "Cookie: $COOKIE" "$BASE/api/v1/automation/rules" | grep -o '"enabled":true' | wc -l)
[ "$ENABLED" -eq "$RULES" ] || { echo "Expected $RULES enabled rules, found $ENABLED"; exit 1; }
bench_contact_lua "$WORK"
for label in none twenty; do bench_use_app "$label"; bench_warm_up "$WORK" "$label" "${PID_OF[$label]}"; done
# Before each measurement: "twenty"'s rules have evaluated every change so far (no unsealed entry,
# the automation cursor at the last seal), so none of that work runs beside the next measurement.
SETTLE_LOG="$WORK/settle.txt"; : > "$SETTLE_LOG"
bench_settle() {
  bench_wait_for_zero twenty "$SETTLE_LOG" 'SELECT (SELECT COUNT(*) FROM "AuditPending") + (SELECT COALESCE(MAX("Seq"), 0) FROM "AuditSeals") - (SELECT "AuditSealSeq" FROM "AutomationCursor" WHERE "Id" = 1)'
}
WRITE_COST=$(bench_write_rounds "$WORK" none twenty "$RULES rules" "rules / none")
# The rules really ran: the first rule's run log holds its evaluations of the creates, none matched.
sleep 3
bench_use_app twenty
RUN_PAGE=$(curl -s -H "Cookie: $COOKIE" "$BASE/api/v1/automation/rules/$FIRST_RULE/runs")
MISSES=$(printf '%s' "$RUN_PAGE" | { grep -o '"matched":false' || true; } | wc -l)
HITS=$(printf '%s' "$RUN_PAGE" | { grep -o '"matched":true' || true; } | wc -l)
RESULT="bench/results/automation-write-$(echo "$PROVIDER" | tr 'A-Z' 'a-z')-$(date -u +%Y-%m-%d).md"
{
  echo "# Automation: cost of $RULES enabled rules on writes ($PROVIDER)"
  echo
  echo "- Date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/{print $2}') GiB; $(uname -sr)"
  echo "- Apps published in Release, logs at Warning, side by side on fresh databases"
  echo "- Commit: $(git rev-parse --short HEAD)"
  echo
  echo "## $RULES rules on contacts (conditions never matching) vs none (target: at least 0.9)"
  echo
  echo "$WRITE_COST"
  echo
  echo "Before each measurement the rules had evaluated every change of the one before (so neither app's measurement ran beside the other's rule work); that took $(paste -sd' ' "$SETTLE_LOG") s in turn."
  echo
  echo "The rules ran on the changes: the first rule's latest run-log page holds $MISSES evaluations whose conditions did not hold and $HITS that did (expected: none)."
} > "$RESULT"
cat "$RESULT"
echo "Written to $RESULT"
