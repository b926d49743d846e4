#!/usr/bin/env bash
# Lab disks without hardware: sparse image files attached as loop devices, for trying storage tasks
# (partition, mkfs, mount, btrfs RAID1) on a test unit. Give the agent the devices with
# --device '/dev/loop*' (Agent:Devices).
#
#   make-loop-devices.sh [--count N] [--size SIZE] [--dir DIR]    create N images of SIZE, attach, print devices
#   make-loop-devices.sh --detach [--keep-images] [--dir DIR]      detach (and delete) the ones made here
#
# Defaults: --count 2 --size 1G --dir /var/lib/ccdsvm-lab. SIZE is anything truncate(1) accepts (512M, 2G).
# What was made is recorded in DIR/loop-devices.state ("device image" per line), so --detach touches only
# those, and only while the device is still backed by the same image.
set -euo pipefail

prog=$(basename "$0")
invocation="$0 $*"
count=2
size=1G
dir=/var/lib/ccdsvm-lab
mode=attach
keep_images=0

usage() { sed -n '6,7p' "$0" | sed "s/^#   //"; }
die() { echo "$prog: $*" >&2; exit 1; }

while (($# > 0)); do
    case "$1" in
        --count) [[ $# -ge 2 ]] || die "--count needs a number"; count=$2; shift 2 ;;
        --size) [[ $# -ge 2 ]] || die "--size needs a size such as 1G"; size=$2; shift 2 ;;
        --dir) [[ $# -ge 2 ]] || die "--dir needs a directory"; dir=$2; shift 2 ;;
        --detach) mode=detach; shift ;;
        --keep-images) keep_images=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown argument '$1'" ;;
    esac
done

[[ $count =~ ^[1-9][0-9]*$ ]] && ((count <= 64)) || die "--count must be a number from 1 to 64, not '$count'"
[[ $size =~ ^[0-9]+[KMGT]?$ ]] || die "--size must look like 512M or 2G, not '$size'"

if [[ $(id -u) -ne 0 ]]; then
    die "must run as root: attaching and detaching loop devices needs it (try: sudo $invocation)"
fi
command -v losetup >/dev/null || die "losetup not found: apt-get install util-linux"

state="$dir/loop-devices.state"

# The image a loop device is backed by, or nothing when it is not attached.
backing_file() { losetup --list --noheadings --output BACK-FILE "$1" 2>/dev/null | sed 's/[[:space:]]*$//' || true; }

if [[ $mode == detach ]]; then
    [[ -f $state ]] || { echo "$prog: nothing to detach ($state does not exist)"; exit 0; }
    while read -r device image; do
        [[ -n ${device:-} ]] || continue
        if [[ "$(backing_file "$device")" == "$image" ]]; then
            losetup --detach "$device"
            echo "detached $device ($image)"
        else
            echo "$device is no longer backed by $image: left alone"
        fi
        if ((keep_images == 0)); then rm -f -- "$image"; fi
    done <"$state"
    rm -f -- "$state"
    exit 0
fi

mkdir -p -- "$dir"
dir=$(cd -- "$dir" && pwd)
state="$dir/loop-devices.state"
next=1
for ((made = 0; made < count; made++)); do
    while [[ -e "$dir/disk-$next.img" ]]; do next=$((next + 1)); done
    image="$dir/disk-$next.img"
    truncate --size "$size" -- "$image"          # sparse: takes no space until written
    device=$(losetup --find --show -- "$image") || { rm -f -- "$image"; die "losetup could not attach $image"; }
    echo "$device $image" >>"$state"
    echo "$device"
done
echo "$prog: state in $state; detach with: $prog --detach --dir $dir" >&2
