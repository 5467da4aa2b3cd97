#!/bin/bash
# SIGINT 0 to 0.3 s after `daxfail explore --variants all` starts catching it: whenever it comes, the command
# prints what it finished (maybe nothing) under a first line "partial: interrupted after N of M parts" and exits
# with 130 (a death by the signal would also be 130 to the shell, but leaves no such line).
# usage: early_interrupt.sh <daxfail> <work dir>
set -u
daxfail=$1 work=$2
mkdir -p "$work"
fail() { echo "early_interrupt.sh: $*"; echo "--- stdout (head):"; head -5 "$work/stdout"; echo "--- stderr:"; cat "$work/stderr"; exit 1; }
set -m  # a process group of its own, where SIGINT is not ignored as for a background job
for delay in 0 0.02 0.05 0.1 0.2 0.3; do
  "$daxfail" explore --variants all >"$work/stdout" 2>"$work/stderr" &
  pid=$!
  # From the moment the command catches SIGINT (SigCgt has bit 2; before main no program can, and a sanitizer's
  # start-up takes longer than these delays): the first tenths of a second of its getting ready.
  for _ in $(seq 1000); do
    caught=$(awk '/^SigCgt:/ {print $2}' "/proc/$pid/status" 2>/dev/null) || break
    [ -z "$caught" ] && break
    (( (16#$caught & 2) != 0 )) && break
    sleep 0.005
  done
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
