#!/bin/bash
# The console bench's rig (docs/BENCHMARKS.md, "Console at 10,000 units (Playwright)"). Starts two fresh Release stations
# on plain HTTP: 127.0.0.1:$PORT with $AGENTS simulated units from bench/Ccdsvm.FleetLoad (kept connected for the whole
# measurement) and 127.0.0.1:$PORT+1 with only itself (the baseline); tags three fleet units and the bare station
# "gpu rack-9"; runs bench/Ccdsvm.ConsoleBench against both; stops every process it started, even on failure.
# Build first (Release): Console.Blazor, bench/Ccdsvm.FleetLoad, bench/Ccdsvm.ConsoleBench.
# usage: [RUNS=20] [AGENTS=10000] [PORT=5090] [WORK=/tmp/console-bench] [SHOTS=DIR] bench/console-bench.sh
set -u
REPO=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-20}; AGENTS=${AGENTS:-10000}; PORT=${PORT:-5090}; BPORT=$((PORT + 1))
W=${WORK:-/tmp/console-bench}; SHOTS=${SHOTS:-$W/screenshots}
PASS=console-bench-pass-1; PREFIX=cb
rm -rf "$W"; mkdir -p "$W"
ulimit -n 65000
GROUPS_STARTED=()
cleanup() {
  for g in "${GROUPS_STARTED[@]}"; do kill -- "-$g" 2>/dev/null; done
  sleep 2
  for g in "${GROUPS_STARTED[@]}"; do kill -9 -- "-$g" 2>/dev/null; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM
load() { cut -d' ' -f1-3 /proc/loadavg; }

# Each process in a session of its own (setsid), so the cleanup ends it and all its children (Chromium, Playwright's driver).
start_station() { # NAME PORT
  mkdir -p "$W/$1"
  Station__AllowInsecureHttp=true Station__DataDirectory="$W/$1/data" ASPNETCORE_URLS="http://127.0.0.1:$2" Agent__Roots__0="$W/$1" \
  CCDSVM_ADMIN_PASSWORD=$PASS Logging__LogLevel__Default=Warning \
    setsid dotnet "$REPO/Console.Blazor/bin/Release/net10.0/Console.Blazor.dll" > "$W/$1/station.log" 2>&1 &
  GROUPS_STARTED+=($!); echo $! > "$W/$1/pid"
}
token() { # PORT
  curl -s -X POST -H 'content-type: application/json' -d "{\"username\":\"admin\",\"password\":\"$PASS\"}" \
    "http://127.0.0.1:$1/api/v1/auth/token" | python3 -c 'import sys,json;print(json.load(sys.stdin)["token"])'
}
online() { # PORT TOKEN
  curl -s -H "authorization: Bearer $2" "http://127.0.0.1:$1/api/v1/units?status=online&limit=1" | python3 -c 'import sys,json;print(json.load(sys.stdin)["total"])' 2>/dev/null || echo 0
}
tag() { # PORT TOKEN ID
  curl -sf -o /dev/null -X PUT -H "authorization: Bearer $2" -H 'content-type: application/json' -d '{"tags":["gpu","rack-9"]}' \
    "http://127.0.0.1:$1/api/v1/units/$3/tags" || { echo "tagging $3 failed"; exit 1; }
}

echo "machine: $(nproc) cores, load $(load), $(date -u +%FT%TZ)"
start_station fleet "$PORT"
start_station baseline "$BPORT"
for p in "$PORT" "$BPORT"; do
  for i in $(seq 1 90); do curl -sf "http://127.0.0.1:$p/healthz" >/dev/null && break; sleep 1; done
done
TOKEN=$(token "$PORT"); BTOKEN=$(token "$BPORT")
[ -n "$TOKEN" ] && [ -n "$BTOKEN" ] || { echo "no admin token from the stations"; exit 1; }

echo "generator: $AGENTS units, start $(date -u +%T), load $(load)"
setsid dotnet "$REPO/bench/Ccdsvm.FleetLoad/bin/Release/net10.0/Ccdsvm.FleetLoad.dll" --station "http://127.0.0.1:$PORT" --token "$TOKEN" \
  --agents "$AGENTS" --duration 900 --tasks-per-second 0 --idle-seconds 0 --prefix $PREFIX > "$W/gen.out" 2> "$W/gen.err" &
GEN=$!; GROUPS_STARTED+=($GEN)
WANT=$((AGENTS + 1)); N=0
for i in $(seq 1 300); do
  kill -0 $GEN 2>/dev/null || { echo "the generator exited early"; tail -5 "$W/gen.err" "$W/gen.out"; exit 1; }
  N=$(online "$PORT" "$TOKEN"); [ "$N" -ge "$WANT" ] && break; sleep 1
done
[ "$N" -ge "$WANT" ] || { echo "only $N of $WANT units online"; exit 1; }
echo "all $N online at $(date -u +%T), load $(load)"

IDS=$(curl -s -H "authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/units?search=$PREFIX-&limit=1000" \
  | python3 -c 'import sys,json;i=json.load(sys.stdin)["items"];print(i[11]["id"],i[512]["id"],i[987]["id"])')
for id in $IDS; do tag "$PORT" "$TOKEN" "$id"; done
tag "$BPORT" "$BTOKEN" station
sleep 5   # the tags and the last presence changes settle

echo "bench: $RUNS runs per viewport, start $(date -u +%T), load $(load)"
setsid dotnet "$REPO/bench/Ccdsvm.ConsoleBench/bin/Release/net10.0/Ccdsvm.ConsoleBench.dll" \
  --station "http://127.0.0.1:$PORT" --baseline-station "http://127.0.0.1:$BPORT" --user admin --password $PASS \
  --runs "$RUNS" --screenshots "$SHOTS" > "$W/bench.out" 2> "$W/bench.err" &
BENCH=$!; GROUPS_STARTED+=($BENCH)
wait $BENCH; RC=$?
echo "bench rc=$RC end $(date -u +%T), load $(load), fleet station RSS $(($(awk '/VmRSS/{print $2}' /proc/$(cat "$W/fleet/pid")/status) / 1024)) MiB, still online $(online "$PORT" "$TOKEN")"
tail -3 "$W/bench.err"
tail -1 "$W/bench.out"
exit $RC
