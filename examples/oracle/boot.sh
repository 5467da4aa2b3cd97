#!/bin/bash
# Boots one Debian kernel under qemu (TCG; nested KVM does not work on these
# machines) with 1 GiB of emulated pmem at 4 GiB (namespace0.0) and 256 MiB at 5.25 GiB (namespace1.0, apart
# so that e820 does not merge them), runs the guest on each plan in
# turn and writes the guest's JSON reports, one per line. About 4 s to boot,
# then 1-2 s per plan; 530 MB.
# usage: boot.sh <extracted kernel package(s)> <kernel release> <guest binary> <reports.jsonl> <console.txt> <plan.json>...
# The kernel is boot/vmlinuz-REL (Debian 12) or usr/lib/modules/REL/vmlinuz (Debian 14's linux-binary-REL).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
kdir=$1; kver=$2; guest=$3; report=$4; console=$5; shift 5
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/plans"
n=0
for plan in "$@"; do cp "$plan" "$work/plans/$(printf %03d $n).json"; n=$((n + 1)); done
cp "$guest" "$work/guest"
"$here/mkinitramfs.sh" "$kdir" "$kver" "$work/initrd.gz" "$here/init.sh" "$work/guest" "$work/plans"
rm -f "$report"
vmlinuz=$kdir/boot/vmlinuz-$kver
[ -e "$vmlinuz" ] || vmlinuz=$kdir/usr/lib/modules/$kver/vmlinuz
# DAXFAIL_ORACLE_SMP=2 boots two vCPUs on multi-threaded TCG (races such as a read fault during the walk).
smp=${DAXFAIL_ORACLE_SMP:-1}
accel=tcg
[ "$smp" -gt 1 ] && accel=tcg,thread=multi
# --foreground keeps qemu in this script's process group, which `daxfail oracle` ends on Ctrl-C.
# DAXFAIL_ORACLE_TIMEOUT (seconds) overrides the limit: races (daxfail explore --confirm) set 300, a run with a 64 MiB
# busy file and a walk of seconds taking longer than a plan of the catalog.
timeout --foreground "${DAXFAIL_ORACLE_TIMEOUT:-$((60 + 30 * n))}" qemu-system-x86_64 -accel "$accel" -m 6G -smp "$smp" -display none -no-reboot \
  -kernel "$vmlinuz" -initrd "$work/initrd.gz" \
  -append "console=ttyS0 memmap=1G!4G memmap=256M!5376M panic=-1 loglevel=4" \
  -serial "file:$console" -serial "file:$report" || true
[ -s "$report" ] || { echo "boot.sh: the guest wrote no report (see $console)" >&2; exit 1; }
