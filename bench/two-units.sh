#!/usr/bin/env bash
# Sourced by the data-move benchmarks (move-vs-rsync.sh, tree-vs-rsync.sh, parallel-moves.sh): builds (CONFIG, SKIP_BUILD;
# the agent published ReadyToRun into AGENT_DIR), starts a real station and one real agent per name in UNITS (default
# "a b"; AGENT_PID[u] is each one's process; AGENT_ENV: extra VAR=value words in the agents' environment only), with
# roots $WORK/<unit>, an rsync daemon (RSYNCD) whose module b writes to $WORK/rsync and whose module to-<unit> writes to
# $WORK/rsync-<unit> for each unit, and defines move SRC DST (one data.move a -> b, verify on; sets MV, CPU, RESULT) and
# prime (PRIME=1). Everything started is killed and $WORK removed on exit.
REPO=$PWD
CONFIG=${CONFIG:-Release}
command -v rsync >/dev/null || { apt-get update -qq && apt-get install -y -qq rsync >/dev/null; }
# The agents run as published for linux-x64, ReadyToRun as in the packages (Unit.Agent.csproj), from AGENT_DIR; an
# AGENT_DIR given from outside (an older build kept for an A/B, say) is used as it is, neither built nor published.
DEFAULT_AGENT_DIR=$REPO/Unit.Agent/bin/$CONFIG/net10.0/linux-x64/publish
AGENT_DIR=${AGENT_DIR:-$DEFAULT_AGENT_DIR}
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  dotnet build -c "$CONFIG" -v q -nologo Console.Blazor/Console.Blazor.csproj >/dev/null
  if [ "$AGENT_DIR" = "$DEFAULT_AGENT_DIR" ]; then
    dotnet publish -c "$CONFIG" -r linux-x64 --self-contained false -v q -nologo Unit.Agent/Unit.Agent.csproj -o "$AGENT_DIR" >/dev/null
  fi
fi
[ -f "$AGENT_DIR/Unit.Agent.dll" ] || { echo "no agent in $AGENT_DIR (run without SKIP_BUILD=1 to publish it)"; exit 1; }

WORK=$(mktemp -d /tmp/ccdsvm-bench-move.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

UNITS=${UNITS:-a b}
mkdir -p "$WORK"/{cp,rsync,station}
for u in $UNITS; do mkdir -p "$WORK/$u" "$WORK/rsync-$u"; done
PASS='Bench-Password-1!'
PORT=$(free_port); URL=https://127.0.0.1:$PORT
BIN=$REPO/Console.Blazor/bin/$CONFIG/net10.0
(cd "$BIN" && ASPNETCORE_ENVIRONMENT=Development ASPNETCORE_URLS=$URL Station__DataDirectory=$WORK/station \
  CCDSVM_ADMIN_PASSWORD=$PASS Transfers__AllowLoopbackDataPlane=true Agent__Roots__0=$WORK/station-root Logging__LogLevel__Default=Warning \
  exec dotnet Console.Blazor.dll >"$WORK/station.log" 2>&1) &
STATION=$!; PIDS+=($STATION)
for _ in $(seq 1200); do curl -fsk "$URL/healthz" >/dev/null && break; sleep 0.1; done
# TLS as in production: curl trusts the station's own CA, the agents pin its fingerprint, the data plane is TLS.
export CURL_CA_BUNDLE=$WORK/station/tls/ca.crt
FINGERPRINT=$(openssl x509 -in "$CURL_CA_BUNDLE" -outform DER | sha256sum | cut -d' ' -f1)
STATION_PID=$(pgrep -P "$STATION" -f Console.Blazor.dll || echo "$STATION")
AGENT=$AGENT_DIR/Unit.Agent.dll
AGENT_PIDS=()
declare -A AGENT_PID
TOKEN=$(curl -fs -H 'Content-Type: application/json' -d "{\"username\":\"admin\",\"password\":\"$PASS\"}" "$URL/api/v1/auth/token" | json 'd["token"]')
AUTH=(-H "Authorization: Bearer $TOKEN")
# Each agent enrols once with its own one-time token, created as admin; its credential lands in its state directory.
for u in $UNITS; do
  ENROL=$(curl -fs "${AUTH[@]}" -H 'Content-Type: application/json' -d "{\"note\":\"bench $u\"}" "$URL/api/v1/enrolments" | json 'd["token"]')
  env ${AGENT_ENV:-} dotnet "$AGENT" --station "$URL" --fingerprint "$FINGERPRINT" --name $u --enrol "$ENROL" --state "$WORK/state-$u" --root "$WORK/$u" >"$WORK/agent-$u.log" 2>&1 & PIDS+=($!); AGENT_PIDS+=($!); AGENT_PID[$u]=$!
done
cpu_ticks() { local t=0; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' /proc/$p/stat))); done; echo $t; }
for u in $UNITS; do for _ in $(seq 1200); do [ "$(curl -fs "${AUTH[@]}" "$URL/api/v1/units/$u" | json 'd["status"]' 2>/dev/null)" = online ] && break; sleep 0.1; done; done

PEAK=0
RSS_BEFORE=0
prime() { [ "${PRIME:-0}" = 1 ] || return 0; head -c $(((${PRIME_MIB:-1024} + 256) * 1024 * 1024)) /dev/zero >"$WORK/prime.bin"; rm -f "$WORK/prime.bin"; }

RPORT=$(free_port)
printf 'use chroot = no\nuid = %s\ngid = %s\n[b]\n path = %s\n read only = false\n' "$(id -u)" "$(id -g)" "$WORK/rsync" >"$WORK/rsyncd.conf"
for u in $UNITS; do printf '[to-%s]\n path = %s\n read only = false\n' "$u" "$WORK/rsync-$u" >>"$WORK/rsyncd.conf"; done
rsync --daemon --no-detach --config="$WORK/rsyncd.conf" --port="$RPORT" --address=127.0.0.1 & PIDS+=($!); RSYNCD=$!
sleep 0.5

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
