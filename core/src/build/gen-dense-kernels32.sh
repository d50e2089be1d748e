#!/usr/bin/env bash
# DenseKernels32.java is DenseKernels64.java with its data arrays (parameters whose names start
# with an upper-case letter) made float[] and their stores rounded; arithmetic, states and
# summaries stay float64. Run from anywhere after editing DenseKernels64.java; DenseKernelsInStepTest
# fails while the two are out of step.
set -euo pipefail
cd "$(dirname "$0")/../main/java/dev/longscan"
{
  echo "// GENERATED from DenseKernels64.java by core/src/build/gen-dense-kernels32.sh: do not edit."
  sed -e 's/double\[\] \([A-Z][A-Za-z]*\)/float[] \1/g' \
      -e 's/ (double) / (float) /g' \
      -e 's/for float64 data/for float32 data/' \
      -e 's/DenseKernels64/DenseKernels32/g' \
      DenseKernels64.java
} > DenseKernels32.java
