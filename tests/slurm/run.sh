#!/bin/bash
# docs/explore.md's Slurm job array, run on a real Slurm: a single-node cluster from Debian's packages (munged,
# slurmctld, slurmd) brought up in a temporary directory, the documented job script submitted as an array of N
# tasks, each `daxfail explore --shard K/N`, the shards merged with `daxfail merge`, and the merged JSON
# compared byte for byte with one unsharded `daxfail explore`. Exit status 0 only when the bytes match.
# As root on Debian 12 (it installs slurm-wlm and munge when missing and starts daemons); systemd not needed.
# CTest slurm_job_array_merges_to_the_single_run (label slurm, -DDAXFAIL_SLURM_TESTS=ON) runs it.
# usage: run.sh [DAXFAIL]     the daxfail to test; default $DAXFAIL, else daxfail on PATH
# environment: DAXFAIL_SLURM_SHARDS   N, the array's size (default 10: the shell then lists shards/10.json
#                                     before 2.json, an order merge must take)
#              DAXFAIL_SLURM_VARIANTS a --variants list (default empty: the presets)
#              DAXFAIL_SLURM_PORT     slurmctld's port (default 16817; slurmd takes the next one)
#              DAXFAIL_SLURM_TIMEOUT  seconds the array may take (default 1500)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
doc=$here/../../docs/explore.md
shards=${DAXFAIL_SLURM_SHARDS:-10}
variants=${DAXFAIL_SLURM_VARIANTS:-}
daxfail=${1:-${DAXFAIL:-$(command -v daxfail || true)}}

say() { echo "slurm test: $*"; }
now() { date +%s.%N; }
since() { awk -v from="$1" -v to="$(now)" 'BEGIN { printf "%.2f", to - from }'; }

if [ -z "$daxfail" ] || [ ! -x "$daxfail" ]; then
  echo "run.sh: no daxfail to test: give its path, set DAXFAIL or put it on PATH" >&2
  exit 2
fi
daxfail=$(realpath "$daxfail")
if [ "$(id -u)" -ne 0 ]; then
  echo "run.sh: needs root (it installs packages and starts munged, slurmctld and slurmd)" >&2
  exit 2
fi
if ! [[ $shards =~ ^[1-9][0-9]*$ ]]; then
  echo "run.sh: DAXFAIL_SLURM_SHARDS must be a positive number, not '$shards'" >&2
  exit 2
fi

# shellcheck source-path=SCRIPTDIR source=cluster.sh
source "$here/cluster.sh"
cluster_install
tmp=$(mktemp -d /tmp/daxfail-slurm.XXXXXX)
job=
status=1
# shellcheck disable=SC2317  # run by the trap
finish() {
  [ "$status" -eq 0 ] || cluster_logs
  [ -z "$job" ] || scancel "$job" 2> /dev/null || true
  cluster_stop
  rm -rf "$tmp"
}
trap finish EXIT

start=$(now)
say "daxfail $daxfail; $shards shards; variants: ${variants:-the presets}; work in $tmp"
cluster_start "$tmp/cluster"
say "daemons up in $(since "$start") s"

# The job finds `daxfail` on PATH, as the documented script expects.
mkdir -p "$tmp/bin" "$tmp/work/shards"
ln -s "$daxfail" "$tmp/bin/daxfail"
export PATH=$tmp/bin:$PATH
bash "$here/job_script.sh" "$doc" "$variants" > "$tmp/work/explore.sbatch"
say "the job script (docs/explore.md's, as submitted):"
sed 's/^/  | /' "$tmp/work/explore.sbatch"

# Submitted, then watched with squeue every half second: sbatch --wait would poll at 2, 8, then every 32 s,
# and blur the time the array takes.
array_start=$(now)
submitted=$(sbatch --parsable --array="1-$shards" --chdir="$tmp/work" "$tmp/work/explore.sbatch")
job=${submitted%%;*}
say "sbatch: submitted batch job $job, array 1-$shards"
deadline=$((SECONDS + ${DAXFAIL_SLURM_TIMEOUT:-1500}))
while [ -n "$(squeue -h -j "$job" -o %i)" ]; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    say "the array is not done after ${DAXFAIL_SLURM_TIMEOUT:-1500} s (DAXFAIL_SLURM_TIMEOUT)"
    exit 1
  fi
  sleep 0.5
done
say "squeue: array $job done in $(since "$array_start") s"
# Slurm's own record of each task: the job completion log's line (times to the second), then scontrol's.
awk '{
  for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = substr($i, length(kv[1]) + 2) }
  printf "  jobcomp: task %s (job %s) %s exit %s submitted %s started %s ended %s\n",
         f["ArrayTaskId"], f["JobId"], f["JobState"], f["ExitCode"], f["SubmitTime"], f["StartTime"], f["EndTime"]
}' "$tmp/cluster/log/jobcomp.txt" | sort -n -k3
scontrol -o show job "$job" |
  grep -oE "JobId=[0-9]+ ArrayJobId=[0-9]+ ArrayTaskId=[0-9]+|JobState=[A-Z]+|RunTime=[0-9:-]+|ExitCode=[0-9:]+" |
  paste -d ' ' - - - - | sed 's/^/  scontrol: /'
if [ "$(grep -c "JobState=COMPLETED" "$tmp/cluster/log/jobcomp.txt")" -ne "$shards" ]; then
  say "not every task completed; their output:"
  for output in "$tmp"/work/shards/*; do
    echo "--- ${output#"$tmp/work/"} (first 10 lines)"
    head -n 10 "$output"
  done
  exit 1
fi
for k in $(seq "$shards"); do
  if [ ! -s "$tmp/work/shards/$k.json" ]; then
    say "task $k wrote no shards/$k.json"
    exit 1
  fi
done

# What the tasks wrote on stderr, if anything (the script keeps it apart from the JSON).
for output in "$tmp"/work/shards/*.err; do
  if [ -s "$output" ]; then
    echo "--- ${output#"$tmp/work/"}"
    cat "$output"
  fi
done

merge_start=$(now)
(cd "$tmp/work" && daxfail merge shards/*.json --format json > merged.json)
say "daxfail merge of $shards shards: $(since "$merge_start") s, $(stat -c %s "$tmp/work/merged.json") bytes"

single_start=$(now)
variant_arguments=()
[ -n "$variants" ] && variant_arguments=(--variants "$variants")
daxfail explore "${variant_arguments[@]}" --no-timing --format json > "$tmp/work/single.json"
say "unsharded daxfail explore: $(since "$single_start") s, $(stat -c %s "$tmp/work/single.json") bytes"

if cmp "$tmp/work/single.json" "$tmp/work/merged.json"; then
  say "cmp: the merged shards are the unsharded report, byte for byte"
  status=0
else
  say "cmp: the merged shards differ from the unsharded report"
fi
say "total $(since "$start") s"
exit "$status"
