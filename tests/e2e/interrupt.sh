#!/bin/bash
# SIGINT during a long `daxfail compare`: it stops between runs, prints the scenarios it finished with a first
# line "partial: interrupted after N of M runs ...", and exits with status 130. With --progress (stderr is a
# file here, not a terminal) it shows its progress once the run has taken a second: the SIGINT comes then.
# usage: interrupt.sh <daxfail> <catalog dir> <work dir>
set -u
daxfail=$1 catalog=$2 work=$3
mkdir -p "$work"
# Every combination on the catalog twenty times over: seconds in any build.
scenarios=()
for _ in $(seq 20); do scenarios+=("$catalog"); done
set -m  # the command in a process group of its own, where SIGINT is not ignored as for a background job
"$daxfail" compare --variants all --progress --scenario "${scenarios[@]}" >"$work/stdout" 2>"$work/stderr" &
pid=$!
for _ in $(seq 600); do  # at most a minute for the first progress line
  grep -q ' runs, ' "$work/stderr" 2>/dev/null && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
kill -INT "$pid" 2>/dev/null
wait "$pid"
status=$?
fail() { echo "interrupt.sh: $*"; echo "--- stdout (head):"; head -20 "$work/stdout"; echo "--- stderr:"; cat "$work/stderr"; exit 1; }
[ "$status" -eq 130 ] || fail "exit status $status, expected 130"
head -1 "$work/stdout" | grep -Eq '^partial: interrupted after [0-9]+ of 164160 runs' || fail "no 'partial:' first line"
grep -Eq '^daxfail compare: [0-9]+ of 164160 runs, [0-9]+ s elapsed, about [0-9]+ (s|min [0-9]+ s) left$' "$work/stderr" ||
  fail "no progress line on stderr"
grep -q '^invariants failed, per variant' "$work/stdout" || fail "no summary of the finished scenarios"
echo "interrupted with status 130: $(head -1 "$work/stdout")"
