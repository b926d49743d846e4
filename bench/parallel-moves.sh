#!/usr/bin/env bash
# Issue 21, target 3: ten 1 GiB data.move tasks at once between four units (a, b, c, d; real station, real agents, TLS and
# verification on as in production) against ten parallel rsync daemon transfers of the same files along the same ten
# source -> destination pairs, in the same run. RUNS rounds (default 3); per round, rsync first, then data.move, from a
# warm page cache, each destination synced before its clock stops (rsync: `sync FILE` after each transfer; data.move:
# the agent's fsync before the rename), destinations removed between contenders. The moves' times are the station's
# own records (createdAt -> endedAt); the batch's wall time runs from just before the first submission to the last
# endedAt. The station's RSS is sampled every 0.25 s while the moves run; agents' and rsync's CPU from /proc.
# Usage: bench/parallel-moves.sh   (CONFIG=Release; SKIP_BUILD=1 to use the last build; SIZE_MIB=1024; RUNS=3;
#        AGENT_DIR=DIR: run the agent found there instead of publishing one (ReadyToRun) for an A/B; AGENT_ENV='VAR=v ...';
#        PROFILE=1: also `perf record -g` the four agents during the last round's moves, report in $PROFILE_OUT)
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MIB=${SIZE_MIB:-1024}
RUNS=${RUNS:-3}
PROFILE=${PROFILE:-0}
PROFILE_OUT=${PROFILE_OUT:-/tmp/parallel-moves-perf.txt}
# perf resolves JIT-compiled frames through /tmp/perf-PID.map only when the code is not in the W^X double mapping
# (which perf shows as "memfd:doublemapper"); the maps are removed at the end.
if [ "$PROFILE" = 1 ]; then export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0; fi
UNITS="a b c d"
source bench/two-units.sh
for u in $UNITS; do
  [ "$(curl -fs "${AUTH[@]}" "$URL/api/v1/units/$u" | json 'd["status"]' 2>/dev/null)" = online ] || { echo "unit $u did not come online"; tail -20 "$WORK/agent-$u.log"; exit 1; }
done

# Ten pairs: every unit sends two or three files and receives two or three, no unit to itself.
PAIRS=(a:b b:c c:d d:a a:c b:d c:a d:b a:d b:a)
N=${#PAIRS[@]}
for i in $(seq 0 $((N - 1))); do
  src=${PAIRS[$i]%%:*}
  head -c $((SIZE_MIB * 1024 * 1024)) /dev/urandom >"$WORK/$src/f$i.bin"
done
SHAS=()
for i in $(seq 0 $((N - 1))); do SHAS+=("$(sha256sum <"$WORK/${PAIRS[$i]%%:*}/f$i.bin" | cut -d' ' -f1)"); done   # also warms the page cache

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
max() { printf '%s\n' "$@" | sort -g | tail -1; }
child_cpu() { times | tail -1 | awk '{ s = 0; for (i = 1; i <= 2; i++) { split($i, p, /m|s/); s += p[1] * 60 + p[2] } print s }'; }
rsyncd_cpu() { awk -v hz="$(getconf CLK_TCK)" '{print ($16 + $17) / hz}' "/proc/$RSYNCD/stat"; }
agent_cpu() { local out=""; for u in $UNITS; do out+="$u $(echo "$(cpu_ticks "${AGENT_PID[$u]}") / $(getconf CLK_TCK)" | bc -l) "; done; echo "$out"; }
check_sha() { local bad=0; for i in $(seq 0 $((N - 1))); do [ "$(sha256sum <"$1/${PAIRS[$i]##*:}/$2$i.bin" | cut -d' ' -f1)" = "${SHAS[$i]}" ] || bad=$((bad + 1)); done; echo $bad; }
clean() { for u in $UNITS; do rm -f "$WORK/rsync-$u"/*.bin "$WORK/$u"/m*.bin; done; sync; }

# The move batch: one Python process submits the ten tasks at once (one thread and connection each), then polls the
# task list once per 0.25 s on one kept-alive connection and reads the station's RSS at the same pace, so the poll
# costs the two cores little. Prints one JSON object.
move_batch() {
  python3 - "$URL" "$TOKEN" "$CURL_CA_BUNDLE" "$STATION_PID" "$WORK" "${PAIRS[@]}" <<'PY'
import datetime as dt, http.client, json, ssl, sys, threading, time, urllib.parse
url, token, ca, spid, work, pairs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6:]
u = urllib.parse.urlsplit(url)
ctx = ssl.create_default_context(cafile=ca)
H = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
def conn(): return http.client.HTTPSConnection(u.hostname, u.port, context=ctx, timeout=60)
def rss():
    with open(f"/proc/{spid}/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmRSS")) // 1024
def call(c, method, path, body=None):
    c.request(method, path, body=body, headers=H)
    r = c.getresponse(); data = r.read()
    if r.status >= 300: raise SystemExit(f"{method} {path}: {r.status} {data[:300]!r}")
    return json.loads(data)
bodies = []
for i, p in enumerate(pairs):
    s, d = p.split(":")
    bodies.append(json.dumps({"kind": "data.move", "target": d, "parameters": {
        "source": {"unit": s, "path": f"{work}/{s}/f{i}.bin"}, "destination": {"unit": d, "path": f"{work}/{d}/m{i}.bin"}, "verify": True}}))
conns = [conn() for _ in bodies]
for c in conns: c.connect()          # TLS handshakes before the clock starts
ids = [None] * len(bodies)
go = threading.Barrier(len(bodies) + 1)
def submit(k):
    go.wait(); ids[k] = call(conns[k], "POST", "/api/v1/tasks", bodies[k])["id"]
threads = [threading.Thread(target=submit, args=(k,)) for k in range(len(bodies))]
for t in threads: t.start()
before = rss(); peak = before
t0 = time.time(); go.wait()
for t in threads: t.join()
poll = conn(); want = set(ids); ended = {}
deadline = t0 + 1800
while len(ended) < len(want):
    if time.time() > deadline: raise SystemExit("the moves did not end within 30 min")
    time.sleep(0.25)
    peak = max(peak, rss())
    for t in call(poll, "GET", "/api/v1/tasks?kind=data.move&limit=100"):
        if t["id"] in want and t["state"] in ("succeeded", "failed", "cancelled", "interrupted"): ended[t["id"]] = t["state"]
t_poll = time.time()
time.sleep(1); after = rss()
p = lambda s: dt.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
tasks = []
for k, i in enumerate(ids):
    t = call(poll, "GET", f"/api/v1/tasks/{i}")
    r = t.get("result") or {}
    tasks.append({"pair": pairs[k], "id": i, "state": t["state"], "seconds": p(t["endedAt"]) - p(t["createdAt"]),
                  "queued": p(t["startedAt"]) - p(t["createdAt"]) if t.get("startedAt") else None,
                  "end": p(t["endedAt"]), "created": p(t["createdAt"]), "mibps": r.get("mibPerSecond"), "route": r.get("route"), "error": t.get("error")})
print(json.dumps({"t0": t0, "wall": max(x["end"] for x in tasks) - t0, "stationWall": max(x["end"] for x in tasks) - min(x["created"] for x in tasks),
                  "pollWall": t_poll - t0, "rss": [before, peak, after], "tasks": tasks}))
PY
}

printf '\nmachine: %s cores, %s MiB memory, kernel %s; CONFIG=%s; %s files of %s MiB random; pairs %s\n' "$(nproc)" "$(free -m | awk '/Mem:/{print $2}')" \
  "$(uname -r)" "$CONFIG" "$N" "$SIZE_MIB" "${PAIRS[*]}"
AGENT_KIND=$(python3 -c 'import sys; b=open(sys.argv[1], "rb").read(); print("ReadyToRun" if b"RTR" in b else "IL only")' "$AGENT")
printf 'agent: %s (%s); AGENT_ENV: %s\n' "$AGENT_DIR" "$AGENT_KIND" "${AGENT_ENV:-none}"
printf 'start %s UTC, loadavg %s\n' "$(date -u +%H:%M:%S)" "$(cut -d' ' -f1-3 /proc/loadavg)"
TOTAL_MIB=$((N * SIZE_MIB))
RATIOS=(); RS_AGG=(); MV_AGG=(); TABLES=""
for r in $(seq "$RUNS"); do
  clean
  # (1) rsync: ten daemon transfers at once, each timed to the end of its own `sync FILE`.
  LOAD_R=$(cut -d' ' -f1 /proc/loadavg)
  c0=$(child_cpu); d0=$(rsyncd_cpu); a0=$(agent_cpu)
  t0=$(now); JOBS=()
  for i in $(seq 0 $((N - 1))); do
    (s=$(now); src=${PAIRS[$i]%%:*}; dst=${PAIRS[$i]##*:}
     rsync -q "$WORK/$src/f$i.bin" "rsync://127.0.0.1:$RPORT/to-$dst/r$i.bin"; sync "$WORK/rsync-$dst/r$i.bin"
     echo "$(echo "$(now) - $s" | bc)" >"$WORK/rs-$i.time") & JOBS+=($!)
  done
  for j in "${JOBS[@]}"; do wait "$j"; done
  t1=$(now)
  RS_WALL=$(echo "$t1 - $t0" | bc)
  RS_CPU=$(echo "$(child_cpu) - $c0 + $(rsyncd_cpu) - $d0" | bc -l)
  RS_T=(); for i in $(seq 0 $((N - 1))); do RS_T+=("$(cat "$WORK/rs-$i.time")"); done
  # rsync's module names r<i>.bin under rsync-<dst>; check them as the moves are checked.
  RS_BAD=0; for i in $(seq 0 $((N - 1))); do [ "$(sha256sum <"$WORK/rsync-${PAIRS[$i]##*:}/r$i.bin" | cut -d' ' -f1)" = "${SHAS[$i]}" ] || RS_BAD=$((RS_BAD + 1)); done
  clean

  # (2) data.move: ten tasks at once, verification on.
  LOAD_M=$(cut -d' ' -f1 /proc/loadavg)
  a1=$(agent_cpu)
  if [ "$PROFILE" = 1 ] && [ "$r" = "$RUNS" ]; then
    perf record -F 499 -g -o "$WORK/perf.data" -p "$(IFS=,; echo "${AGENT_PIDS[*]}")" >/dev/null 2>"$WORK/perf.err" & PERF=$!
    sleep 1
  fi
  OUT=$(move_batch)
  a2=$(agent_cpu)
  if [ "$PROFILE" = 1 ] && [ "$r" = "$RUNS" ]; then
    kill -INT "$PERF"; wait "$PERF" || true
    cp "$WORK/perf.data" "${PROFILE_OUT%.txt}.data"   # kept for perf report after the agents are gone
    # pipefail off here: head closing its input early is not a failure of the report.
    ( set +o pipefail
      echo "# agents during round $r's moves (perf record -F 499 -g -p <the four agents>)"
      echo "# by dso"; perf report -i "$WORK/perf.data" --no-children --sort dso --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -25
      echo; echo "# by thread name"; perf report -i "$WORK/perf.data" --no-children --sort comm --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -15
      echo; echo "# top symbols (libcrypto is stripped: its samples appear by address)"
      perf report -i "$WORK/perf.data" --no-children --sort dso,symbol --stdio -g none 2>/dev/null | grep -E '^ +[0-9]' | head -60
      echo; echo "# managed and native callers, inclusive (children)"
      perf report -i "$WORK/perf.data" --children --sort symbol --stdio -g none 2>/dev/null | grep -E '^ +[0-9]' | head -80
      # libc's copy has a CPU-specific name (__memmove_avx512_unaligned_erms, ...); its callers, as far as they unwind.
      sym=$(perf report -i "$WORK/perf.data" --no-children --sort symbol --stdio -g none 2>/dev/null | grep -o '__memmove[a-z0-9_]*' | head -1)
      if [ -n "$sym" ]; then
        echo; echo "# who calls $sym (the user-space copies), caller graph"
        perf report -i "$WORK/perf.data" --no-children --sort dso,symbol --symbols="$sym" --stdio -g caller,0.5,callee 2>/dev/null | grep -v '^$' | grep -v '^#' | head -60
      fi
    ) >"$PROFILE_OUT" || true
  fi
  echo "$OUT" >"$WORK/moves-$r.json"
  MV_BAD=$(check_sha "$WORK" m)
  STATES=$(echo "$OUT" | json '" ".join(sorted(set(t["state"] for t in d["tasks"])))')
  [ "$STATES" = succeeded ] || { echo "round $r: moves ended $STATES: $OUT"; exit 1; }
  MV_WALL=$(echo "$OUT" | json 'd["wall"]')
  MV_T=($(echo "$OUT" | json '" ".join(str(t["seconds"]) for t in d["tasks"])'))
  RSS=($(echo "$OUT" | json '" ".join(str(x) for x in d["rss"])'))
  ROUTES=$(echo "$OUT" | json '" ".join(sorted(set(str(t["route"]) for t in d["tasks"])))')
  QUEUED=$(echo "$OUT" | json 'max(t["queued"] or 0 for t in d["tasks"])')
  AG_CPU=$(python3 -c 'import sys; a=sys.argv[1].split(); b=sys.argv[2].split(); print(" ".join(f"{a[k]} {float(b[k+1])-float(a[k+1]):.1f}" for k in range(0,len(a),2)))' "$a1" "$a2")
  AG_CPU_RS=$(python3 -c 'import sys; a=sys.argv[1].split(); b=sys.argv[2].split(); print(sum(float(b[k+1])-float(a[k+1]) for k in range(0,len(a),2)))' "$a0" "$a1")
  AG_SUM=$(echo "$AG_CPU" | awk '{s=0; for (i=2;i<=NF;i+=2) s+=$i; print s}')
  clean
  LOAD_E=$(cut -d' ' -f1 /proc/loadavg)

  RS_MIB=$(echo "$TOTAL_MIB / $RS_WALL" | bc -l); MV_MIB=$(echo "$TOTAL_MIB / $MV_WALL" | bc -l)
  RATIO=$(echo "$MV_MIB / $RS_MIB" | bc -l)
  RS_SKEW=$(echo "$(max "${RS_T[@]}") / $(median "${RS_T[@]}")" | bc -l); MV_SKEW=$(echo "$(max "${MV_T[@]}") / $(median "${MV_T[@]}")" | bc -l)
  RATIOS+=("$RATIO"); RS_AGG+=("$RS_MIB"); MV_AGG+=("$MV_MIB")
  printf '\n### round %s (%s UTC; loadavg 1 min %s before rsync, %s before the moves, %s after)\n\n' "$r" "$(date -u +%H:%M:%S)" "$LOAD_R" "$LOAD_M" "$LOAD_E"
  printf '| contender | wall s | aggregate MiB/s | per-transfer s (pair order %s) | median s | max / median | CPU s | sha256 equal |\n|---|---|---|---|---|---|---|---|\n' "${PAIRS[*]}"
  printf '| rsync daemon ×%s | %.2f | %.0f | %s | %.2f | %.2f | %.1f (rsync) + %.1f (agents, idle) | %s of %s |\n' "$N" "$RS_WALL" "$RS_MIB" \
    "$(printf '%.1f ' "${RS_T[@]}")" "$(median "${RS_T[@]}")" "$RS_SKEW" "$RS_CPU" "$AG_CPU_RS" "$((N - RS_BAD))" "$N"
  printf '| data.move ×%s | %.2f | %.0f | %s | %.2f | %.2f | %.1f (agents: %s) | %s of %s |\n' "$N" "$MV_WALL" "$MV_MIB" \
    "$(printf '%.1f ' "${MV_T[@]}")" "$(median "${MV_T[@]}")" "$MV_SKEW" "$AG_SUM" "$AG_CPU" "$((N - MV_BAD))" "$N"
  printf '\nround %s: data.move / rsync throughput **%.2f×**; moves max/median %.2f; station RSS %s / %s / %s MiB (before / peak / after); states %s; routes %s; longest submit→start %.2f s\n' \
    "$r" "$RATIO" "$MV_SKEW" "${RSS[0]}" "${RSS[1]}" "${RSS[2]}" "$STATES" "$ROUTES" "$QUEUED"
done
if [ "$PROFILE" = 1 ]; then for p in "$STATION_PID" "${AGENT_PIDS[@]}"; do rm -f "/tmp/perf-$p.map" "/tmp/perfinfo-$p.map"; done; fi
printf '\nend %s UTC, loadavg %s\n' "$(date -u +%H:%M:%S)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'medians over %s rounds: rsync %.0f MiB/s, data.move %.0f MiB/s, ratio of rounds (median) %.2f×\n' "$RUNS" "$(median "${RS_AGG[@]}")" "$(median "${MV_AGG[@]}")" "$(median "${RATIOS[@]}")"
