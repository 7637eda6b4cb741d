#!/usr/bin/env bash
# What do webhooks cost, and how fast do they go out? (issue 24)
#
# Publishes the app and starts it twice side by side on fresh databases (SQLite by default;
# PostgreSQL when CRM_BENCH_POSTGRES holds an admin connection string): "none" with no webhook
# endpoint, "three" with three endpoints subscribed to every contact created and updated, all
# pointing at one local receiver (a real HTTP server, Python's, on a loopback port; it logs the
# arrival time, webhook-id and the event's own timestamp of every delivery and answers 200).
#   1. Cost on writes: contact creates and updates through the API with wrk, ROUNDS rounds of
#      DURATION seconds per app and write, in turns, after a warm-up; three / none per round, and
#      the medians (target: at least 0.85). The "three" app sends its deliveries meanwhile, in the
#      same process, as it would in production.
#   2. Fan-out: EVENTS (10,000) contacts created on "three" by 8 parallel API clients as fast as it
#      takes them, each sent to the three endpoints: deliveries/s from the first change to the last
#      delivery, and the delay from each change's commit (the event's timestamp) to its arrival,
#      p50 / p95 / max (targets: at least 500 deliveries/s, p95 at most 2 s), plus events lost or
#      delivered twice. A burst faster than the sender builds a backlog, so its delay measures the
#      backlog, not the sender.
#   3. Delay at a steady rate: EVENTS contacts created at STEADY (200) per second, 600 deliveries/s,
#      above the 500/s target: the delay from commit to arrival when the receiver is healthy and the
#      sender can keep up (target: p95 at most 2 s).
# Results go to bench/results/webhooks-<provider>-<date>.md.
# A tiny check run: EVENTS=300 DURATION=2 ROUNDS=1 WARMUP=2 bench/webhooks.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
EVENTS=${EVENTS:-10000}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-5}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-8}
# Part 3's pace, creates per second: three deliveries each, so 200 asks for 600 deliveries/s, above the 500/s target.
STEADY=${STEADY:-200}
PROVIDER=Sqlite
[ -n "${CRM_BENCH_POSTGRES:-}" ] && PROVIDER=Postgres
command -v wrk >/dev/null || { echo "wrk is required (apt-get install wrk)"; exit 1; }

WORK=$(mktemp -d /tmp/crm-bench-webhooks.XXXXXX)
RECEIVER_PID=""
cleanup() {
  bench_stop_apps
  [ -n "$RECEIVER_PID" ] && kill "$RECEIVER_PID" 2>/dev/null
  [ "$PROVIDER" = Postgres ] && bench_drop_databases
  rm -rf "$WORK"
}
trap cleanup EXIT

dotnet publish src/Crm.Web -c Release -o "$WORK/app" -nologo -v quiet >/dev/null

# The receiver: one line per delivery, "arrival-epoch webhook-id event-timestamp", written as it comes.
RECEIVER_PORT=$(bench_free_port)
cat > "$WORK/receiver.py" <<'PY'
import sys, time, json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
log = open(sys.argv[2], "a", buffering=1)
class Hook(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        arrived = time.time()
        log.write(f"{arrived:.6f} {self.headers.get('webhook-id')} {json.loads(body)['timestamp']}\n")
        self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *args): pass
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Hook).serve_forever()
PY
/usr/bin/python3 "$WORK/receiver.py" "$RECEIVER_PORT" "$WORK/received.log" &
RECEIVER_PID=$!
: > "$WORK/received.log"

start() { bench_start_app "$WORK" "$1" Webhooks__AllowedHosts__0=127.0.0.1; } # label
use() { bench_use_app "$1"; }

start none
start three
use three
for n in 1 2 3; do
  curl -sf -o /dev/null -H "Cookie: $COOKIE" -H 'Content-Type: application/json' \
    -d "{\"name\":\"Receiver $n\",\"url\":\"http://127.0.0.1:$RECEIVER_PORT/hook/$n\",\"userId\":\"$OWNER\",\"modules\":[\"contacts\"],\"events\":[\"created\",\"updated\"]}" \
    "$BASE/api/v1/webhooks" || { echo "Could not create webhook endpoint $n"; tail -20 "$WORK/app-three.log"; exit 1; }
done

bench_contact_lua "$WORK"
for label in none three; do use "$label"; bench_warm_up "$WORK" "$label" "${PID_OF[$label]}"; done

# What "three" still has to do for the changes made so far: unsealed entries, entries not fanned
# out, pending deliveries (0 when all is delivered). Before each measurement: "three"'s deliveries of the previous round are done, so none of that
# work runs during the next measurement (its own or the other app's); the time it took is reported.
SETTLE_LOG="$WORK/settle.txt"; : > "$SETTLE_LOG"
BACKLOG_SQL='SELECT (SELECT COUNT(*) FROM "AuditPending") + (SELECT COALESCE(MAX("Seq"), 0) FROM "AuditSeals") - (SELECT "AuditSealSeq" FROM "WebhookCursor" WHERE "Id" = 1) + (SELECT COUNT(*) FROM "WebhookDeliveries" WHERE "Status" = 0)'
bench_settle() { bench_wait_for_zero three "$SETTLE_LOG" "$BACKLOG_SQL"; }

# 1. Cost on writes, in turns.
WRITE_COST=$(bench_write_rounds "$WORK" none three "three endpoints" "three / none")

# Let part 1's changes be sealed, fanned out and delivered (nothing waiting in the database: no
# unsealed entry, the fan-out's cursor at the last seal, no pending delivery) before part 2 measures
# anything, then stop the other app.
kill "${PID_OF[none]}" 2>/dev/null || true
bench_wait_for_zero three "$WORK/drain.txt" "$BACKLOG_SQL"
DRAIN_SECONDS=$(cat "$WORK/drain.txt"); DRAIN_LEFT=$(bench_query three "$BACKLOG_SQL")
sleep 2
# EVENTS creates on "three" by 8 parallel clients (at <per second> if given, else as fast as they
# go), then wait for every delivery and print "delivered distinct deliveries/s p50 p95 max creates/s
# refused": fan_out <prefix> [<per second>]
fan_out() {
  local start_line writes from to bad
  start_line=$(wc -l < "$WORK/received.log")
  writes=$(bench_parallel_creates "$EVENTS" "$1" "${2:-}")
  read -r from to bad <<< "$writes"
  for _ in $(seq 1 600); do [ $(( $(wc -l < "$WORK/received.log") - start_line )) -ge "$EXPECTED" ] && break; sleep 1; done
  sleep 3
  tail -n +"$((start_line + 1))" "$WORK/received.log" > "$WORK/fanout-$1.log"
  /usr/bin/python3 - "$WORK/fanout-$1.log" "$from" "$to" "$EVENTS" "$bad" <<'PY'
import sys, datetime
lines = [l.split() for l in open(sys.argv[1]) if l.strip()]
first_write, last_write, events = float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
def epoch(ts): return datetime.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc).timestamp()
arrivals = [float(l[0]) for l in lines]; delays = sorted(float(l[0]) - epoch(l[2]) for l in lines)
q = lambda p: delays[min(len(delays) - 1, int(p * len(delays)))] if delays else float("nan")
span = (max(arrivals) - first_write) if arrivals else float("nan")
print(len(lines), len({l[1] for l in lines}), f"{len(lines) / span:.0f}", f"{q(0.5):.3f}", f"{q(0.95):.3f}", f"{delays[-1] if delays else float('nan'):.3f}",
      f"{events / (last_write - first_write):.0f}", sys.argv[5])
PY
}

# 2. Fan-out as fast as the clients go: the throughput, and the delay of a backlog.
use three
EXPECTED=$((EVENTS * 3))
read -r DELIVERED UNIQUE RATE P50 P95 MAX WRITE_RATE WRITES_BAD < <(fan_out Out)
# 3. The same at a steady rate the sender can follow (STEADY creates/s, three deliveries each): the
# delay a healthy receiver sees when no backlog builds up.
read -r S_DELIVERED S_UNIQUE S_RATE S_P50 S_P95 S_MAX S_WRITE_RATE S_WRITES_BAD < <(fan_out Steady "$STEADY")

RESULT="bench/results/webhooks-$(echo "$PROVIDER" | tr 'A-Z' 'a-z')-$(date -u +%Y-%m-%d).md"
{
  echo "# Webhooks: cost on writes and fan-out ($PROVIDER)"
  echo
  echo "- Date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/{print $2}') GiB; $(uname -sr)"
  echo "- Apps published in Release, logs at Warning, side by side on fresh databases; the receiver is Python's ThreadingHTTPServer on the same machine"
  echo "- Commit: $(git rev-parse --short HEAD)"
  echo
  echo "## Cost on writes: three endpoints subscribed vs none (target: three / none at least 0.85)"
  echo
  echo "$WRITE_COST"
  echo
  echo "Before each measurement the deliveries of the one before were finished (so neither app's measurement ran beside the other's delivery work); that took $(paste -sd' ' "$SETTLE_LOG") s in turn. Part 1's backlog (unsealed entries, entries not fanned out, pending deliveries) drained in ${DRAIN_SECONDS} s after the last round; left: ${DRAIN_LEFT}."
  echo
  echo "## Fan-out: $EVENTS contacts created, three endpoints (targets: at least 500 deliveries/s, p95 delay at most 2 s)"
  echo
  echo "| measure | value |"
  echo "|---|---|"
  echo "| creates through the API (8 clients), per second | $WRITE_RATE (refused: $WRITES_BAD) |"
  echo "| deliveries received / expected | $DELIVERED / $EXPECTED |"
  echo "| distinct webhook-ids among them (a repeat would be a double delivery) | $UNIQUE |"
  echo "| deliveries per second, first change to last delivery | **$RATE** |"
  echo "| delay from commit (the event's timestamp) to arrival, p50 / p95 / max (s) | $P50 / **$P95** / $MAX |"
  echo
  echo "## Delay at a steady rate: $EVENTS contacts created at $STEADY per second, three endpoints ($((STEADY * 3)) deliveries/s; target: p95 delay at most 2 s)"
  echo
  echo "| measure | value |"
  echo "|---|---|"
  echo "| creates through the API (8 clients, paced), per second | $S_WRITE_RATE (refused: $S_WRITES_BAD) |"
  echo "| deliveries received / expected | $S_DELIVERED / $EXPECTED |"
  echo "| distinct webhook-ids among them | $S_UNIQUE |"
  echo "| deliveries per second, first change to last delivery | $S_RATE |"
  echo "| delay from commit (the event's timestamp) to arrival, p50 / p95 / max (s) | $S_P50 / **$S_P95** / $S_MAX |"
} | tee "$RESULT"
echo "Written to $RESULT"
