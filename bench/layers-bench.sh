#!/bin/bash
# Layered stations (README "Layered stations", issue 19): figures for docs/BENCHMARKS.md, section "Layered stations".
#
#   bench/layers-bench.sh [all|dispatch|inventory]
#
# dispatch:  a top station, one mid station enrolled under it (unit mid-1 of kind station), UNITS simulated units
#            (bench/Ccdsvm.FleetLoad) connected to the mid; ROUNDS runs of PAIRS pairs of fs.checksum tasks for units
#            below the mid, one submitted at the top and one at the mid itself (the baseline), in turn which goes first;
#            latency from POST /api/v1/tasks to the task seen succeeded, p50/p99 and the ratio top/direct.
# inventory: a top station and MIDS mid stations with PER_MID simulated units each (all fleets started together);
#            per mid, the time from all its units online at the mid to the top listing all of them online below it;
#            the top's CPU and RSS; then DELTAS times one more unit at mid-1 is killed and the time until the mid and
#            the top show it offline is measured. Last, the top is killed and restarted on its data: the time until it
#            lists every unit below the mids again (each mid's whole-subtree snapshot after its reconnect).
# Knobs (environment): UNITS=1000 PAIRS=200 WARMUP=50 (pairs not counted, each round) ROUNDS=5 MIDS=4 PER_MID=1000 DELTAS=5 BASE_PORT=5400 NICE=10 OUT=/tmp/layers-bench
#            SKIP_BUILD=1 (use the Release builds already there). Every process started is stopped on exit (trap).
# Each measurement prints one JSON line (also kept in $OUT/*.json); the stations' logs stay in $OUT.
set -u
MODE=${1:-all}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
UNITS=${UNITS:-1000}; PAIRS=${PAIRS:-200}; WARMUP=${WARMUP:-50}; ROUNDS=${ROUNDS:-5}; MIDS=${MIDS:-4}; PER_MID=${PER_MID:-1000}; DELTAS=${DELTAS:-5}
BASE_PORT=${BASE_PORT:-5400}; NICE=${NICE:-10}; OUT=${OUT:-/tmp/layers-bench}
PASSWORD=layers-bench-pass-1
STATION_DLL=$ROOT/Console.Blazor/bin/Release/net10.0/Console.Blazor.dll
FLEET_DLL=$ROOT/bench/Ccdsvm.FleetLoad/bin/Release/net10.0/Ccdsvm.FleetLoad.dll
BENCH_DLL=$ROOT/bench/Ccdsvm.LayerBench/bin/Release/net10.0/Ccdsvm.LayerBench.dll
ulimit -n "$(ulimit -Hn)" 2>/dev/null  # 5,000 units a process need as many sockets

PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null
  done
  PIDS=()
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "layers-bench: $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg): $*" >&2; }
json() { python3 -c "import sys,json;print(json.load(sys.stdin)$1)"; }

if [ -z "${SKIP_BUILD:-}" ]; then
  log "building Release (station, FleetLoad, LayerBench)"
  for p in Console.Blazor/Console.Blazor.csproj bench/Ccdsvm.FleetLoad/Ccdsvm.FleetLoad.csproj bench/Ccdsvm.LayerBench/Ccdsvm.LayerBench.csproj; do
    (cd "$ROOT" && dotnet build -c Release -v q "$p" | grep -E " error |rror\(s\)" ) || exit 1
  done
fi

# start_station NAME PORT [VAR=VALUE ...]: a fresh Release station on plain HTTP; its pid in $OUT/NAME/pid, an admin token in $OUT/NAME/token.
start_station() {
  local name=$1 port=$2; shift 2
  rm -rf "${OUT:?}/$name"; mkdir -p "$OUT/$name/root"
  launch_station "$name" "$port" "$@"
}

# launch_station NAME PORT [VAR=VALUE ...]: start_station on the data already in $OUT/NAME (a restart).
launch_station() {
  local name=$1 port=$2; shift 2
  local d=$OUT/$name
  env "$@" Station__AllowInsecureHttp=true Station__DataDirectory="$d/data" ASPNETCORE_URLS=http://127.0.0.1:$port \
    Station__MaxTasks=1024 Station__MaxTasksPerUser=1024 Agent__Roots__0="$d/root" CCDSVM_ADMIN_PASSWORD=$PASSWORD \
    Logging__LogLevel__Default=Warning nice -n "$NICE" dotnet "$STATION_DLL" > "$d/station.log" 2>&1 &
  local pid=$!
  PIDS+=("$pid"); echo "$pid" > "$d/pid"
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/healthz" > /dev/null && break; sleep 1; done
  curl -sf "http://127.0.0.1:$port/healthz" > /dev/null || { log "$name did not start: $(tail -5 "$d/station.log")"; exit 1; }
  curl -s -X POST -H 'content-type: application/json' -d "{\"username\":\"admin\",\"password\":\"$PASSWORD\"}" \
    "http://127.0.0.1:$port/api/v1/auth/token" | json '["token"]' > "$d/token"
}

api() { # api STATION METHOD PATH [BODY]
  local d=$OUT/$1
  curl -s -X "$2" -H "Authorization: Bearer $(cat "$d/token")" -H 'content-type: application/json' ${4:+-d "$4"} "$(cat "$d/url")$3"
}

# start_mid K: mid-K on BASE_PORT+K, enrolled at the top as unit mid-K (label "top"), admin@top granted Administrator on /units.
start_mid() {
  local k=$1 name=mid-$1 port=$((BASE_PORT + $1))
  local token
  token=$(api top POST /api/v1/enrolments "{\"note\":\"$name\"}" | json '["token"]')
  mkdir -p "$OUT/$name"
  start_station "$name" "$port" Station__Upstream__Url="$(cat "$OUT/top/url")" Station__Upstream__Name="$name" \
    Station__Upstream__EnrolmentToken="$token" Station__Upstream__Label=top
  echo "http://127.0.0.1:$port" > "$OUT/$name/url"
  for _ in $(seq 1 120); do [ "$(api top GET "/api/v1/units/$name" | json '.get("status")' 2>/dev/null)" = online ] && break; sleep 1; done
  api "$name" PUT /api/v1/acl '{"path":"/units","subject":"admin@top","role":"Administrator"}' > "$OUT/$name/grant.json"
  log "$name up (pid $(cat "$OUT/$name/pid")), online at the top"
}

start_top() {
  mkdir -p "$OUT"
  start_station top "$BASE_PORT"
  echo "http://127.0.0.1:$BASE_PORT" > "$OUT/top/url"
  log "top up (pid $(cat "$OUT/top/pid"))"
}

# start_fleet MID PREFIX N: N simulated units at MID named PREFIX-00000…; they stay until killed (or $OUT/stop-PREFIX exists). Prints the pid.
start_fleet() {
  local mid=$1 prefix=$2 n=$3
  rm -f "$OUT/stop-$prefix"; mkdir -p "$OUT/tmp"
  TMPDIR=$OUT/tmp nice -n "$NICE" dotnet "$FLEET_DLL" --station "$(cat "$OUT/$mid/url")" --token "$(cat "$OUT/$mid/token")" --agents "$n" \
    --duration 1 --tasks-per-second 0 --idle-seconds 0 --prefix "$prefix" --until-file "$OUT/stop-$prefix" > "$OUT/fleet-$prefix.out" 2> "$OUT/fleet-$prefix.err" &
  PIDS+=("$!"); echo "$!"
}

wait_online() { # wait_online STATION SEARCH N [PARENT]
  for _ in $(seq 1 600); do
    [ "$(api "$1" GET "/api/v1/units?status=online&limit=1&search=$2${4:+&parent=$4}" | json '["total"]' 2>/dev/null)" -ge "$3" ] 2>/dev/null && return 0
    sleep 1
  done
  log "only $(api "$1" GET "/api/v1/units?status=online&limit=1&search=$2${4:+&parent=$4}") of $3 $2 online at $1"; return 1
}

machine() {
  log "machine: nproc $(nproc), $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/Mem:/{print $2}') GiB RAM"
}

run_dispatch() {
  start_top; start_mid 1
  start_fleet mid-1 lbd "$UNITS" > /dev/null
  wait_online mid-1 lbd- "$UNITS" || exit 1
  wait_online top lbd- "$UNITS" mid-1 || exit 1
  log "$UNITS units online at mid-1 and listed at the top"
  head -c 4096 /dev/urandom > "$OUT/probe.bin"
  local units
  units=$(python3 -c "n=$UNITS;print(','.join(f'lbd-{i:05d}' for i in range(0, n, max(1, n // 20))))")
  for r in $(seq 1 "$ROUNDS"); do
    dotnet "$BENCH_DLL" dispatch --top "$(cat "$OUT/top/url")" --top-token "$(cat "$OUT/top/token")" \
      --mid "$(cat "$OUT/mid-1/url")" --mid-token "$(cat "$OUT/mid-1/token")" --mid-name mid-1 \
      --units "$units" --path "$OUT/probe.bin" --pairs "$PAIRS" --warmup "$WARMUP" | tee -a "$OUT/dispatch.json"
    log "dispatch round $r done"
  done
  log "RSS MiB: top $(( $(awk '/VmRSS/{print $2}' /proc/"$(cat "$OUT/top/pid")"/status) / 1024 )), mid-1 $(( $(awk '/VmRSS/{print $2}' /proc/"$(cat "$OUT/mid-1/pid")"/status) / 1024 ))"
  cleanup
}

run_inventory() {
  start_top
  for k in $(seq 1 "$MIDS"); do start_mid "$k"; done
  local mids=()
  for k in $(seq 1 "$MIDS"); do mids+=(--mid "mid-$k,$(cat "$OUT/mid-$k/url"),$(cat "$OUT/mid-$k/token"),lbm$k"); done
  dotnet "$BENCH_DLL" inventory --top "$(cat "$OUT/top/url")" --top-token "$(cat "$OUT/top/token")" "${mids[@]}" \
    --expect "$PER_MID" --top-pid "$(cat "$OUT/top/pid")" --idle-seconds 30 > "$OUT/inventory.json" &
  local bench=$!
  PIDS+=("$bench")
  sleep 2
  log "starting $MIDS fleets of $PER_MID units"
  for k in $(seq 1 "$MIDS"); do start_fleet "mid-$k" "lbm$k" "$PER_MID" > /dev/null; done
  wait "$bench"
  cat "$OUT/inventory.json"
  local rss="RSS MiB:"
  for s in top $(seq -f 'mid-%g' 1 "$MIDS"); do rss="$rss $s $(( $(awk '/VmRSS/{print $2}' /proc/"$(cat "$OUT/$s/pid")"/status) / 1024 ))"; done
  log "$rss"
  # Snapshot: the top killed (SIGKILL) and restarted on its data; the mids reconnect and each sends its whole subtree.
  local top_pid t0 t1
  top_pid=$(cat "$OUT/top/pid"); t0=$(date +%s.%N)
  kill -9 "$top_pid"; wait "$top_pid" 2>/dev/null
  launch_station top "$BASE_PORT"
  t1=$(date +%s.%N)
  log "top killed and restarted: serving again after $(python3 -c "print(round($t1-$t0,2))") s (pid $(cat "$OUT/top/pid"))"
  dotnet "$BENCH_DLL" inventory --top "$(cat "$OUT/top/url")" --top-token "$(cat "$OUT/top/token")" "${mids[@]}" \
    --expect "$PER_MID" --top-pid "$(cat "$OUT/top/pid")" --idle-seconds 0 | tee "$OUT/snapshot.json"
  for r in $(seq 1 "$DELTAS"); do
    local pid
    pid=$(start_fleet mid-1 "lbx$r" 1)
    PIDS+=("$pid")
    dotnet "$BENCH_DLL" delta --top "$(cat "$OUT/top/url")" --top-token "$(cat "$OUT/top/token")" \
      --mid "$(cat "$OUT/mid-1/url")" --mid-token "$(cat "$OUT/mid-1/token")" --mid-name mid-1 \
      --unit "lbx$r-00000" --pid "$pid" | tee -a "$OUT/delta.json"
  done
  cleanup
}

machine
case $MODE in
  dispatch) run_dispatch ;;
  inventory) run_inventory ;;
  all) run_dispatch; run_inventory ;;
  *) echo "usage: $0 [all|dispatch|inventory]" >&2; exit 2 ;;
esac
log "done; figures in $OUT/*.json"
