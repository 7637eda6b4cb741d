#!/usr/bin/env bash
# Is a rights request answered quickly at scale (issue 26: find + export for a person with 1,000
# related records at 1,000,000 contacts, under 2 s)?
#
# Generates the dataset (dataset generate: 1,000,000 contacts, 200,000 companies, 300,000 deals by
# default; SIZE="--companies 2000 --contacts 10000 --deals 3000" for a quick try) into a fresh SQLite
# file, or a fresh PostgreSQL database when CRM_BENCH_POSTGRES holds an admin connection string.
# Starts the published app and, through its API as the first administrator, gives one person
# (PERSON, an address no generated record has) 1,000 related records: a contact and a lead with the
# address, logged emails about the contact and others sent from the address, memos about the
# contact and others mentioning the address, and files attached to the contact; every one of them
# made by the module's own save, so each has its history entry as in real use.
# Then registers an access request for the address and times, ROUNDS (10) times each, the find
# (GET /api/v1/gdpr/{id}/find: what is shown before acting) and the export (GET …/export: the zip
# of JSON and CSV, read to its last byte), p50 / p95 / max, and their sum per round.
# Results go to bench/results/gdpr-<provider>-<date>.md with the machine and date.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${SIZE:-}
ROUNDS=${ROUNDS:-10}
PERSON=${PERSON:-rights.request.person@bench-gdpr.example}
# shellcheck source=fresh-app.sh
. bench/fresh-app.sh
# shellcheck source=common.sh
. bench/common.sh
BENCH_EMAIL=$CRM_ADMIN_EMAIL
BENCH_PASSWORD=$CRM_ADMIN_PASSWORD

echo "== Generating the dataset ($PROVIDER) ${SIZE:-with the default size}"
GEN_START=$(date +%s)
# shellcheck disable=SC2086
dotnet "$WORK/app/Crm.Web.dll" dataset generate $SIZE | tee "$WORK/generate.txt"
GEN_SECONDS=$(( $(date +%s) - GEN_START ))

BASE="http://127.0.0.1:$(bench_free_port)"
Security__SignInAttemptsPerMinutePerIp=1000 dotnet "$WORK/app/Crm.Web.dll" --urls "$BASE" > "$WORK/app.log" 2>&1 &
APP_PID=$!
trap 'kill $APP_PID 2>/dev/null; wait $APP_PID 2>/dev/null; cleanup' EXIT
for _ in $(seq 1 120); do curl -sf "$BASE/health/ready" >/dev/null && break; sleep 1; done
if [ "$PROVIDER" = Postgres ]; then password_only_administrators Postgres "$DB"; else password_only_administrators Sqlite "$WORK/crm.db"; fi
COOKIE=$(bench_sign_in "$BASE" "$WORK/cookies")
ME=$(curl -sf -H "Cookie: $COOKIE" "$BASE/api/v1/me" | grep -o '"id":"[^"]*"' | head -1 | sed 's/"id":"//;s/"//') || { echo "Could not sign in as $BENCH_EMAIL"; tail -20 "$WORK/app.log"; exit 1; }

echo "== Giving $PERSON 1,000 related records through the API"
SEED_START=$(date +%s)
/usr/bin/python3 - "${BASE##*:}" "$COOKIE" "$PERSON" "$ME" > "$WORK/seed.txt" <<'PY'
import http.client, json, sys, threading, uuid
port, cookie, person, me = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
local = threading.local()
failures = []
def call(method, path, body=None, headers=None):
    if not hasattr(local, "conn"): local.conn = http.client.HTTPConnection("127.0.0.1", port)
    h = {"Cookie": cookie}
    if isinstance(body, (dict, list)):
        body = json.dumps(body); h["Content-Type"] = "application/json"
    h.update(headers or {})
    local.conn.request(method, path, body, h)
    r = local.conn.getresponse(); data = r.read()
    if r.status not in (200, 201):
        failures.append(f"{method} {path} answered {r.status}: {data[:300]!r}")
        raise RuntimeError(failures[-1])
    return json.loads(data) if data else None
def in_parallel(jobs, clients=4):
    lock = threading.Lock(); jobs = list(jobs)
    def work():
        while True:
            with lock:
                if not jobs: return
                job = jobs.pop()
            try: job()
            except RuntimeError: return
    threads = [threading.Thread(target=work) for _ in range(clients)]
    for t in threads: t.start()
    for t in threads: t.join()
def upload(contact, n):
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="module"\r\n\r\ncontacts\r\n',
             f'--{boundary}\r\nContent-Disposition: form-data; name="id"\r\n\r\n{contact}\r\n',
             f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="letter-{n}.txt"\r\nContent-Type: text/plain\r\n\r\n'
             f'Letter {n} from {person}\r\n', f'--{boundary}--\r\n']
    call("POST", "/api/v1/files", "".join(parts).encode(), {"Content-Type": f"multipart/form-data; boundary={boundary}"})
users = call("GET", "/api/v1/users")
users = users["items"] if isinstance(users, dict) else users
reviewer = next(u["id"] for u in users if u["id"] != me)  # a memo is reviewed by someone other than its author
made = {"contacts": 0, "leads": 0, "emails": 0, "memos": 0, "files": 0}
contact = call("POST", "/api/v1/contacts", {"firstName": "Rights", "lastName": "Requester", "email": person})["id"]
call("POST", "/api/v1/leads", {"firstName": "Rights", "lastName": "Requester", "companyName": "Requester & Co", "email": person})
made["contacts"] = made["leads"] = 1
count = lambda kind: (lambda: made.__setitem__(kind, made[kind] + 1))
jobs = []
for n in range(300):
    jobs.append(lambda n=n: (call("POST", "/api/v1/emails", {"direction": "outgoing", "from": "sales@crm.test", "to": person, "subject": f"Quote {n}",
        "body": "About your quote.", "sentAt": "2026-11-01T10:00:00Z", "relatedModule": "contacts", "relatedId": contact}), count("emails")()))
for n in range(200):
    jobs.append(lambda n=n: (call("POST", "/api/v1/emails", {"direction": "incoming", "from": person, "to": "sales@crm.test", "subject": f"Question {n}",
        "body": "A question.", "sentAt": "2026-11-02T10:00:00Z"}), count("emails")()))
for n in range(300):
    jobs.append(lambda n=n: (call("POST", "/api/v1/memos", {"title": f"Call {n}", "body": "Called about the quote.", "recipientId": reviewer, "relatedModule": "contacts", "relatedId": contact}), count("memos")()))
for n in range(100):
    jobs.append(lambda n=n: (call("POST", "/api/v1/memos", {"title": f"Mention {n}", "body": f"{person} asked for a call back.", "recipientId": reviewer}), count("memos")()))
for n in range(98):
    jobs.append(lambda n=n: (upload(contact, n), count("files")()))
in_parallel(jobs)
if failures: raise SystemExit(failures[0])
print(" ".join(f"{k}={v}" for k, v in made.items()), f"total={sum(made.values())}")
PY
SEED_SECONDS=$(( $(date +%s) - SEED_START ))
cat "$WORK/seed.txt"

TODAY=$(date -u +%Y-%m-%d)
REQUEST=$(curl -sf -H "Cookie: $COOKIE" -H 'Content-Type: application/json' \
  -d "{\"kind\":\"access\",\"email\":\"$PERSON\",\"receivedOn\":\"$TODAY\"}" "$BASE/api/v1/gdpr" | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2)

echo "== Timing find and export of request $REQUEST, $ROUNDS rounds"
# One warm-up of each (the first request of a route compiles it), then the measured rounds.
curl -sf -o "$WORK/found.json" -H "Cookie: $COOKIE" "$BASE/api/v1/gdpr/$REQUEST/find"
curl -sf -o "$WORK/export.zip" -H "Cookie: $COOKIE" "$BASE/api/v1/gdpr/$REQUEST/export"
FOUND=$(/usr/bin/python3 -c 'import json,sys; f=json.load(open(sys.argv[1])); print(sum(g["count"] for g in f["groups"]), f["historyEntries"], " ".join(g["kind"] + "=" + str(g["count"]) for g in f["groups"] if g["count"]))' "$WORK/found.json")
ZIP_BYTES=$(stat -c %s "$WORK/export.zip")
ZIP_FILES=$(/usr/bin/python3 -c 'import zipfile,sys; print(len(zipfile.ZipFile(sys.argv[1]).namelist()))' "$WORK/export.zip")
: > "$WORK/times.txt"
for _ in $(seq 1 "$ROUNDS"); do
  FIND=$(curl -sf -o /dev/null -w '%{time_total}' -H "Cookie: $COOKIE" "$BASE/api/v1/gdpr/$REQUEST/find")
  EXPORT=$(curl -sf -o /dev/null -w '%{time_total}' -H "Cookie: $COOKIE" "$BASE/api/v1/gdpr/$REQUEST/export")
  echo "$FIND $EXPORT" >> "$WORK/times.txt"
done
STATS=$(/usr/bin/python3 - "$WORK/times.txt" <<'PY'
import sys
rows = [tuple(map(float, l.split())) for l in open(sys.argv[1]) if l.strip()]
def q(v, p):
    v = sorted(v); return v[min(len(v) - 1, int(round(p * (len(v) - 1))))]
for name, values in (("find", [r[0] for r in rows]), ("export", [r[1] for r in rows]), ("find + export", [r[0] + r[1] for r in rows])):
    print(f"| {name} | {q(values, .5):.3f} | {q(values, .95):.3f} | {max(values):.3f} |")
PY
)
echo "$STATS"

RESULT="bench/results/gdpr-$(echo "$PROVIDER" | tr 'A-Z' 'a-z')-$(date -u +%Y-%m-%d).md"
{
  echo "# A rights request at scale: find and export ($PROVIDER)"
  echo
  echo "- Date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/{print $2}') GiB; $(uname -sr); the database and the app share these cores"
  echo "- Commit: $(git rev-parse --short HEAD)"
  echo "- Dataset: $(tail -n 1 "$WORK/generate.txt") (generated in ${GEN_SECONDS} s)"
  echo "- The person: $(cat "$WORK/seed.txt"), made through the API by 4 clients in ${SEED_SECONDS} s"
  echo "- Found: $(echo "$FOUND" | cut -d' ' -f1) records and $(echo "$FOUND" | cut -d' ' -f2) history entries ($(echo "$FOUND" | cut -d' ' -f3-)); the export: ${ZIP_BYTES} bytes, ${ZIP_FILES} files in the zip"
  echo "- Target: find + export under 2 s"
  echo
  echo "Over HTTP with curl, as the first administrator, after one warm-up call of each; $ROUNDS rounds, seconds:"
  echo
  echo "| call | p50 | p95 | max |"
  echo "|---|---|---|---|"
  echo "$STATS"
} > "$RESULT"
echo "== Wrote $RESULT"
