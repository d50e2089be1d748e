#!/usr/bin/env bash
# Copy of the driver script used for the GPU runs in NOTES.md: staged with the bundle from
# ../shared/gpu/bundle.sh -m gpu as .gpu-bundle/part-1/go.sh and run there as
#   bash .gpu-bundle/part-1/go.sh tests-bench-sanitize   (modes: smoke, tests, bench, sanitize)
# longscan gpu: smoke benchmark, GPU tests, full benchmark (logs under $OUT)
B=$(cd "$(dirname "$0")" && pwd)
mode=${1:-all}
{ nvidia-smi; nvidia-smi -q | grep -iE "Product Name|Driver Version|CUDA Version|Graphics|SM  |Memory  "; nproc; uname -a; } > $OUT/smi.txt 2>&1
bash $B/stage.sh >/dev/null
if [[ $mode == *smoke* ]]; then
  echo "== smoke"; timeout 120 bash $B/run.sh --main dev.longscan.gpu.GpuBenchmark --quick --runs 5 --only long > $OUT/smoke.log 2>&1; echo "rc=$?"; tail -20 $OUT/smoke.log
fi
if [[ $mode == *tests* ]]; then
  echo "== tests"; timeout ${TEST_TIMEOUT:-300} bash $B/run.sh --tests -t gpu > $OUT/tests.log 2>&1; echo "rc=$?"
  grep -E "✘|expected|Exception" $OUT/tests.log | head -30; tail -16 $OUT/tests.log
fi
if [[ $mode == *bench* ]]; then
  echo "== bench"; timeout ${BENCH_TIMEOUT:-200} bash $B/run.sh --main dev.longscan.gpu.GpuBenchmark --out $OUT/bench.md $BENCH_ARGS > $OUT/bench.log 2>&1; echo "rc=$?"; grep "^|" $OUT/bench.log | tail -60; grep check $OUT/bench.log
fi
if [[ $mode == *sanitize* ]]; then
  echo "== memcheck"; export PATH=$PATH:/usr/local/cuda/bin
  timeout ${SAN_TIMEOUT:-150} compute-sanitizer --tool memcheck --target-processes all --print-limit 20 bash $B/run.sh --tests -t gpu --include-classname '.*(GpuOperationsTest|GpuErrorPathsTest)' > $OUT/memcheck.log 2>&1; echo "rc=$?"
  grep -E "ERROR SUMMARY|Invalid|tests (successful|failed)" $OUT/memcheck.log | head -20
fi
