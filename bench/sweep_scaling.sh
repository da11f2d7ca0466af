#!/usr/bin/env bash
# Sweep throughput against the worker count on this machine (issue 17, item 7): one sweep of
# `runs` short runs (configs/spring_mlp.yaml shrunk: a 2-64-64-2 MLP, 1500 L-BFGS epochs,
# one thread per run) run with --workers 1, 2, ..., `max_workers` (default: the cores), each
# from scratch; prints the wall time, runs per minute and the speed-up over one worker. With
# mpirun on the PATH and hnn-host built with MPI, also the same sweep under
# `mpirun -n <max_workers + 1>` and its overhead per run against the local sweep with as many
# workers ((T_mpi - T_local) / runs).
#
#   bench/sweep_scaling.sh [build-dir] [runs] [max_workers]    (defaults: build, 8, nproc)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-"$root/build"}
runs=${2:-8}
max_workers=${3:-$(nproc)}
host="$build/bin/hnn-host"
[[ -x "$host" ]] || { echo "sweep_scaling: no $host; build first (scripts/test)" >&2; exit 2; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

cat > "$scratch/sweep.yaml" <<YAML
sweep:
  pipeline: $root/configs/spring_mlp.yaml
  set:
    models.mlp.hidden: [64, 64]
    training.optimizer.epochs: 1500
    training.optimizer.function_tolerance: 0.0
    evaluation.points: 200
  seeds: $runs
  threads_per_run: 1
YAML

# Wall time of one invocation, in seconds; the sweep must succeed.
seconds() {
  local start end
  start=$(date +%s%N)
  HNN_PLUGIN_PATH= "$@" > "$scratch/log" 2>&1 || { cat "$scratch/log" >&2; exit 1; }
  end=$(date +%s%N)
  awk -v ns=$((end - start)) 'BEGIN {printf "%.2f", ns / 1e9}'
}

echo "$runs runs of configs/spring_mlp.yaml (2-64-64-2, 1500 L-BFGS epochs), one thread each"
printf '%-22s %10s %12s %10s\n' "workers" "seconds" "runs/min" "speed-up"
one=""
local_max=""
for ((w = 1; w <= max_workers; ++w)); do
  t=$(seconds "$host" "$scratch/sweep.yaml" --quiet --no-report --workers "$w" \
    -o "$scratch/local$w")
  [[ -n "$one" ]] || one=$t
  local_max=$t
  printf '%-22s %10s %12s %10s\n' "$w (local)" "$t" \
    "$(awk -v r="$runs" -v t="$t" 'BEGIN {printf "%.1f", 60 * r / t}')" \
    "$(awk -v a="$one" -v t="$t" 'BEGIN {printf "%.2f", a / t}')"
done
if command -v mpirun > /dev/null; then
  t=$(seconds env OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
    mpirun -n $((max_workers + 1)) --oversubscribe "$host" "$scratch/sweep.yaml" --quiet \
    --no-report -o "$scratch/mpi")
  printf '%-22s %10s %12s %10s\n' "$max_workers (mpirun -n $((max_workers + 1)))" "$t" \
    "$(awk -v r="$runs" -v t="$t" 'BEGIN {printf "%.1f", 60 * r / t}')" \
    "$(awk -v a="$one" -v t="$t" 'BEGIN {printf "%.2f", a / t}')"
  echo "MPI overhead per run: $(awk -v m="$t" -v l="$local_max" -v r="$runs" \
    'BEGIN {printf "%.3f", (m - l) / r}') s (against the local sweep with $max_workers workers)"
fi
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
echo "machine: $cpu, $(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg)"
