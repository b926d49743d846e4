#!/usr/bin/env bash
# data.move of a 1 GiB file unit A -> unit B over loopback (verification on), against cp and an rsync
# daemon transfer of the same file, in one run; samples the station's RSS while the move runs.
# Usage: bench/move-vs-rsync.sh            (CONFIG=Release by default; SIZE_MIB=1024)
# PRIME=1: before each contender, write and delete a file a little larger than the test file, so the page cache
# each one fills is made of pages the guest freed a moment ago rather than fresh ones (on a VM whose free
# memory goes back to the host, a fresh page costs a host fault; see docs/BENCHMARKS.md).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
CONFIG=${CONFIG:-Release}
SIZE_MIB=${SIZE_MIB:-1024}
command -v rsync >/dev/null || { apt-get update -qq && apt-get install -y -qq rsync >/dev/null; }
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  for p in Console.Blazor/Console.Blazor.csproj Unit.Agent/Unit.Agent.csproj; do dotnet build -c "$CONFIG" -v q -nologo "$p" >/dev/null; done
fi

WORK=$(mktemp -d /tmp/ccdsvm-bench-move.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

mkdir -p "$WORK"/{a,b,cp,rsync,station}
PASS='Bench-Password-1!'
PORT=$(free_port); URL=http://127.0.0.1:$PORT
BIN=$REPO/Console.Blazor/bin/$CONFIG/net10.0
(cd "$BIN" && ASPNETCORE_ENVIRONMENT=Development ASPNETCORE_URLS=$URL Station__DataDirectory=$WORK/station \
  CCDSVM_ADMIN_PASSWORD=$PASS Agent__Roots__0=$WORK/station-root Logging__LogLevel__Default=Warning \
  exec dotnet Console.Blazor.dll >"$WORK/station.log" 2>&1) &
STATION=$!; PIDS+=($STATION)
for _ in $(seq 300); do curl -fs "$URL/healthz" >/dev/null && break; sleep 0.1; done
STATION_PID=$(pgrep -P "$STATION" -f Console.Blazor.dll || echo "$STATION")
AGENT=$REPO/Unit.Agent/bin/$CONFIG/net10.0/Unit.Agent.dll
AGENT_PIDS=()
TOKEN=$(curl -fs -H 'Content-Type: application/json' -d "{\"username\":\"admin\",\"password\":\"$PASS\"}" "$URL/api/v1/auth/token" | json 'd["token"]')
AUTH=(-H "Authorization: Bearer $TOKEN")
# Each agent enrols once with its own one-time token, created as admin; its credential lands in its state directory.
for u in a b; do
  ENROL=$(curl -fs "${AUTH[@]}" -H 'Content-Type: application/json' -d "{\"note\":\"bench $u\"}" "$URL/api/v1/enrolments" | json 'd["token"]')
  dotnet "$AGENT" --station "$URL" --name $u --enrol "$ENROL" --state "$WORK/state-$u" --root "$WORK/$u" >"$WORK/agent-$u.log" 2>&1 & PIDS+=($!); AGENT_PIDS+=($!)
done
cpu_ticks() { local t=0; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' /proc/$p/stat))); done; echo $t; }
for u in a b; do for _ in $(seq 300); do [ "$(curl -fs "${AUTH[@]}" "$URL/api/v1/units/$u" | json 'd["status"]' 2>/dev/null)" = online ] && break; sleep 0.1; done; done

SRC=$WORK/a/big.bin
head -c $((SIZE_MIB * 1024 * 1024)) /dev/urandom >"$SRC"
cat "$SRC" >/dev/null   # every contender starts from a warm page cache

prime() { [ "${PRIME:-0}" = 1 ] || return 0; head -c $(((SIZE_MIB + 256) * 1024 * 1024)) /dev/zero >"$WORK/prime.bin"; rm -f "$WORK/prime.bin"; }

prime; t0=$(now); cp "$SRC" "$WORK/cp/big.bin"; sync "$WORK/cp/big.bin"; t1=$(now); CP=$(echo "$t1 - $t0" | bc)

RPORT=$(free_port)
printf 'use chroot = no\nuid = %s\ngid = %s\n[b]\n path = %s\n read only = false\n' "$(id -u)" "$(id -g)" "$WORK/rsync" >"$WORK/rsyncd.conf"
rsync --daemon --no-detach --config="$WORK/rsyncd.conf" --port="$RPORT" --address=127.0.0.1 & PIDS+=($!)
sleep 0.5
prime; t0=$(now); rsync -q "$SRC" "rsync://127.0.0.1:$RPORT/b/"; sync "$WORK/rsync/big.bin"; t1=$(now); RS=$(echo "$t1 - $t0" | bc)

# One data.move of $1 into $2 on unit b; sets MV (seconds from submit to succeeded, as the station recorded them), RESULT,
# and the agents' CPU seconds.
move() {
  local body="{\"kind\":\"data.move\",\"target\":\"b\",\"parameters\":{\"source\":{\"unit\":\"a\",\"path\":\"$1\"},\"destination\":{\"unit\":\"b\",\"path\":\"$2\"},\"verify\":true}}"
  local cpu0 t0 t1 id state
  prime
  cpu0=$(cpu_ticks "${AGENT_PIDS[@]}")
  t0=$(now)
  id=$(curl -fs "${AUTH[@]}" -H 'Content-Type: application/json' -d "$body" "$URL/api/v1/tasks" | json 'd["id"]')
  while :; do
    R=$(awk '/VmRSS/{print $2}' /proc/$STATION_PID/status); [ "$R" -gt "$PEAK" ] && PEAK=$R
    # grep, not python: the poll must not compete for the two cores with the move it measures.
    state=$(curl -fs "${AUTH[@]}" "$URL/api/v1/tasks/$id" | grep -o '"state":"[a-z]*"' | head -1 | cut -d'"' -f4)
    case $state in succeeded|failed|cancelled|interrupted) break;; esac
    sleep 0.25
  done
  t1=$(now)
  CPU=$(echo "($(cpu_ticks "${AGENT_PIDS[@]}") - $cpu0) / $(getconf CLK_TCK)" | bc -l)
  RESULT=$(curl -fs "${AUTH[@]}" "$URL/api/v1/tasks/$id")
  # The station's own record, submit to end, so the 0.25 s poll does not round the figure up; the poll's wall time as a fallback.
  MV=$(echo "$RESULT" | python3 -c 'import json,sys,datetime as t; d=json.load(sys.stdin); p=lambda s: t.datetime.fromisoformat(s.replace("Z","+00:00")); print((p(d["endedAt"])-p(d["createdAt"])).total_seconds())' 2>/dev/null || echo "$t1 - $t0" | bc)
  [ "$state" = succeeded ] || { echo "data.move ended $state: $RESULT"; exit 1; }
}

RSS_BEFORE=$(awk '/VmRSS/{print $2}' /proc/$STATION_PID/status)
PEAK=0
# Cold: the first move after the agents started (the JIT compiles the data path while it runs).
move "$SRC" "$WORK/b/cold.bin"; MV_COLD=$MV; CPU_COLD=$CPU; RATE_COLD=$(echo "$RESULT" | json 'd["result"]["mibPerSecond"]')
# Warm: the same move again, as on an agent that has moved data before.
move "$SRC" "$WORK/b/big.bin"
SHA_OK=$([ "$(sha256sum <"$SRC" | cut -d' ' -f1)" = "$(sha256sum <"$WORK/b/big.bin" | cut -d' ' -f1)" ] && echo yes || echo NO)

MIB=$SIZE_MIB
printf '\nmachine: %s cores, %s MiB memory, %s\n' "$(nproc)" "$(free -m | awk '/Mem:/{print $2}')" "$(uname -r)"
printf 'file: %s MiB random, warm page cache, loopback, CONFIG=%s, PRIME=%s\n\n' "$MIB" "$CONFIG" "${PRIME:-0}"
printf '| method | seconds | MiB/s | time vs cp |\n|---|---|---|---|\n'
for row in "cp + sync:$CP" "rsync daemon (loopback) + sync:$RS" "data.move, verify on, first move after agent start:$MV_COLD" "data.move, verify on, agents warm:$MV"; do
  name=${row%%:*}; s=${row##*:}
  printf '| %s | %.2f | %.0f | %.2f× |\n' "$name" "$s" "$(echo "$MIB / $s" | bc -l)" "$(echo "$s / $CP" | bc -l)"
done
printf '\ndata.move (warm) vs rsync: %.2f× the time; agent-measured rate %s MiB/s warm, %s MiB/s cold; route %s; sha256 equal: %s\n' \
  "$(echo "$MV / $RS" | bc -l)" "$(echo "$RESULT" | json 'd["result"]["mibPerSecond"]')" "$RATE_COLD" "$(echo "$RESULT" | json 'd["result"]["route"]')" "$SHA_OK"
printf 'agents CPU during the move (user+system, both agents): %.2f s warm, %.2f s cold\n' "$CPU" "$CPU_COLD"
printf 'station RSS: %s MiB before, peak %s MiB during the move (sampled every 0.25 s)\n' "$((RSS_BEFORE / 1024))" "$((PEAK / 1024))"
