// Harness include: the pipelined persistent width-1 scan scan_long3 and its cp.async group helpers
// moved into gpu/src/main/cuda/long.cuh when it became the width-1 scan entry point (layout 7,
// gpu/perf/NOTES.md run 19). Kept so that harness.cu and stress.cu build unchanged.
#pragma once

#include "../src/main/cuda/long.cuh"
