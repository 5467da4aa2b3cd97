#!/usr/bin/env bash
# Byte-identical reports: every format of every command, run twice by program A
# (run to run) and once by program B (g++ build against clang build). With A = B
# it checks run-to-run only. Exit status 1 names each output that differs.
#   tests/e2e/same_bytes.sh A B
set -euo pipefail
a=$1
b=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
concurrent="$here/examples/scenarios/concurrent/userspace_freezer_during_unbind.json"
runs=(
  "compare --color never"
  "compare --wide --color never"
  "compare --format md"
  "compare --format csv"
  "compare --format json"
  "compare --variants base=v12,freeze=return_ebusy,thaw=where_frozen --format json"
  "explain unbind_mapped_files --variant merged"
  "explain frozen_by_userspace --variant v12 --dot -"
  "explore $concurrent --variants merged,v12 --no-timing"
  "explore $concurrent --variants merged,v12 --no-timing --format md"
  "explore $concurrent --variants merged,v12 --no-timing --format json"
  "explore $concurrent --variants merged,v12 --no-timing --format json --strategy pct --runs 64"
  "explore $concurrent --variants merged,v12 --no-timing --format json --reduction sleep-sets"
  "check $here/examples/scenarios"
  "oracle --dry-run"
)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for i in "${!runs[@]}"; do
  read -r -a args <<<"${runs[$i]}"
  "$a" "${args[@]}" >"$work/a1" 2>/dev/null || true
  "$a" "${args[@]}" >"$work/a2" 2>/dev/null || true
  "$b" "${args[@]}" >"$work/b" 2>/dev/null || true
  if [[ ! -s $work/a1 ]]; then
    echo "daxfail ${runs[$i]}: no output"
    status=1
  elif ! cmp -s "$work/a1" "$work/a2"; then
    echo "daxfail ${runs[$i]}: differs from run to run"
    status=1
  elif ! cmp -s "$work/a1" "$work/b"; then
    echo "daxfail ${runs[$i]}: differs between $a and $b"
    diff "$work/a1" "$work/b" | head -5
    status=1
  else
    echo "same: daxfail ${runs[$i]} ($(wc -c <"$work/a1") bytes)"
  fi
done
exit $status
