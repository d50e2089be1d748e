#!/usr/bin/env bash
# Kernels64.java is Kernels32.java with float replaced by double. Run from core/ after editing
# Kernels32.java; KernelsInStepTest fails while the two are out of step.
set -euo pipefail
cd "$(dirname "$0")/../main/java/dev/longscan"
sed -e 's/new float\[/new double[/g; s/float\[\]/double[]/g; s/(float)/(double)/g; s/float /double /g' \
    -e 's/Float\.MIN_NORMAL/Double.MIN_NORMAL/g; s/Float\.floatToRawIntBits/Double.doubleToRawLongBits/g' \
    -e 's/^ \* {@link Backend}). Kernels64, for float64, is generated from this file by$/ * {@link Backend}). Edit the float32 file and run that script; header lines 4 to 7/' \
    -e 's/^ \* core\/src\/build\/gen-kernels64.sh\.$/ * are the only ones it rewrites./' \
    -e 's/Kernels32/Kernels64/g' \
    -e 's/^ \* CPU kernels for float32 data over one chunk of steps \[lo, hi) (time indices); arithmetic in$/ * GENERATED from Kernels32.java by core\/src\/build\/gen-kernels64.sh: do not edit. CPU kernels for/' \
    -e 's/^ \* float32 inside a chunk, summaries and carries in float64\. Trusts its arguments (validated by$/ * float64 data over one chunk of steps [lo, hi). Trusts its arguments (validated by/' \
    Kernels32.java > Kernels64.java
