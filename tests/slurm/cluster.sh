# shellcheck shell=bash
# A private single-node Slurm cluster from Debian's packages, for tests/slurm/run.sh (sourced, not run).
#   cluster_install        installs slurm-wlm and munge when a program is missing
#   cluster_start DIR      munged, slurmctld and slurmd with their configuration, state and logs in DIR;
#                          exports SLURM_CONF; returns once the node is idle
#   cluster_stop           stops the daemons cluster_start started (by their process ids), and only those
# The ports are DAXFAIL_SLURM_PORT (slurmctld, default 16817) and the one after it (slurmd): apart from the
# 6817 and 6818 of a cluster the machine may run.

cluster_pids=()
cluster_dir=

cluster_install() {
  local missing=no program
  for program in munged mungekey slurmctld slurmd sbatch sinfo scontrol; do
    command -v "$program" > /dev/null || missing=yes
  done
  [ "$missing" = no ] && return 0
  echo "cluster: installing slurm-wlm and munge"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends slurm-wlm munge ||
    { apt-get update && apt-get install -y --no-install-recommends slurm-wlm munge; }
}

# Waits up to $2 seconds for the command $1 (a string, evaluated) to succeed.
cluster_wait_for() {
  local deadline=$((SECONDS + $2))
  until eval "$1" > /dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "cluster: gave up after $2 s waiting for: $1" >&2
      return 1
    fi
    sleep 0.2
  done
}

cluster_start() {
  cluster_dir=$1
  local here host cpus port
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  host=$(hostname -s)
  cpus=$(nproc)
  port=${DAXFAIL_SLURM_PORT:-16817}
  mkdir -p "$cluster_dir"/{munge,state,spool,log}

  # The machine's key, made once if it has none (munge's package usually makes it).
  if [ ! -s /etc/munge/munge.key ]; then
    echo "cluster: creating /etc/munge/munge.key"
    mungekey --create --keyfile=/etc/munge/munge.key
    chown munge:munge /etc/munge/munge.key 2> /dev/null || true
    chmod 600 /etc/munge/munge.key
  fi
  munged --foreground --force --socket="$cluster_dir/munge/munge.socket" \
    --pid-file="$cluster_dir/munge/munged.pid" --log-file="$cluster_dir/log/munged.log" \
    --seed-file="$cluster_dir/munge/munged.seed" --key-file=/etc/munge/munge.key > "$cluster_dir/log/munged.out" 2>&1 &
  cluster_pids+=($!)
  cluster_wait_for "[ -S '$cluster_dir/munge/munge.socket' ]" 20 || return 1

  sed -e "s|@DIR@|$cluster_dir|g" -e "s|@HOST@|$host|g" -e "s|@CPUS@|$cpus|g" \
    -e "s|@PORT@|$port|g" -e "s|@SLURMD_PORT@|$((port + 1))|g" "$here/slurm.conf.in" > "$cluster_dir/slurm.conf"
  export SLURM_CONF=$cluster_dir/slurm.conf
  # -D: in the foreground, so that $! is the daemon; -c: no state from an earlier run; -i: ignore state errors.
  slurmctld -D -c -i > "$cluster_dir/log/slurmctld.out" 2>&1 &
  cluster_pids+=($!)
  cluster_wait_for "scontrol ping | grep -q UP" 30 || return 1
  slurmd -D -N "$host" > "$cluster_dir/log/slurmd.out" 2>&1 &
  cluster_pids+=($!)
  cluster_wait_for "[ \"\$(sinfo -h -N -n '$host' -o %t)\" = idle ]" 60 || return 1
  echo "cluster: node $host idle with $cpus CPU(s); slurmctld on port $port; $(sinfo --version)"
}

# Prints the end of each daemon's log: what to read when a step failed.
cluster_logs() {
  local log
  # The daemons' own logs (their *.out is the same, written to stderr as well).
  for log in "$cluster_dir"/log/*.log "$cluster_dir"/log/munged.out; do
    [ -f "$log" ] || continue
    echo "--- ${log##*/} (last 20 lines)"
    tail -n 20 "$log"
  done
}

cluster_stop() {
  local pid i
  # The other way round from the start: slurmd, slurmctld, then munged.
  for ((i = ${#cluster_pids[@]} - 1; i >= 0; i--)); do
    pid=${cluster_pids[i]}
    kill -TERM "$pid" 2> /dev/null || continue
    for _ in $(seq 50); do
      kill -0 "$pid" 2> /dev/null || break
      sleep 0.2
    done
    kill -KILL "$pid" 2> /dev/null || true
    wait "$pid" 2> /dev/null || true
  done
  cluster_pids=()
}
