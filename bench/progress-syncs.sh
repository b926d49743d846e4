#!/bin/bash
# The station's disk syncs and CPU while many tasks report live progress (docs/BENCHMARKS.md, "Console circuits at scale",
# "Progress ticks"). For each published station given (a directory holding Console.Blazor.dll), in turn: a fresh station on
# plain HTTP, $TASKS simulated units (bench/Ccdsvm.FleetLoad, --holds-only) each running one maintenance.hold that reports
# progress every $PROGRESS_MS ms; once they run, `strace -c -f` counts the station's fsync/fdatasync calls over $WINDOW s
# and /proc gives its CPU over the same window. Stops every process it started, even on failure.
# usage: [TASKS=500] [PROGRESS_MS=100] [WINDOW=20] [PORT=5191] [WORK=/tmp/progress-syncs] bench/progress-syncs.sh PUBLISH_DIR...
set -u
REPO=$(cd "$(dirname "$0")/.." && pwd)
TASKS=${TASKS:-500}; PROGRESS_MS=${PROGRESS_MS:-100}; WINDOW=${WINDOW:-20}; PORT=${PORT:-5191}
W=${WORK:-/tmp/progress-syncs}; PASS=progress-syncs-pass-1
rm -rf "$W"; mkdir -p "$W"
GROUPS_STARTED=()
stop_all() { for g in "${GROUPS_STARTED[@]}"; do kill -- "-$g" 2>/dev/null; done; sleep 2; for g in "${GROUPS_STARTED[@]}"; do kill -9 -- "-$g" 2>/dev/null; done; GROUPS_STARTED=(); }
trap 'stop_all; rm -rf "$W"' EXIT
trap 'exit 130' INT TERM
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
echo "machine: $(nproc) cores, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
for pub in "$@"; do
  R=$W/$(basename "$pub"); mkdir -p "$R"
  Station__AllowInsecureHttp=true Station__DataDirectory="$R/data" ASPNETCORE_URLS="http://127.0.0.1:$PORT" \
  Station__MaxTasks=1024 Station__MaxTasksPerUser=1024 CCDSVM_ADMIN_PASSWORD=$PASS Logging__LogLevel__Default=Warning ASPNETCORE_CONTENTROOT="$pub" \
    setsid dotnet "$pub/Console.Blazor.dll" > "$R/station.log" 2>&1 &
  SPID=$!; GROUPS_STARTED+=($SPID)
  for i in $(seq 1 90); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 1; done
  TOKEN=$(curl -s -X POST -H 'content-type: application/json' -d "{\"username\":\"admin\",\"password\":\"$PASS\"}" \
    "http://127.0.0.1:$PORT/api/v1/auth/token" | python3 -c 'import sys,json;print(json.load(sys.stdin)["token"])')
  setsid dotnet "$REPO/bench/Ccdsvm.FleetLoad/bin/Release/net10.0/Ccdsvm.FleetLoad.dll" --station "http://127.0.0.1:$PORT" --token "$TOKEN" \
    --agents "$TASKS" --duration 3000 --tasks-per-second 100 --max-tasks "$TASKS" --hold-seconds 3000 --idle-seconds 0 --prefix ps \
    --holds-only --progress-ms "$PROGRESS_MS" > "$R/gen.out" 2> "$R/gen.err" &
  GROUPS_STARTED+=($!)
  for i in $(seq 1 120); do
    n=$(curl -s -H "authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/tasks?state=running&limit=1000" | python3 -c 'import sys,json;d=json.load(sys.stdin);print(len(d["items"] if isinstance(d,dict) else d))' 2>/dev/null || echo 0)
    [ "$n" -ge "$TASKS" ] && break; sleep 1
  done
  sleep 5
  c0=$(cpu $SPID)
  timeout -s INT $WINDOW strace -c -f -e trace=fsync,fdatasync -p $SPID -o "$R/strace.txt" 2>/dev/null
  c1=$(cpu $SPID)
  syncs=$(awk '/fsync|fdatasync/{s+=$4} END{print s+0}' "$R/strace.txt")
  insync=$(awk '/fsync|fdatasync/{s+=$2} END{print s+0}' "$R/strace.txt")
  echo "$(basename "$pub"): $n tasks running; over $WINDOW s: $syncs fsync+fdatasync ($((syncs / WINDOW))/s, ${insync} s inside them), station CPU $(python3 -c "print(round(($c1-$c0)/100/$WINDOW,2))") cores (under strace), load $(cut -d' ' -f1-3 /proc/loadavg)"
  stop_all; sleep 3
done
