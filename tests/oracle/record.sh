#!/bin/bash
# Records the guest reports of a `daxfail oracle --cache DIR` run as test data:
# one file per scenario and kernel holding the plan and the reports of both boots.
# A scenario that is not in the catalog (run with --scenario FILE) is kept next to
# its reports as tests/oracle/scenarios/NAME.json (tests/oracle_scenario_files.cpp).
# usage: tests/oracle/record.sh DIR
set -euo pipefail
cache=$1; here=$(cd "$(dirname "$0")" && pwd)
for plan in "$cache"/*.plan.json; do
  base=${plan%.plan.json}; name=$(basename "$base")          # e.g. 6.12-poison_one_page
  [[ $name == race-* ]] && continue                          # races: tests/oracle/record_races.sh
  kernel=${name%%-*}; scenario=${name#*-}
  python3 - "$plan" "$base.report1.json" "$base.report2.json" > "$here/$scenario.$kernel.json" <<'PY'
import json, sys
plan, r1, r2 = (json.load(open(f)) for f in sys.argv[1:4])
print(json.dumps({"plan": plan, "reports": [r1, r2]}, indent=1))
PY
done
