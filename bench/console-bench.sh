#!/bin/bash
# The console bench's rig (docs/BENCHMARKS.md, "Console at 10,000 units (Playwright)"). Starts two fresh Release stations
# on plain HTTP: 127.0.0.1:$PORT with $AGENTS simulated units from bench/Ccdsvm.FleetLoad (kept connected for the whole
# measurement) and 127.0.0.1:$PORT+1 with 5 (the baseline); tags three fleet units and two baseline units
# "gpu rack-9"; runs bench/Ccdsvm.ConsoleBench against both; stops every process it started, even on failure.
# Build first, in Release: `dotnet publish -c Release Console.Blazor/Console.Blazor.csproj` (published: a station run from
# bin/ outside the Development environment serves no static web assets, so no Blazor script and no CSS), and
# `dotnet build -c Release` bench/Ccdsvm.FleetLoad and bench/Ccdsvm.ConsoleBench.
# usage: [RUNS=20] [AGENTS=10000] [PORT=5090] [WORK=/tmp/console-bench] [SHOTS=DIR] bench/console-bench.sh
set -u
REPO=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-20}; AGENTS=${AGENTS:-10000}; PORT=${PORT:-5090}; BPORT=$((PORT + 1))
W=${WORK:-/tmp/console-bench}; SHOTS=${SHOTS:-$W/screenshots}
PASS=console-bench-pass-1; PREFIX=cb
PUB=$REPO/Console.Blazor/bin/Release/net10.0/publish   # the content root: its wwwroot holds the scripts and CSS
rm -rf "$W"; mkdir -p "$W"
ulimit -n "$(ulimit -Hn)"
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
  CCDSVM_ADMIN_PASSWORD=$PASS Logging__LogLevel__Default=Warning ASPNETCORE_CONTENTROOT="$PUB" \
    setsid dotnet "$PUB/Console.Blazor.dll" > "$W/$1/station.log" 2>&1 &
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

# The fleet station gets $AGENTS units, the baseline 5: the same page and searches over a handful of units.
gen() { # PORT TOKEN AGENTS PREFIX
  setsid dotnet "$REPO/bench/Ccdsvm.FleetLoad/bin/Release/net10.0/Ccdsvm.FleetLoad.dll" --station "http://127.0.0.1:$1" --token "$2" \
    --agents "$3" --duration 900 --tasks-per-second 0 --idle-seconds 0 --prefix "$4" > "$W/gen-$4.out" 2> "$W/gen-$4.err" &
  GROUPS_STARTED+=($!)
}
wait_online() { # PORT TOKEN COUNT PREFIX
  local n=0
  for i in $(seq 1 300); do
    n=$(online "$1" "$2"); [ "$n" -ge "$3" ] && return 0; sleep 1
  done
  echo "only $n of $3 units online on :$1"; tail -5 "$W/gen-$4.err" "$W/gen-$4.out"; exit 1
}
tag_some() { # PORT TOKEN PREFIX INDEXES...: tags the units at these positions of the first page (per mille of its length)
  local port=$1 token=$2 prefix=$3; shift 3
  local ids
  ids=$(curl -s -H "authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/units?search=$prefix-&limit=1000" \
    | python3 -c 'import sys,json;i=json.load(sys.stdin)["items"];print(*sorted({i[int(k) * len(i) // 1000]["id"] for k in sys.argv[1:]}))' "$@")
  [ -n "$ids" ] || { echo "no units to tag on :$port"; exit 1; }
  for id in $ids; do tag "$port" "$token" "$id"; done
}

echo "generators: $AGENTS + 5 units, start $(date -u +%T), load $(load)"
gen "$PORT" "$TOKEN" "$AGENTS" $PREFIX
gen "$BPORT" "$BTOKEN" 5 bl
wait_online "$PORT" "$TOKEN" $((AGENTS + 1)) $PREFIX
wait_online "$BPORT" "$BTOKEN" 6 bl
echo "all online at $(date -u +%T), load $(load)"
tag_some "$PORT" "$TOKEN" $PREFIX 11 512 987
tag_some "$BPORT" "$BTOKEN" bl 200 600
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
