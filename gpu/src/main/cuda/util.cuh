// Small kernels around the scans: composing per-tile summaries into a running chunk summary,
// summing per-tile partial gradients, the device-to-device copy used as the benchmark's
// bandwidth yardstick, and a counter-based random fill for benchmark inputs.
#pragma once

#include "common.cuh"

namespace ls {

constexpr int FOLD_NT = 1024;

// run = run |> (parts[0] |> parts[1] |> ... |> parts[P-1]) for one channel, in a fixed order:
// thread j composes a fixed contiguous range of parts, then a warp scan and the warps in order.
LS_DEV void fold_long(const double* __restrict__ pa, const double* __restrict__ pb,
                      const int* __restrict__ pf, long long P, double* run_a, double* run_b,
                      int* run_f) {
  __shared__ El<double> s_warp[FOLD_NT / 32];
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  const long long per = (P + FOLD_NT - 1) / FOLD_NT;
  const long long lo = tid * per;
  const long long hi = lo + per < P ? lo + per : P;
  El<double> acc = empty<double>();
  for (long long p = lo; p < hi; ++p) acc = cat<double, true>(acc, from_bits(pa[p], pb[p], pf[p]));
  acc = warp_inclusive<double, true, false>(acc, lane);
  if (lane == 31) s_warp[warp] = acc;
  __syncthreads();
  if (tid == 0) {
    El<double> t = from_bits(run_a[0], run_b[0], run_f[0]);
    for (int w = 0; w < FOLD_NT / 32; ++w) t = cat<double, true>(t, s_warp[w]);
    run_a[0] = t.a;
    run_b[0] = t.b;
    run_f[0] = bits(t);
  }
}

// The same for D channels: thread per channel, parts in order.
LS_DEV void fold_wide(const double* __restrict__ pa, const double* __restrict__ pb,
                      const int* __restrict__ pf, long long P, long long D, double* run_a,
                      double* run_b, int* run_f) {
  const long long c = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (c >= D) return;
  El<double> t = from_bits(run_a[c], run_b[c], run_f[c]);
  for (long long p = 0; p < P; ++p) {
    t = cat<double, true>(t, from_bits(pa[p * D + c], pb[p * D + c], pf[p * D + c]));
  }
  run_a[c] = t.a;
  run_b[c] = t.b;
  run_f[c] = bits(t);
}

// run += sum of parts[0..P) for one channel, in a fixed order.
LS_DEV void sum_long(const double* __restrict__ parts, long long P, double* run) {
  __shared__ double s_tmp[FOLD_NT / 32];
  const int tid = threadIdx.x;
  const long long per = (P + FOLD_NT - 1) / FOLD_NT;
  const long long lo = tid * per;
  const long long hi = lo + per < P ? lo + per : P;
  double s = 0.0;
  for (long long p = lo; p < hi; ++p) s += parts[p];
  s = block_sum<FOLD_NT>(s, s_tmp);
  if (tid == 0) run[0] += s;
}

LS_DEV void sum_wide(const double* __restrict__ parts, long long P, long long D, double* run) {
  const long long c = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (c >= D) return;
  double s = 0.0;
  for (long long p = 0; p < P; ++p) s += parts[p * D + c];
  run[c] += s;
}

// The identity summary (empty) in each of D channels.
LS_DEV void summary_init(double* run_a, double* run_b, int* run_f, long long D) {
  const long long c = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (c >= D) return;
  run_a[c] = 1.0;
  run_b[c] = 0.0;
  run_f[c] = 2;
}

// dst = src, n4 16-byte vectors (grid-stride).
LS_DEV void copy16(const float4* __restrict__ src, float4* __restrict__ dst, long long n4) {
  const long long stride = (long long)gridDim.x * blockDim.x;
  for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n4; i += stride) {
    __stcs(dst + i, __ldcs(src + i));
  }
}

LS_DEV unsigned long long mix64(unsigned long long z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// p[i] = lo + (hi - lo) * u_i, negated with probability 1/2 when sign != 0; u_i in [0, 1) from a
// counter-based generator (splitmix64 of seed + i), so the values do not depend on the launch.
template <typename T>
LS_DEV void fill_uniform(T* p, long long n, unsigned long long seed, double lo, double hi,
                         int sign) {
  const long long stride = (long long)gridDim.x * blockDim.x;
  for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
    const unsigned long long z = mix64(seed + 0x9e3779b97f4a7c15ULL * (unsigned long long)(i + 1));
    const double u = (double)(z >> 11) * (1.0 / 9007199254740992.0);
    double v = lo + (hi - lo) * u;
    if (sign && (z & 1)) v = -v;
    p[i] = (T)v;
  }
}

}  // namespace ls
