#!/usr/bin/env bash
# The multi-GPU scaling run (docs/benchmarks.md, "Multi-GPU scaling"): for each K given, a
# standalone Spark cluster of K workers with one GPU each (scripts/spark-gpu-cluster.sh) runs a
# job; the job's output (timings, checksum, reference check) goes to $LOGS/JOB-kK.log.
#
# usage: scripts/multi-gpu-scaling.sh long-series|tick-ema "K1 K2 ..." [JOB ARGS]
# Environment as for spark-gpu-cluster.sh; LOGS (default /tmp/longscan-scaling).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
job=${1:?job: long-series or tick-ema}
ks=${2:?K list, e.g. "1 2 4"}
shift 2
logs=${LOGS:-/tmp/longscan-scaling}
mkdir -p "$logs"
nvidia-smi --query-gpu=index,name,memory.total --format=csv,noheader 2>/dev/null | sed 's/^/gpu: /'
for k in $ks; do
  args=("$@")
  if [[ $job == tick-ema ]]; then
    rm -rf /tmp/ticks-data /tmp/ticks-out
    args+=(--data /tmp/ticks-data --out /tmp/ticks-out)
  fi
  t0=$(date +%s.%N)
  WORK=/tmp/longscan-cluster-$k bash "$here/spark-gpu-cluster.sh" "$k" -- "$job" "${args[@]}" \
    > "$logs/$job-k$k.log" 2>&1
  rc=$?
  t1=$(date +%s.%N)
  echo "== $job K=$k rc=$rc wall $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}') s"
  sed 's/\r/\n/g' "$logs/$job-k$k.log" | grep -v -E '^\[Stage|^ *$| INFO | WARN |^\s+at |^Caused' | tail -40
done
