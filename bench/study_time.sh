#!/usr/bin/env bash
# Times the whole study pipeline (configs/spring_study.yaml: data, three models trained to
# 20 000 L-BFGS epochs or Ceres' convergence, evaluation, symbolic stage, figures and report)
# on this machine, and prints one line for the README with the machine it ran on.
#
#   bench/study_time.sh [build-dir] [runs]      (defaults: build, 3 runs; the median is kept)
#
# Needs a Release build (scripts/run-flagship or scripts/test builds one). The time is the
# wall-clock time of `hnn-host configs/spring_study.yaml`, end to end, in a scratch folder.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-"$root/build"}
runs=${2:-3}
host="$build/bin/hnn-host"
[[ -x "$host" ]] || { echo "study_time: no $host; build first (scripts/test)" >&2; exit 2; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

times=()
for ((i = 1; i <= runs; ++i)); do
  start=$(date +%s%N)
  HNN_PLUGIN_PATH= "$host" "$root/configs/spring_study.yaml" -o "$scratch/run" --force --quiet \
    > "$scratch/log" 2>&1 || { cat "$scratch/log" >&2; exit 1; }
  end=$(date +%s%N)
  times+=("$(awk -v ns=$((end - start)) 'BEGIN {printf "%.3f", ns / 1e9}')")
  echo "run $i: ${times[-1]} s"
done
median=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
cores=$(nproc)
memory=$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
echo "per model (training seconds, epochs, termination):"
awk 'function show() { if (model != "") print "  " model, seconds " s,", epochs " epochs,", termination }
     /^models:/ {in_models = 1; next}
     in_models && /^  [a-z_0-9]+:$/ {show(); model = $1; termination = "not trained"}
     in_models && /^    training_seconds:/ {seconds = $2}
     in_models && /^    epochs:/ {epochs = $2}
     in_models && /^    termination:/ {termination = $2}
     END {show()}' "$scratch/run/summary.yaml"
printf 'study: %.1f s (median of %d) on %s, %s cores, %s\n' "$median" "$runs" "$cpu" "$cores" \
  "$memory"
