# Shared by the benchmark scripts that sign in as the first administrator (sourced, not run).

# The shipped policy asks every administrator for a second factor (issue 27), and an administrator
# without one is sent to set it up before anything else. A benchmark signs in with a password only,
# so it turns that policy off in its own throw-away database, after the app has created it and before
# signing in. Never do this to a real CRM: there the policy is set on the two-factor screen.
# Usage: password_only_administrators Sqlite /path/to/crm.db | Postgres <database name> (CRM_BENCH_POSTGRES holds the server)
password_only_administrators() {
  local sql='UPDATE "TwoFactorPolicy" SET "RequiredForAdministrators" = false'
  if [ "$1" = Postgres ]; then
    bench_pg "$2" "$sql" >/dev/null
  else
    /usr/bin/python3 -c 'import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); db.execute(sys.argv[2]); db.commit()' "$2" "$sql"
  fi
}

BENCH_EMAIL=bench@crm.test
BENCH_PASSWORD='bench passphrase 2026'

# psql on the server of CRM_BENCH_POSTGRES (an Npgsql connection string): bench_pg <database> <sql>
bench_pg() {
  local part
  part() { printf '%s' "$CRM_BENCH_POSTGRES" | tr ';' '\n' | awk -F= -v k="$1" 'tolower($1)==tolower(k){print $2}'; }
  PGPASSWORD="$(part Password)" psql -h "$(part Host)" -p "$(part Port)" -U "$(part Username)" -d "$1" -qAtc "$2"
}

bench_free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# Starts the app published in <work>/app as <label>, on a loopback port and a fresh database of its
# own (a SQLite file in <work>, or a database on CRM_BENCH_POSTGRES's server when PROVIDER is
# Postgres), with the extra settings given as NAME=value, and signs in as BENCH_EMAIL. Sets, by
# label, BASE_OF, COOKIE_OF, OWNER_OF (the administrator's id), PID_OF, DB_OF (the PostgreSQL
# database's name or the SQLite file) and CONNECTION_OF; bench_stop_apps and bench_drop_databases
# clean up after every app started so.
# Usage: bench_start_app <work> <label> [NAME=value ...]
declare -A BASE_OF COOKIE_OF OWNER_OF PID_OF DB_OF CONNECTION_OF
BENCH_PIDS=()
BENCH_DBS=()
bench_start_app() {
  local work=$1 label=$2 base db connection
  shift 2
  base="http://127.0.0.1:$(bench_free_port)"
  if [ "$PROVIDER" = Postgres ]; then
    db="crm_bench_${label}_$$"; BENCH_DBS+=("$db")
    bench_pg postgres "CREATE DATABASE $db" >/dev/null
    connection="${CRM_BENCH_POSTGRES/Database=postgres/Database=$db}"
  else
    db="$work/crm-$label.db"; connection="Data Source=$db"
  fi
  env Database__Provider="$PROVIDER" ConnectionStrings__Crm="$connection" CRM_ADMIN_EMAIL="$BENCH_EMAIL" CRM_ADMIN_PASSWORD="$BENCH_PASSWORD" \
    Security__SignInAttemptsPerMinutePerIp=1000 Logging__LogLevel__Default=Warning "$@" \
    dotnet "$work/app/Crm.Web.dll" --urls "$base" > "$work/app-$label.log" 2>&1 &
  PID_OF[$label]=$!; BENCH_PIDS+=($!)
  for _ in $(seq 1 60); do curl -sf "$base/health/ready" >/dev/null && break; sleep 1; done
  password_only_administrators "$PROVIDER" "$db"
  BASE_OF[$label]=$base; DB_OF[$label]=$db; CONNECTION_OF[$label]=$connection
  COOKIE_OF[$label]=$(bench_sign_in "$base" "$work/cookies-$label")
  OWNER_OF[$label]=$(curl -s -H "Cookie: ${COOKIE_OF[$label]}" "$base/api/v1/me" | grep -o '"id":"[^"]*"' | head -1 | sed 's/"id":"//;s/"//')
}
bench_stop_apps() { for pid in "${BENCH_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done; BENCH_PIDS=(); }
bench_drop_databases() { for db in "${BENCH_DBS[@]}"; do bench_pg postgres "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null || true; done; }

# Makes <label> the app the next requests go to: BASE, COOKIE and OWNER.
bench_use_app() { BASE=${BASE_OF[$1]}; COOKIE=${COOKIE_OF[$1]}; OWNER=${OWNER_OF[$1]}; export BASE COOKIE OWNER; }

# Signs in at <base> as BENCH_EMAIL the way a browser does (cookie jar <jar>) and prints the session cookie.
bench_sign_in() {
  local form token
  form=$(curl -s -c "$2" "$1/account/sign-in")
  token=$(printf '%s' "$form" | grep -o 'name="__RequestVerificationToken" type="hidden" value="[^"]*"' | sed 's/.*value="//;s/"$//')
  curl -s -b "$2" -c "$2" -o /dev/null --data-urlencode "Input.Email=$BENCH_EMAIL" --data-urlencode "Input.Password=$BENCH_PASSWORD" \
    --data-urlencode "__RequestVerificationToken=$token" "$1/account/sign-in"
  printf 'crm.auth=%s\n' "$(awk '$6=="crm.auth"{print $7}' "$2")"
}

# Lua for wrk in <dir>: create.lua posts a contact (owner: $OWNER); update.lua edits the contacts of
# $IDS, each wrk thread ($THREADS of them) its own, quoting the version the previous answer gave.
bench_contact_lua() {
  cat > "$1/create.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"firstName":"Bench","lastName":"Person","email":"bench@example.com","ownerId":"' .. os.getenv("OWNER") .. '"}'
LUA
  cat > "$1/update.lua" <<'LUA'
local threads, counter = {}, 0
function setup(thread)
  counter = counter + 1
  thread:set("slot", counter)
  table.insert(threads, thread)
end
function init(args)
  ready, n = {}, 0
  local all, i = {}, 0
  for id in string.gmatch(os.getenv("IDS"), "%d+") do table.insert(all, id) end
  for k, id in ipairs(all) do
    if (k - 1) % tonumber(os.getenv("THREADS")) == slot - 1 then table.insert(ready, { id = id, version = 1 }) end
  end
end
function request()
  local c = table.remove(ready, 1)
  if c == nil then return wrk.format("GET", "/health/live") end
  n = n + 1
  return wrk.format("PATCH", "/api/v1/contacts/" .. c.id, { ["Content-Type"] = "application/json", ["Cookie"] = os.getenv("COOKIE") },
    '{"title":"T' .. n .. '","version":' .. c.version .. '}')
end
function response(status, headers, body)
  if status ~= 200 and status ~= 204 and not told then told = true; io.stderr:write("update answered " .. status .. ": " .. string.sub(body, 1, 300) .. "\n") end
  local id = string.match(body, '"id":(%d+)')
  local version = string.match(body, '"version":(%d+)')
  if id and version then table.insert(ready, { id = id, version = tonumber(version) }) end
end
LUA
}

# Contacts for update.lua, made afresh (4 per connection; every one starts at version 1): sets IDS and THREADS.
bench_fresh_contacts() {
  local ids=()
  for _ in $(seq 1 $((CONNECTIONS * 4))); do
    ids+=("$(curl -s -H "Cookie: $COOKIE" -H 'Content-Type: application/json' -d "{\"firstName\":\"Edit\",\"lastName\":\"Me\",\"ownerId\":\"$OWNER\"}" "$BASE/api/v1/contacts" | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2)")
  done
  IDS=$(IFS=,; echo "${ids[*]}"); THREADS=2; export IDS THREADS
}

# wrk against $BASE/api/v1/contacts with $COOKIE: bench_wrk <dir> <name> <lua> <seconds> prints "requests/s non-2xx".
bench_wrk() {
  wrk -t2 -c"$CONNECTIONS" -d"${4}s" -H "Cookie: $COOKIE" -s "$3" "$BASE/api/v1/contacts" > "$1/$2.txt" 2> "$1/$2.err"
  [ -s "$1/$2.err" ] && sed 's/^/  /' "$1/$2.err" >&2
  printf '%s %s\n' "$(awk '/Requests\/sec/{print $2}' "$1/$2.txt")" "$(awk '/Non-2xx/{print $5}' "$1/$2.txt" | grep . || echo 0)"
}

# A freshly started app spends its first seconds of load compiling (JIT, tiering), and goes on for
# seconds after the load stops. Warm up with the measured writes (WARMUP seconds each), then wait
# until the app's CPU settles below a fifth of a core: bench_warm_up <dir> <label> <pid>
bench_warm_up() {
  bench_wrk "$1" "warm-create-$2" "$1/create.lua" "$WARMUP" > /dev/null
  bench_fresh_contacts
  bench_wrk "$1" "warm-update-$2" "$1/update.lua" "$WARMUP" > /dev/null
  local before after
  for _ in $(seq 1 20); do
    before=$(awk '{print $14 + $15}' "/proc/$3/stat"); sleep 2; after=$(awk '{print $14 + $15}' "/proc/$3/stat")
    [ $((after - before)) -lt 40 ] && break
  done
}

bench_median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
bench_ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

# Creates <count> contacts through the API of the current app (BASE, COOKIE, OWNER) from 8 parallel
# clients, last names "<prefix> 1" … "<prefix> <count>", as fast as it takes them or, given <per
# second>, at that steady rate (the n-th create is not sent before start + n / rate), and prints
# "<first request epoch> <last answer epoch> <refused>": bench_parallel_creates <count> <prefix> [<per second>]
bench_parallel_creates() {
  /usr/bin/python3 - "${BASE##*:}" "$COOKIE" "$OWNER" "$1" "$2" "${3:-0}" <<'PY'
import http.client, json, sys, threading, time
port, cookie, owner, total, prefix, rate = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5], float(sys.argv[6])
lock = threading.Lock(); made = [0]; bad = [0]
def work():
    conn = http.client.HTTPConnection("127.0.0.1", port)
    while True:
        with lock:
            if made[0] >= total: return
            made[0] += 1; n = made[0]
        if rate > 0:
            time.sleep(max(0.0, started + (n - 1) / rate - time.time()))
        conn.request("POST", "/api/v1/contacts", json.dumps({"firstName": "Fan", "lastName": f"{prefix} {n}", "ownerId": owner}),
                     {"Cookie": cookie, "Content-Type": "application/json"})
        r = conn.getresponse(); r.read()
        if r.status != 201:
            with lock: bad[0] += 1
started = time.time()
threads = [threading.Thread(target=work) for _ in range(8)]
for t in threads: t.start()
for t in threads: t.join()
print(f"{started:.6f} {time.time():.6f} {bad[0]}")
PY
}

# Runs a query on the app's own database and prints the rows, one per line, columns separated by
# "|": SQLite through Python's sqlite3 (the file, read while the app writes it), PostgreSQL
# through psql. Usage: bench_query <label> <sql>
bench_query() {
  if [ "$PROVIDER" = Postgres ]; then
    bench_pg "${DB_OF[$1]}" "$2"
  else
    /usr/bin/python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for row in db.execute(sys.argv[2]): print("|".join(str(v) for v in row))' "${DB_OF[$1]}" "$2"
  fi
}

# The write cost of a feature: contact creates and updates with wrk on app <base> and app <other>
# (both started and warmed up), ROUNDS rounds of DURATION seconds per app and write, in turns (<base>
# first in odd rounds, <other> first in even ones, so a drifting machine favours neither). Prints
# the medians and every round as markdown tables, <other> named <name> and the ratio <ratio>. A
# script whose app does background work defines bench_settle, called before each measurement, to
# wait until that work is done: otherwise what one app left for later would run during the other
# app's measurement, on the same cores, and count against it.
# bench_write_rounds <dir> <base> <other> <name> <ratio>
bench_write_rounds() {
  local dir=$1 base=$2 other=$3 name=$4 ratio=$5 round order label rps cr ur
  local -A c u creates updates
  local rows=() create_ratios="" update_ratios=""
  for round in $(seq 1 "$ROUNDS"); do
    order="$base $other"; [ $((round % 2)) -eq 0 ] && order="$other $base"
    for label in $order; do bench_settled; bench_use_app "$label"; read -r rps _ < <(bench_wrk "$dir" "create-$label-$round" "$dir/create.lua" "$DURATION"); c[$label]=$rps; creates[$label]+="$rps "; done
    for label in $order; do bench_use_app "$label"; bench_fresh_contacts; bench_settled; read -r rps _ < <(bench_wrk "$dir" "update-$label-$round" "$dir/update.lua" "$DURATION"); u[$label]=$rps; updates[$label]+="$rps "; done
    cr=$(bench_ratio "${c[$other]}" "${c[$base]}"); ur=$(bench_ratio "${u[$other]}" "${u[$base]}")
    create_ratios+="$cr "; update_ratios+="$ur "
    rows+=("| $round | ${c[$base]} | ${c[$other]} | $cr | ${u[$base]} | ${u[$other]} | $ur |")
  done
  echo "wrk, 2 threads, $CONNECTIONS connections, ${DURATION}s per app and write, $ROUNDS rounds in turns after a warm-up. Medians:"
  echo
  echo "| write | $base (req/s) | $name (req/s) | $ratio |"
  echo "|---|---|---|---|"
  echo "| create contact | $(echo "${creates[$base]}" | bench_median) | $(echo "${creates[$other]}" | bench_median) | **$(echo "$create_ratios" | bench_median)** |"
  echo "| update contact | $(echo "${updates[$base]}" | bench_median) | $(echo "${updates[$other]}" | bench_median) | **$(echo "$update_ratios" | bench_median)** |"
  echo
  echo "| round | create $base | create $name | ratio | update $base | update $name | ratio |"
  echo "|---|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
}

# bench_settle, when the script defines one.
bench_settled() { if declare -F bench_settle > /dev/null; then bench_settle; fi; }

# For a script's bench_settle: waits (up to 450 s) until <sql>, run on app <label>'s database, answers
# 0, and appends the seconds it took to <log>: bench_wait_for_zero <label> <log> <sql>
bench_wait_for_zero() {
  local start; start=$(date +%s)
  for _ in $(seq 1 450); do [ "$(bench_query "$1" "$3")" = 0 ] && break; sleep 1; done
  echo "$(( $(date +%s) - start ))" >> "$2"
}
