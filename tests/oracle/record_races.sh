#!/bin/bash
# Records the races of a `daxfail explore --confirm` run as test data
# (tests/oracle_races.cpp replays them): one file per kernel, scenario and
# invariant whose counterexample was raced, holding the windows, the widening,
# how many runs reproduced it, and every run's plan and report (as the run's
# race-*.json in the cache keeps them: long lists of the busy task's pages and
# signals, and the middle of the kernel's log, left out).
# usage: tests/oracle/record_races.sh DIR     (DIR: the --cache of the run)
set -euo pipefail
cache=$1; here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$here/races"
for rec in "$cache"/race-*.json; do
  name=$(basename "$rec" .json)
  [[ $name == *-run[0-9]* ]] && continue                     # one run's own plan and reports
  python3 - "$rec" "$here/races" <<'PY'
import json, sys
rec = json.load(open(sys.argv[1]))
out = "%s/%s.%s.%s.json" % (sys.argv[2], rec["scenario"], rec["invariant"], rec["kernel"])
json.dump(rec, open(out, "w"), indent=None, separators=(",", ":"))
open(out, "a").write("\n")
PY
done
