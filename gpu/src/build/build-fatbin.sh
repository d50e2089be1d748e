#!/usr/bin/env bash
# Compiles gpu/src/main/cuda/longscan.cu (and the headers it includes) into one fatbin, the
# resource the GPU backend loads with cuModuleLoadData, and records beside it the SHA-256 of the
# sources it was built from (every file under src/main/cuda plus this script, see sources_hash)
# and the fatbin's entry points (kernels=, read from the PTX of the build). FatbinResourceTest
# recomputes that hash on every build, GPU or not, and fails when the committed fatbin is stale
# or its entry points are not the ones the Java side loads.
#
# usage: build-fatbin.sh [--if-stale | --force] [--require-nvcc]
#   --if-stale      (default; what Maven runs) compile only when the recorded hash differs
#   --force         compile even when the recorded hash matches
#   --require-nvcc  fail when nvcc is missing instead of keeping the committed fatbin
#
# Targets: machine code for every architecture family from Turing on that the CUDA 12/13
# toolkits support (sm_75 is still supported by nvcc 13.0: `nvcc --list-gpu-code` lists it), and
# PTX for the newest, which the driver compiles at load time on GPUs newer than all of these.
# A cubin for sm_X0 also runs on the later minor versions of the same major (sm_86 on 8.7 / 8.8,
# sm_100 on 10.3, sm_120 on 12.1). The fatbin is compressed (-compress-mode=size, about 6x
# smaller); like any CUDA 13 build it needs an NVIDIA driver of release 580 or newer.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
module=$(cd "$here/../.." && pwd)
src=$module/src/main/cuda
res=$module/src/main/resources/dev/longscan/gpu
fatbin=$res/longscan.fatbin
props=$res/longscan.fatbin.properties

mode=if-stale require=0
for arg in "$@"; do
  case "$arg" in
    --if-stale) mode=if-stale ;;
    --force) mode=force ;;
    --require-nvcc) require=1 ;;
    *) echo "build-fatbin.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done

# LONGSCAN_SASS_ARCHS / LONGSCAN_PTX_ARCH narrow the targets for quick experiments; the fatbin
# that is committed must be built with the defaults (FatbinResourceTest checks the targets).
SASS_ARCHS=${LONGSCAN_SASS_ARCHS:-"75 80 86 89 90 100 110 120"}
PTX_ARCH=${LONGSCAN_PTX_ARCH:-120}

# The hash FatbinResourceTest recomputes: for each file, in byte order of its path relative to
# src/ ("build/build-fatbin.sh", "main/cuda/..."): the path, a newline, the content without
# carriage returns, a newline.
sources_hash() {
  (cd "$module/src" && for f in $( (echo build/build-fatbin.sh; find main/cuda -type f) | LC_ALL=C sort); do
    printf '%s\n' "$f"; tr -d '\r' < "$f"; printf '\n'
  done) | sha256sum | cut -d' ' -f1
}

want=$(sources_hash)
have=$(sed -n 's/^sources.sha256=//p' "$props" 2>/dev/null || true)
if [[ $mode == if-stale && $want == "$have" && -f $fatbin ]]; then
  echo "longscan fatbin is up to date (sources $want)"
  exit 0
fi

NVCC=${NVCC:-nvcc}
if ! command -v "$NVCC" >/dev/null 2>&1; then
  if ((require)); then
    echo "build-fatbin.sh: nvcc not found on the PATH" >&2
    exit 1
  fi
  if [[ $want != "$have" ]]; then
    echo "WARNING: nvcc not found; the committed fatbin was built from other sources" \
         "(recorded $have, now $want). FatbinResourceTest will fail until it is rebuilt." >&2
  else
    echo "nvcc not found: using the committed fatbin"
  fi
  exit 0
fi

gencode=()
for a in $SASS_ARCHS; do gencode+=("-gencode=arch=compute_$a,code=sm_$a"); done
gencode+=("-gencode=arch=compute_$PTX_ARCH,code=compute_$PTX_ARCH")

version=$("$NVCC" --version | sed -n 's/.*release \([0-9.]*\), V\([0-9.]*\).*/\2/p')
echo "compiling $src/longscan.cu with nvcc $version for sm_${SASS_ARCHS// /, sm_} + compute_$PTX_ARCH"
mkdir -p "$res"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/keep"
"$NVCC" -std=c++17 -O3 -fatbin -compress-mode=size "${gencode[@]}" --keep --keep-dir "$tmp/keep" \
    -o "$tmp/longscan.fatbin" "$src/longscan.cu"
# the entry points, from the PTX the build kept (every target has the same .entry lines)
kernels=$(cat "$tmp"/keep/*.ptx | grep -o '^\.visible \.entry [A-Za-z0-9_]*' \
  | awk '{print $3}' | LC_ALL=C sort -u | paste -sd, -)
if [[ -z $kernels ]]; then
  echo "build-fatbin.sh: found no .entry lines in the PTX kept under $tmp/keep" >&2
  exit 1
fi
mv "$tmp/longscan.fatbin" "$fatbin"
{
  echo "# written by gpu/src/build/build-fatbin.sh; checked by FatbinResourceTest"
  echo "sources.sha256=$want"
  echo "fatbin.sha256=$(sha256sum "$fatbin" | cut -d' ' -f1)"
  echo "nvcc=$version"
  echo "targets=$(for a in $SASS_ARCHS; do printf 'sm_%s,' "$a"; done)compute_$PTX_ARCH"
  echo "kernels=$kernels"
} > "$props"
echo "wrote $fatbin ($(stat -c %s "$fatbin") bytes)"
