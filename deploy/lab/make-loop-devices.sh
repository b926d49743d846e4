#!/usr/bin/env bash
# Makes loop devices backed by sparse image files, for trying storage work without touching real disks.
#   make-loop-devices.sh [--count N] [--size 1G] [--dir /var/tmp/ccdsvm-lab]
#   make-loop-devices.sh --detach [--dir /var/tmp/ccdsvm-lab]
set -euo pipefail

count=3
size=1G
dir=/var/tmp/ccdsvm-lab
detach=0
while [ $# -gt 0 ]; do
  case "$1" in
    --count) count="$2"; shift 2 ;;
    --size) size="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    --detach) detach=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

if [ "$(id -u)" != "0" ]; then
  echo "loop devices need root: run with sudo" >&2
  exit 1
fi

state="$dir/devices"
if [ "$detach" = 1 ]; then
  [ -f "$state" ] || { echo "nothing to detach: $state does not exist"; exit 0; }
  while read -r dev image; do
    losetup -d "$dev" 2>/dev/null && echo "detached $dev" || echo "$dev was not attached"
    rm -f "$image"
  done < "$state"
  rm -f "$state"
  exit 0
fi

mkdir -p "$dir"
for i in $(seq 1 "$count"); do
  image="$dir/disk$i.img"
  truncate -s "$size" "$image"
  dev=$(losetup --find --show "$image")
  echo "$dev $image" >> "$state"
  echo "$dev  ($size, backed by $image)"
done
echo "allow them for an agent with: --device '/dev/loop*'   detach with: $0 --detach --dir $dir"
