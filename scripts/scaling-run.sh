#!/usr/bin/env bash
# The multi-GPU scaling runs of docs/benchmarks.md ("Multi-GPU scaling"), on a host with 4 GPUs (or
# KS="8 4 2 1" on 8) and the bundle staged in /tmp/gpu-bundle (../shared/gpu/bundle.sh -m
# spark,gpu,examples --full-jre).
# usage: [KS="K ..."] scripts/scaling-run.sh long|longgpu|tick|all
#   (longgpu: only the first long-series row; logs and summaries under $OUT or /tmp/scaling)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-/tmp/scaling}; mkdir -p "$out"
export BUNDLE=${BUNDLE:-/tmp/gpu-bundle} LOGS=$out/logs
what=${1:-all}
case $what in
  long|longgpu|tick|all) ;;
  *) echo "scaling-run.sh: expected long, longgpu, tick or all, found '$what'" >&2; exit 2 ;;
esac
ks=${KS:-4 2 1}
kmax=${ks%% *}
if [[ $what == long || $what == longgpu || $what == all ]]; then
  # the host's memory bandwidth (every byte of these jobs passes through it)
  python3 - <<'PY' 2>&1 | tee "$out/hostbw.txt"
import torch, time
a = torch.rand(2**28); b = torch.empty_like(a)
for th in (1, 4, 8, 16, 32, 48, 64, 96, 128):
    torch.set_num_threads(th); best = 1e9
    for _ in range(5):
        t = time.perf_counter(); b.copy_(a); best = min(best, time.perf_counter() - t)
    print(f"host copy of 1 GiB, {th} threads: {2 * 2**30 / best / 1e9:.1f} GB/s (read + write)")
PY
  A="--steps 4294967296 --chunk-steps 4194304 --partitions 256 --warmup --profile"
  timeout 300 bash "$here/multi-gpu-scaling.sh" long-series "$ks" $A --backend gpu 2>&1 | tee "$out/long-gpu.txt"
fi
if [[ $what == long || $what == all ]]; then
  timeout 300 env MEMORY_PER_WORKER=100g bash "$here/multi-gpu-scaling.sh" long-series "$ks" $A --backend gpu --cache 2>&1 | tee "$out/long-gpu-cached.txt"
  timeout 150 bash "$here/multi-gpu-scaling.sh" long-series "$kmax 1" $A --backend cpu 2>&1 | tee "$out/long-cpu.txt"
fi
if [[ $what == tick || $what == all ]]; then
  timeout 500 bash "$here/multi-gpu-scaling.sh" tick-ema "$ks" --rows 100000000 --symbols 1000 --partitions 128 --backend gpu --profile 2>&1 | tee "$out/tick.txt"
fi
