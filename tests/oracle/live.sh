#!/bin/bash
# The oracle's live CTest tests (label oracle): `daxfail oracle` on real kernels under qemu, on one part of the
# catalog per run.
#   bookworm: Debian 12's 6.1 and 6.12 with --fail-on-disagreement.
#   sid: the newest kernel of Debian unstable, only while it is the release the sid reports were recorded on
#        (tests/oracle/sid-release.txt); otherwise it says what changed and is skipped (exit 77, CTest's
#        SKIP_RETURN_CODE), and so when sid's package list cannot be read. It fails on a disagreement only when
#        the kernel is judged by the preset of its own mainline version (v7_2 for 7.2); judged by the nearest
#        older preset it records and prints the comparison and passes.
# Parts: the expressible scenarios are dealt into N parts (`daxfail oracle --part K/N`: the unbinds in turn, then
# the rest); a run takes
# part K = (days since 1970-01-01 UTC) mod N + 1, so consecutive days cover the whole catalog every N days, the
# same part for every run of one day. DAXFAIL_ORACLE_PART=K/N chooses one, DAXFAIL_ORACLE_PART=all the whole
# catalog (about 10 minutes per kernel).
# usage: live.sh <daxfail> <cache dir> bookworm|sid
set -uo pipefail
daxfail=$1; cache=$2; which=$3
here=$(cd "$(dirname "$0")" && pwd)
parts=8
part=${DAXFAIL_ORACLE_PART:-$(( $(date -u +%s) / 86400 % parts + 1 ))/$parts}
args=()
if [ "$part" != all ]; then
  args+=(--part "$part")
  echo "live.sh: catalog part $part (DAXFAIL_ORACLE_PART=K/N or all to choose)"
fi
case $which in
  bookworm)
    status=0
    for kernel in 6.1 6.12; do
      "$daxfail" oracle --kernel "$kernel" --fail-on-disagreement --cache "$cache" "${args[@]}" || status=$?
    done
    exit "$status" ;;
  sid) ;;
  *) echo "live.sh: bookworm or sid, not '$which'" >&2; exit 2 ;;
esac
recorded=$(tr -d '[:space:]' < "$here/sid-release.txt")
if ! now=$(bash "$here/../../examples/oracle/fetch_kernel.sh" --resolve linux-image-amd64 "$cache" sid); then
  echo "live.sh: cannot read sid's package list: skipped"
  exit 77
fi
if [ "$now" != "$recorded" ]; then
  echo "live.sh: sid moved on: its kernel is $now, the sid reports were recorded on $recorded" \
       "(tests/oracle/sid-release.txt): skipped until they are recorded again (tests/oracle/record.sh)"
  exit 77
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$daxfail" oracle --kernel sid --fail-on-disagreement --cache "$cache" "${args[@]}" | tee "$out"
status=${PIPESTATUS[0]}
if [ "$status" -eq 1 ] && ! grep -q "(the preset of its mainline version)" "$out"; then
  echo "live.sh: $now is judged by an older mainline version's preset: its differences are recorded, not failed"
  exit 0
fi
exit "$status"
