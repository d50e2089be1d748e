#!/usr/bin/env bash
# GPU discovery script for Spark's resource scheduling (the role of Spark's example
# getGpusResources.sh), for longscan executors:
#
#   spark.executor.resource.gpu.amount=1
#   spark.executor.resource.gpu.discoveryScript=/path/to/longscan/bin/gpu-discovery.sh
#   spark.task.resource.gpu.amount=0.25          # fractional: four tasks share one GPU
#   (standalone workers: spark.worker.resource.gpu.amount and ...discoveryScript likewise)
#
# Prints the resource as Spark expects it, e.g. {"name": "gpu", "addresses": ["0", "1"]}: the
# indices nvidia-smi reports, restricted to CUDA_VISIBLE_DEVICES when that is set to indices
# (longscan maps an address back to its CUDA ordinal through the same variable). The resource
# name is "gpu", or the first argument. Exits non-zero, saying why, when no GPU can be listed.
set -euo pipefail

name=${1:-gpu}
smi=${NVIDIA_SMI:-nvidia-smi}
if ! command -v "$smi" >/dev/null 2>&1; then
  echo "gpu-discovery.sh: $smi not found: no NVIDIA driver on this host?" >&2
  exit 1
fi
mapfile -t ids < <("$smi" --query-gpu=index --format=csv,noheader | tr -d ' \r' | grep -E '^[0-9]+$' || true)
if [[ -n ${CUDA_VISIBLE_DEVICES:-} ]]; then
  IFS=, read -ra visible <<<"${CUDA_VISIBLE_DEVICES// /}"
  keep=()
  for v in "${visible[@]}"; do
    for i in "${ids[@]}"; do
      [[ $v == "$i" ]] && keep+=("$i")
    done
  done
  ids=("${keep[@]+"${keep[@]}"}")
fi
if ((${#ids[@]} == 0)); then
  echo "gpu-discovery.sh: $smi lists no GPU${CUDA_VISIBLE_DEVICES:+ among CUDA_VISIBLE_DEVICES=$CUDA_VISIBLE_DEVICES}" >&2
  exit 1
fi
out=""
for i in "${ids[@]}"; do
  out+="${out:+, }\"$i\""
done
printf '{"name": "%s", "addresses": [%s]}\n' "$name" "$out"
