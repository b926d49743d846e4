#!/bin/bash
# The console's circuits at scale (docs/BENCHMARKS.md, "Console circuits at scale (issue 21, targets 1 and 5)"). Per run:
# a fresh Release station on plain HTTP at 127.0.0.1:$PORT (Station:MaxTasks and MaxTasksPerUser 1024), $TASKS simulated
# units from bench/Ccdsvm.FleetLoad, each to run one long maintenance.hold reporting progress every $PROGRESS_MS ms with its
# send time in the stage text; a second admin, "watcher" (no task of its own, so its workspace opens empty), whom
# bench/Ccdsvm.ConsoleBench's `panes` mode signs in as in Debian's Chromium: idle circuits on /blank and /, then (the
# start file written, the tasks running) workspaces of live panes. Stops every process it started, even on failure.
# Build first, in Release: `dotnet publish -c Release Console.Blazor/Console.Blazor.csproj`, and `dotnet build -c Release`
# bench/Ccdsvm.FleetLoad and bench/Ccdsvm.ConsoleBench.
# PERF=1 records perf over the last fan-out's window (with PERFMAP=1: DOTNET_PerfMapEnabled and W^X off for the station, so that perf names the JIT frames). BENCH_DLL: another
# build of the bench. `dotnet Ccdsvm.ConsoleBench.dll stacks PID` prints every managed thread's stack of a stalled station.
# DUMPS=1: heap dumps of the station after the /blank and the / circuits ($WORK/run-N/blank.dmp, home.dmp; read them with
# `dotnet Ccdsvm.ConsoleBench.dll heapdiff blank.dmp home.dmp $IDLE`); IDLE_ONLY=1 stops each run after the idle circuits.
# usage: [RUNS=3] [TASKS=500] [PROGRESS_MS=100] [CIRCUITS=20,100] [PANES=25] [IDLE=100] [WINDOW=30] [PORT=5190] [WORK=/tmp/panes-bench] bench/panes-bench.sh
set -u
REPO=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-3}; TASKS=${TASKS:-500}; PROGRESS_MS=${PROGRESS_MS:-100}; CIRCUITS=${CIRCUITS:-20,100}; PANES=${PANES:-25}
IDLE=${IDLE:-100}; WINDOW=${WINDOW:-30}; PORT=${PORT:-5190}
W=${WORK:-/tmp/panes-bench}
PASS=panes-bench-pass-1
PUB=$REPO/Console.Blazor/bin/Release/net10.0/publish
rm -rf "$W"; mkdir -p "$W"
ulimit -n "$(ulimit -Hn)"
GROUPS_STARTED=()
stop_all() {
  for g in "${GROUPS_STARTED[@]}"; do kill -- "-$g" 2>/dev/null; done
  sleep 2
  for g in "${GROUPS_STARTED[@]}"; do kill -9 -- "-$g" 2>/dev/null; done
  GROUPS_STARTED=()
}
cleanup() { stop_all; rm -rf "$W/run-"*/data; }
trap cleanup EXIT
trap 'exit 130' INT TERM
load() { cut -d' ' -f1-3 /proc/loadavg; }
token() { # USER
  curl -s -X POST -H 'content-type: application/json' -d "{\"username\":\"$1\",\"password\":\"$PASS\"}" \
    "http://127.0.0.1:$PORT/api/v1/auth/token" | python3 -c 'import sys,json;print(json.load(sys.stdin)["token"])'
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r), load $(load), $(date -u +%FT%TZ)"
RC=0
for run in $(seq 1 "$RUNS"); do
  R=$W/run-$run; mkdir -p "$R"
  echo "run $run: start $(date -u +%T), load $(load)"
  Station__AllowInsecureHttp=true Station__DataDirectory="$R/data" ASPNETCORE_URLS="http://127.0.0.1:$PORT" Agent__Roots__0="$R" \
  Station__MaxTasks=1024 Station__MaxTasksPerUser=1024 \
  CCDSVM_ADMIN_PASSWORD=$PASS Logging__LogLevel__Default=Warning ASPNETCORE_CONTENTROOT="$PUB" DOTNET_PerfMapEnabled=${PERFMAP:-0} DOTNET_EnableWriteXorExecute=$([ -n "${PERFMAP:-}" ] && echo 0 || echo 1) \
    setsid dotnet "$PUB/Console.Blazor.dll" > "$R/station.log" 2>&1 &
  SPID=$!; GROUPS_STARTED+=($SPID)
  for i in $(seq 1 90); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 1; done
  TOKEN=$(token admin)
  [ -n "$TOKEN" ] || { echo "no admin token from the station"; RC=1; break; }
  curl -sf -o /dev/null -X POST -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
    -d "{\"username\":\"watcher\",\"password\":\"$PASS\",\"admin\":true}" "http://127.0.0.1:$PORT/api/v1/users" || { echo "creating watcher failed"; RC=1; break; }
  setsid dotnet "$REPO/bench/Ccdsvm.FleetLoad/bin/Release/net10.0/Ccdsvm.FleetLoad.dll" --station "http://127.0.0.1:$PORT" --token "$TOKEN" \
    --agents "$TASKS" --duration 3000 --tasks-per-second 100 --max-tasks "$TASKS" --hold-seconds 3000 --idle-seconds 0 --prefix pb \
    --holds-only --progress-ms "$PROGRESS_MS" --stamp-stage --start-file "$R/start" > "$R/gen.out" 2> "$R/gen.err" &
  GROUPS_STARTED+=($!)
  for i in $(seq 1 300); do grep -q "waiting for" "$R/gen.out" 2>/dev/null && break; sleep 1; done
  grep "fleetload: connected" "$R/gen.out" || { echo "the units did not connect"; tail -5 "$R/gen.err"; RC=1; break; }
  echo "run $run: $TASKS units online $(date -u +%T), load $(load), station RSS $(($(awk '/VmRSS/{print $2}' /proc/$SPID/status) / 1024)) MiB"
  sleep 10   # the station settles after the connections
  setsid dotnet "${BENCH_DLL:-$REPO/bench/Ccdsvm.ConsoleBench/bin/Release/net10.0/Ccdsvm.ConsoleBench.dll}" panes --station "http://127.0.0.1:$PORT" \
    --user watcher --password $PASS --admin-token "$TOKEN" --station-pid "$SPID" --start-file "$R/start" --tasks "$TASKS" \
    --idle "$IDLE" --circuits "$CIRCUITS" --panes "$PANES" --window "$WINDOW" ${DUMPS:+--dumps "$R"} ${IDLE_ONLY:+--idle-only} > "$R/bench.out" 2> "$R/bench.err" &
  BENCH=$!; GROUPS_STARTED+=($BENCH)
  if [ -n "${PERF:-}" ]; then
    # The profile: perf over the last fan-out's measuring window (PERFMAP=1 too, so that the JIT's frames have names).
    ( last=${CIRCUITS##*,}
      until grep -q "fan-out $last: .*measuring" "$R/bench.err" 2>/dev/null; do kill -0 $BENCH 2>/dev/null || exit 0; sleep 1; done
      perf record -F 99 -g -p "$SPID" -o "$R/perf.data" -- sleep $((WINDOW - 5)) > "$R/perf.log" 2>&1
      perf report -i "$R/perf.data" --stdio --no-children --sort dso,symbol --percent-limit 0.7 2>/dev/null | grep -v "^$" | head -120 > "$R/perf-top.txt"
      perf report -i "$R/perf.data" --stdio --children --sort symbol --percent-limit 3 -g none 2>/dev/null | grep -v "^$" | head -80 > "$R/perf-children.txt" ) &
  fi
  wait $BENCH; BRC=$?
  echo "run $run: bench rc=$BRC end $(date -u +%T), load $(load), station RSS $(($(awk '/VmRSS/{print $2}' /proc/$SPID/status 2>/dev/null || echo 0) / 1024)) MiB"
  grep -c "error\|fail" "$R/station.log" | sed 's/^/station log lines with error or fail: /'
  tail -3 "$R/bench.err"
  tail -1 "$R/bench.out"
  [ $BRC -eq 0 ] || RC=$BRC
  stop_all
  rm -f "/tmp/perf-$SPID.map" "/tmp/perfinfo-$SPID.map"   # DOTNET_PerfMapEnabled's files (perf's report has read them)
  sleep 5
done
exit $RC
