#!/usr/bin/env bash
# CPU a real station costs to start and for its first 40 s, with and without the JIT's tiered PGO: the measurement
# behind ./test's DOTNET_TieredPGO=0 (docs/BENCHMARKS.md, "Test suite CPU"). The end-to-end tests start a station or
# an agent every few seconds, so this cost, not the tests' own work, is most of the suite's CPU on 2 cores.
#
#   bench/station-start-cpu.sh [ROUNDS]     default 3 rounds; each round starts one station per variant, side by side
#                                           in time (A, B, A, B...), so a noisy machine hits both alike
#
# Prints, per variant, the median CPU seconds (user+system of the station process, from /proc/PID/stat) until /healthz
# first answers 200, and until 40 s after that. Needs a Debug build of Console.Blazor (dotnet build) and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
dll=Console.Blazor/bin/Debug/net10.0/Console.Blazor.dll
[[ -f "$dll" ]] || { echo "build first: dotnet build Console.Blazor" >&2; exit 2; }
tck=$(getconf CLK_TCK)

# One station with the extra environment "$1"; prints "cpu_at_healthy cpu_after_40s".
one() {
    local data work root port pid
    data=$(mktemp -d) work=$(mktemp -d) root=$(mktemp -d)
    port=$((20000 + RANDOM % 20000))
    # shellcheck disable=SC2086 # $1 is a list of VAR=value words
    (cd "$work" && exec env ASPNETCORE_ENVIRONMENT=Development ASPNETCORE_URLS="https://127.0.0.1:$port" \
        Station__DataDirectory="$data" CCDSVM_ADMIN_PASSWORD=bench-password-1234 Agent__Roots__0="$root" \
        Transfers__AllowLoopbackDataPlane=true Logging__LogLevel__Microsoft.AspNetCore=Warning $1 \
        dotnet "$OLDPWD/$dll" > "$work/out" 2>&1) &
    pid=$!
    cpu() { awk -v t="$tck" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$pid/stat"; }
    local deadline=$((SECONDS + 120))
    until [[ $(curl -sk -o /dev/null -w '%{http_code}' "https://127.0.0.1:$port/healthz" || true) == 200 ]]; do
        ((SECONDS < deadline)) || { echo "station did not start; its output:" >&2; cat "$work/out" >&2; kill -9 "$pid"; exit 1; }
        sleep 0.2
    done
    local at_healthy; at_healthy=$(cpu)
    sleep 40
    echo "$at_healthy $(cpu)"
    kill -9 "$pid"; wait "$pid" 2>/dev/null || true
    rm -rf "$data" "$work" "$root"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }

declare -A healthy after
variants=("DOTNET_TieredPGO=1" "DOTNET_TieredPGO=0")
for ((r = 1; r <= rounds; r++)); do
    for v in "${variants[@]}"; do
        read -r h a < <(one "$v")
        echo "round $r $v: ${h}s CPU until healthy, ${a}s after 40 s more"
        healthy[$v]+="$h"$'\n' after[$v]+="$a"$'\n'
    done
done
echo "== medians of $rounds rounds, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for v in "${variants[@]}"; do
    echo "$v: $(printf '%s' "${healthy[$v]}" | median)s until healthy, $(printf '%s' "${after[$v]}" | median)s until 40 s later"
done
