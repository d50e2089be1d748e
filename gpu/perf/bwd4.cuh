// Harness include (gpu/perf/NOTES.md run 21): backward_long4, backward_long3 (bwd3.cuh) without
// h in shared memory, moved into gpu/src/main/cuda/long.cuh in run 22 (the width-1 backward entry
// points); this header keeps the harness's include working.
#pragma once

#include "bwd3.cuh"
