#!/bin/bash
# Boots one Debian kernel under qemu (TCG; nested KVM does not work on these
# machines) with 1 GiB of emulated pmem at 4 GiB, runs the guest on a plan and
# writes the guest's JSON report. About 11 s and 530 MB per boot.
# usage: boot.sh <extracted kernel package> <kernel release> <guest binary> <plan.json> <report.json> [console.txt]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
kdir=$1; kver=$2; guest=$3; plan=$4; report=$5; console=${6:-/dev/null}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$plan" "$work/plan.json"
cp "$guest" "$work/guest"
"$here/mkinitramfs.sh" "$kdir" "$kver" "$work/initrd.gz" "$here/init.sh" "$work/guest" "$work/plan.json"
rm -f "$report"
timeout 120 qemu-system-x86_64 -accel tcg -m 6G -smp 1 -display none -no-reboot \
  -kernel "$kdir/boot/vmlinuz-$kver" -initrd "$work/initrd.gz" \
  -append "console=ttyS0 memmap=1G!4G panic=-1 loglevel=4" \
  -serial "file:$console" -serial "file:$report"
[ -s "$report" ] || { echo "boot.sh: the guest wrote no report (see $console)" >&2; exit 1; }
