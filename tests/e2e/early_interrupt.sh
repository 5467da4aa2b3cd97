#!/bin/bash
# SIGINT at 0.02 to 0.3 s into `daxfail explore --variants all`: whenever it comes, the command prints what it
# finished (maybe nothing) under a first line "partial: interrupted after N of M parts" and exits with 130.
# usage: early_interrupt.sh <daxfail> <work dir>
set -u
daxfail=$1 work=$2
mkdir -p "$work"
fail() { echo "early_interrupt.sh: $*"; echo "--- stdout (head):"; head -5 "$work/stdout"; echo "--- stderr:"; cat "$work/stderr"; exit 1; }
set -m  # a process group of its own, where SIGINT is not ignored as for a background job
for delay in 0.02 0.05 0.1 0.2 0.3; do
  "$daxfail" explore --variants all >"$work/stdout" 2>"$work/stderr" &
  pid=$!
  sleep "$delay"
  kill -INT "$pid" 2>/dev/null
  wait "$pid"
  status=$?
  [ "$status" -eq 130 ] || [ "$status" -eq 0 ] || fail "after ${delay} s: exit status $status, expected 130"
  if [ "$status" -eq 130 ]; then
    head -1 "$work/stdout" | grep -Eq '^partial: interrupted after [0-9]+ of [0-9]+ parts' || fail "after ${delay} s: no 'partial:' first line"
  fi
  echo "SIGINT after ${delay} s: status $status, $(head -1 "$work/stdout")"
done
