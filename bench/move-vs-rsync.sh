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
PRIME_MIB=$SIZE_MIB
source bench/two-units.sh

SRC=$WORK/a/big.bin
head -c $((SIZE_MIB * 1024 * 1024)) /dev/urandom >"$SRC"
cat "$SRC" >/dev/null   # every contender starts from a warm page cache

prime; t0=$(now); cp "$SRC" "$WORK/cp/big.bin"; sync "$WORK/cp/big.bin"; t1=$(now); CP=$(echo "$t1 - $t0" | bc)

prime; t0=$(now); rsync -q "$SRC" "rsync://127.0.0.1:$RPORT/b/"; sync "$WORK/rsync/big.bin"; t1=$(now); RS=$(echo "$t1 - $t0" | bc)


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
