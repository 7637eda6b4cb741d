#!/usr/bin/env bash
# How fast does a rule turn changes into work? (issue 25: 10,000 matching changes → 10,000 tasks)
#
# Publishes the app and starts it on a fresh database (SQLite by default; PostgreSQL when
# CRM_BENCH_POSTGRES holds an admin connection string) with one enabled rule: a contact created
# whose last name contains "Auto" → a task "Call {{lastName}}" for its owner, linked to the contact.
# EVENTS (10,000) such contacts are created through the API by 8 parallel clients as fast as it
# takes them; then it waits until the rule has made every task, and reads from the database, per
# task, the time from its contact's creation to its own: tasks/s from the first change to the last
# task, and the delay p50 / p95 / max. Also counted: contacts without their task, or with more than one.
# Results go to bench/results/automation-tasks-<provider>-<date>.md.
# A tiny check run: EVENTS=300 bench/automation-tasks.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
EVENTS=${EVENTS:-10000}
PROVIDER=Sqlite
[ -n "${CRM_BENCH_POSTGRES:-}" ] && PROVIDER=Postgres
WORK=$(mktemp -d /tmp/crm-bench-automation-tasks.XXXXXX)
cleanup() {
  bench_stop_apps
  [ "$PROVIDER" = Postgres ] && bench_drop_databases
  rm -rf "$WORK"
}
trap cleanup EXIT
dotnet publish src/Crm.Web -c Release -o "$WORK/app" -nologo -v quiet >/dev/null
# The guard that pauses a rule firing more than 1,000 times a minute (Automation:MaxRunsPerMinute)
# would stop this rule a few seconds in: that is what it is for, and what this run must not measure.
bench_start_app "$WORK" rule Automation__MaxRunsPerMinute=1000000
bench_use_app rule
curl -sf -o /dev/null -H "Cookie: $COOKIE" -H 'Content-Type: application/json' \
  -d "{\"name\":\"New contact → call task\",\"module\":\"contacts\",\"trigger\":\"created\",\"automationUserId\":\"$OWNER\",\"enabled\":true,
       \"conditions\":{\"match\":\"all\",\"groups\":[{\"match\":\"all\",\"conditions\":[{\"field\":\"lastName\",\"operator\":\"contains\",\"value\":\"Auto\"}]}]},
       \"actions\":[{\"kind\":\"create-task\",\"responsible\":\"owner\",\"title\":\"Call {{lastName}}\",\"dueInDays\":1}]}" \
  "$BASE/api/v1/automation/rules" || { echo "Could not create the rule"; tail -20 "$WORK/app-rule.log"; exit 1; }
read -r WRITES_FROM WRITES_TO WRITES_BAD <<< "$(bench_parallel_creates "$EVENTS" "Auto")"
TASKS="SELECT COUNT(*) FROM \"Tasks\" WHERE \"RelatedModule\" = 'contacts'"
for _ in $(seq 1 900); do
  [ "$(bench_query rule "$TASKS")" -ge "$EVENTS" ] && break
  if curl -s -H "Cookie: $COOKIE" "$BASE/api/v1/automation/rules" | grep -q '"enabled":false'; then
    echo "The rule stopped itself:"; curl -s -H "Cookie: $COOKIE" "$BASE/api/v1/automation/rules"; echo; exit 1
  fi
  sleep 1
done
sleep 2
if [ "$PROVIDER" = Postgres ]; then
  DELAYS="SELECT EXTRACT(EPOCH FROM (t.\"CreatedAt\" - c.\"CreatedAt\")), EXTRACT(EPOCH FROM t.\"CreatedAt\") FROM \"Tasks\" t JOIN \"Contacts\" c ON t.\"RelatedModule\" = 'contacts' AND t.\"RelatedId\" = c.\"Id\" WHERE c.\"LastName\" LIKE 'Auto %'"
else
  DELAYS="SELECT (julianday(t.\"CreatedAt\") - julianday(c.\"CreatedAt\")) * 86400.0, (julianday(t.\"CreatedAt\") - 2440587.5) * 86400.0 FROM \"Tasks\" t JOIN \"Contacts\" c ON t.\"RelatedModule\" = 'contacts' AND t.\"RelatedId\" = c.\"Id\" WHERE c.\"LastName\" LIKE 'Auto %'"
fi
bench_query rule "$DELAYS" > "$WORK/delays.txt"
MISSING=$(bench_query rule "SELECT COUNT(*) FROM \"Contacts\" c WHERE c.\"LastName\" LIKE 'Auto %' AND NOT EXISTS (SELECT 1 FROM \"Tasks\" t WHERE t.\"RelatedModule\" = 'contacts' AND t.\"RelatedId\" = c.\"Id\")")
DOUBLED=$(bench_query rule "SELECT COUNT(*) FROM (SELECT t.\"RelatedId\" FROM \"Tasks\" t WHERE t.\"RelatedModule\" = 'contacts' GROUP BY t.\"RelatedId\" HAVING COUNT(*) > 1) d")
read -r MADE RATE P50 P95 MAX WRITE_RATE < <(/usr/bin/python3 - "$WORK/delays.txt" "$WRITES_FROM" "$WRITES_TO" "$EVENTS" <<'PY'
import sys
rows = [l.strip().split("|") for l in open(sys.argv[1]) if l.strip()]
first_write, last_write, events = float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
delays = sorted(float(r[0]) for r in rows); made_at = [float(r[1]) for r in rows]
q = lambda p: delays[min(len(delays) - 1, int(p * len(delays)))] if delays else float("nan")
span = (max(made_at) - first_write) if made_at else float("nan")
print(len(rows), f"{len(rows) / span:.0f}", f"{q(0.5):.3f}", f"{q(0.95):.3f}", f"{delays[-1] if delays else float('nan'):.3f}", f"{events / (last_write - first_write):.0f}")
PY
)
RESULT="bench/results/automation-tasks-$(echo "$PROVIDER" | tr 'A-Z' 'a-z')-$(date -u +%Y-%m-%d).md"
{
  echo "# Automation: $EVENTS matching changes → $EVENTS tasks ($PROVIDER)"
  echo
  echo "- Date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/{print $2}') GiB; $(uname -sr)"
  echo "- App published in Release, logs at Warning, on a fresh database; one enabled rule (contact created with \"Auto\" in its last name → a task for its owner)"
  echo "- Commit: $(git rev-parse --short HEAD)"
  echo
  echo "| measure | value |"
  echo "|---|---|"
  echo "| contacts created through the API (8 clients), per second | $WRITE_RATE (refused: $WRITES_BAD) |"
  echo "| tasks made / expected | $MADE / $EVENTS |"
  echo "| contacts without their task / with more than one | $MISSING / $DOUBLED |"
  echo "| tasks per second, first change to last task | **$RATE** |"
  echo "| delay from the contact's creation to its task's, p50 / p95 / max (s) | $P50 / **$P95** / $MAX |"
} > "$RESULT"
cat "$RESULT"
echo "Written to $RESULT"
