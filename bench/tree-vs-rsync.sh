#!/usr/bin/env bash
# data.move of a tree of small files (FILES=100000 files of 4 KiB in DIRS=1000 directories) unit a -> unit b over
# loopback, verification on, against an rsync daemon (rsync -a) and tar | tar over a loopback TCP socket, in the same
# run: RUNS rounds (default 3), each contender once per round in turn, every destination synced (sync -f) before its
# clock stops, all from a warm page cache. Prints each round, the medians and the ratios.
# Usage: bench/tree-vs-rsync.sh   (CONFIG=Release by default; SKIP_BUILD=1 to use the last build)
set -euo pipefail
cd "$(dirname "$0")/.."
FILES=${FILES:-100000}
DIRS=${DIRS:-1000}
RUNS=${RUNS:-3}
source bench/two-units.sh

SRC=$WORK/a/tree
python3 - "$SRC" "$FILES" "$DIRS" <<'PY'
import os, sys
root, files, dirs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for d in range(dirs):
    os.makedirs(f"{root}/d{d:04}", exist_ok=True)
for i in range(files):
    path = f"{root}/d{i % dirs:04}/f{i:06}.bin"
    with open(path, "wb") as f:
        f.write(os.urandom(4096))
    os.chmod(path, 0o640 if i % 3 else 0o755)
PY
tar -cf - -C "$SRC" . >/dev/null   # every contender starts from a warm page cache
mkdir -p "$WORK/tar"
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
RS=(); TT=(); MVS=(); CPUS=(); RATES=()
printf '\n| round | rsync daemon -a | tar over TCP | data.move | data.move / rsync | agents CPU s (move) |\n|---|---|---|---|---|---|\n'
for r in $(seq "$RUNS"); do
  rm -rf "$WORK/rsync/tree" "$WORK/tar/tree" "$WORK/b/tree"; sync
  t0=$(now); rsync -a "$SRC/" "rsync://127.0.0.1:$RPORT/b/tree/"; sync -f "$WORK/rsync"; t1=$(now); RS+=("$(echo "$t1 - $t0" | bc)")
  TPORT=$(free_port); mkdir -p "$WORK/tar/tree"
  python3 -c 'import socket,sys,shutil; s=socket.create_server(("127.0.0.1",int(sys.argv[1]))); c,_=s.accept(); shutil.copyfileobj(c.makefile("rb"), sys.stdout.buffer, 1 << 20)' "$TPORT" \
    | tar -xpf - -C "$WORK/tar/tree" & LISTEN=$!
  # Until the listener is up (on a loaded machine python may take seconds to start); never connect before it.
  for _ in $(seq 600); do ss -ltnH "sport = :$TPORT" | grep -q . && break; sleep 0.05; done
  t0=$(now); tar -cf - -C "$SRC" . >"/dev/tcp/127.0.0.1/$TPORT"; wait "$LISTEN"; sync -f "$WORK/tar"; t1=$(now); TT+=("$(echo "$t1 - $t0" | bc)")
  move "$SRC" "$WORK/b/tree"; MVS+=("$MV"); CPUS+=("$CPU")
  printf '| %s | %.2f s | %.2f s | %.2f s | %.2f× | %.1f |\n' "$r" "${RS[-1]}" "${TT[-1]}" "$MV" "$(echo "$MV / ${RS[-1]}" | bc -l)" "$CPU"
done
N=$(find "$WORK/b/tree" -type f | wc -l)
SAME=$(diff -r "$SRC" "$WORK/b/tree" >/dev/null && echo yes || echo NO)
# Modes, and mtimes to the 100 ns a data.move keeps (a .NET tick; the file systems keep nanoseconds).
listing() { (cd "$1" && find . -type f -printf '%P %m %T@\n' | sed -E 's/([0-9]+\.[0-9]{7})[0-9]*$/\1/' | sort); }
MODES=$(cmp -s <(listing "$SRC") <(listing "$WORK/b/tree") && echo yes || echo NO)
printf '\nmachine: %s cores, %s MiB memory, %s; CONFIG=%s; %s files of 4 KiB in %s directories\n' "$(nproc)" "$(free -m | awk '/Mem:/{print $2}')" "$(uname -r)" "$CONFIG" "$FILES" "$DIRS"
printf 'medians: rsync %.2f s, tar over TCP %.2f s, data.move %.2f s: data.move %.2f× rsync, %.2f× tar\n' "$(median "${RS[@]}")" "$(median "${TT[@]}")" "$(median "${MVS[@]}")" \
  "$(echo "$(median "${MVS[@]}") / $(median "${RS[@]}")" | bc -l)" "$(echo "$(median "${MVS[@]}") / $(median "${TT[@]}")" | bc -l)"
printf 'last move: %s files at the destination, contents equal (diff -r): %s, modes and mtimes equal: %s; result %s\n' "$N" "$SAME" "$MODES" "$(echo "$RESULT" | json 'd["result"]')"
