// Timing and stress validation of the pipelined persistent width-1 backward (bwd3.cuh
// backward_long3, NOTES.md run 20).
//
//   nvcc -O3 -std=c++17 -arch=sm_90 -DBS_BENCH -o bbench lab/gpu/bstress.cu
//   ./bbench                  fp32 T = 2^28 timings (ratios to the copy kernel) + checks
//   nvcc -O3 -std=c++17 -arch=sm_90 -o bstress lab/gpu/bstress.cu
//   ./bstress [reps] [random cases] [seed]   (defaults 20, 200, 1)
//   ./bstress --tiny          small multi-tile-per-block cases (for compute-sanitizer)
//   -DBS_S1: the kernel under test with one stage, not early (the form for sm_75)
//   -DBS_STRESS_OVL: the kernel under test with OVL (look-back before the next tile's wait)
//   -DBS_OVL (with BS_BENCH): also time the OVL variants
//   -DBS_R21B (with BS_BENCH): also backward_long4 HPRE 0 with MW 256, and more repeats
//   -DBS_ENTRY: the kernel under test is the entry points ls_backward_long_* of longscan.cu
//   -DBS_NOH [-DBS_HPRE=0|1|2] [-DBS_S=2|3] [-DBS_MINB=k]: the kernel under test is knobs.cuh
//     backward_long4 (h not staged; NOTES.md run 21), default HPRE 1, S 2, MINB 3
//
// Stress: every run of the kernel under test (256 x 16 / 8, S 2, early, MW 128 / 64) is checked
// bitwise against backward_long2 with the same tile shape and window (∂a, ∂b, the per-tile g0
// partials and the carry), against a float64 sequential backward on the host (tolerance), and
// bitwise against the first run of its case. Cases: fixed sizes (many tiles per block at the
// resident grid) in all 16 type / direction / segmentation / chunk-end combinations, then random
// type, direction, segmentation, chunk ends (first / last in or out of the launch), size
// (1 .. 4.2 M, often near tile multiples), window and grid cap (1 .. 40 blocks, so that small
// sizes run several tiles per block). One status buffer per kernel is reused across launches.
#include "../../gpu/src/main/cuda/longscan.cu"
#include "legacy.cuh"
#include "bwd3.cuh"
#include "knobs.cuh"

#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#define CK(x)                                                                          \
  do {                                                                                 \
    cudaError_t e_ = (x);                                                              \
    if (e_ != cudaSuccess) {                                                           \
      fprintf(stderr, "%s:%d %s: %s\n", __FILE__, __LINE__, #x, cudaGetErrorString(e_)); \
      exit(1);                                                                         \
    }                                                                                  \
  } while (0)

static int g_sms = 132;
static long long g_fail = 0, g_runs = 0, g_bitdiff = 0, g_refdiff = 0;

#define BWD_ARGS                                                                               \
  const T *a, const T *h, const T *g, const uint8_t *bf, T *ga, T *gb, long long n,           \
      long long first, long long last, double a_next, double h_prev, double h0,              \
      const double *cin, double *cout, double *g0p, void *status, long long slots, long long tb, \
      unsigned long long epoch, int W
#define BWD_PASS \
  a, h, g, bf, ga, gb, n, first, last, a_next, h_prev, h0, cin, cout, g0p, status, slots, tb, epoch, W

template <typename T, bool REV, bool SEG, int NT, int IT, int S, int MW, bool EARLY, int MINB,
          bool OVL = false>
__global__ void __launch_bounds__(NT, MINB) k_bwd3(BWD_ARGS) {
  ls::backward_long3<T, REV, SEG, NT, IT, S, MW, 0, EARLY, OVL>(BWD_PASS);
}
template <typename T, bool REV, bool SEG, int NT, int IT, int S, int MW, bool EARLY, int MINB,
          int HPRE>
__global__ void __launch_bounds__(NT, MINB) k_bwd4(BWD_ARGS) {
  ls::backward_long4<T, REV, SEG, NT, IT, S, MW, 0, EARLY, HPRE>(BWD_PASS);
}
template <typename T, bool REV, bool SEG, int NT, int IT, int MW, int MINB>
__global__ void __launch_bounds__(NT, MINB) k_bwd2(BWD_ARGS) {
  ls::backward_long2<T, REV, SEG, NT, IT, MW, true, 0>(BWD_PASS);
}

struct Stat {
  void* base = nullptr;
  long long slots = 0, tickets = 0;
  unsigned long long epoch = 0;
  size_t bytes = 0;
  void zero() {
    CK(cudaMemset(base, 0, bytes));
    epoch = 0;
    tickets = 0;
  }
};
static Stat make_stat(long long slots) {
  Stat s;
  s.slots = slots;
  s.bytes = 256 + 3 * slots * 16;
  CK(cudaMalloc(&s.base, s.bytes));
  s.zero();
  return s;
}

template <typename T>
struct Args {
  const T *a, *h, *g;
  const uint8_t* bf;
  T *ga, *gb;
  long long n, first, last;
  double an, hp, h0;
  const double* cin;
  double *cout, *g0p;
};

// a launcher: persistent (grid = min(tiles, resident, cap); tiles + grid tickets) or one block
// per tile
template <typename T>
struct Launcher {
  void (*k)(BWD_ARGS) = nullptr;
  int nt = 0, smem = 0;
  long long tile = 0, resident = 0;
  bool persistent = false;
  std::string name;
  void launch(const Args<T>& x, Stat& s, int W, long long cap = 0) const {
    const long long tiles = (x.n + tile - 1) / tile;
    long long grid = tiles;
    if (persistent) {
      grid = std::max(1LL, std::min(tiles, resident));
      if (cap > 0) grid = std::min(grid, cap);
    }
    s.epoch++;
    k<<<(unsigned)grid, nt, smem>>>(x.a, x.h, x.g, x.bf, x.ga, x.gb, x.n, x.first, x.last, x.an,
                                    x.hp, x.h0, x.cin, x.cout, x.g0p, s.base, s.slots, s.tickets,
                                    s.epoch, W);
    CK(cudaGetLastError());
    s.tickets += tiles + (persistent ? grid : 0);
  }
};

template <typename T, bool REV, bool SEG, int NT, int IT, int S, int MW, bool EARLY, int MINB,
          bool OVL = false>
static Launcher<T> mk3(bool print) {
  Launcher<T> L;
  L.k = k_bwd3<T, REV, SEG, NT, IT, S, MW, EARLY, MINB, OVL>;
  L.nt = NT;
  L.smem = ls::backward_long3_smem<T, NT, IT, SEG, S>();
  L.tile = NT * IT;
  L.persistent = true;
  CK(cudaFuncSetAttribute(L.k, cudaFuncAttributeMaxDynamicSharedMemorySize, L.smem));
  int nb = 0;
  CK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&nb, L.k, NT, L.smem));
  L.resident = (long long)nb * g_sms;
  cudaFuncAttributes fa;
  CK(cudaFuncGetAttributes(&fa, L.k));
  char nm[160];
  snprintf(nm, sizeof nm, "bwd3 %s %s %s %d x %d, S %d, %s, MW %d", sizeof(T) == 4 ? "f32" : "f64",
           REV ? "rev" : "fwd", SEG ? "seg" : "plain", NT, IT, S, EARLY ? (OVL ? "early, ovl" : "early") : "not early", MW);
  L.name = nm;
  if (print)
    printf("[%s: %d regs, %d B local, smem %d B, %d blocks/SM]\n", nm, fa.numRegs,
           (int)fa.localSizeBytes, L.smem, nb);
  return L;
}
template <typename T, bool REV, bool SEG, int NT, int IT, int S, int MW, bool EARLY, int MINB,
          int HPRE>
static Launcher<T> mk4(bool print) {
  Launcher<T> L;
  L.k = k_bwd4<T, REV, SEG, NT, IT, S, MW, EARLY, MINB, HPRE>;
  L.nt = NT;
  L.smem = ls::backward_long4_smem<T, NT, IT, SEG, S>();
  L.tile = NT * IT;
  L.persistent = true;
  CK(cudaFuncSetAttribute(L.k, cudaFuncAttributeMaxDynamicSharedMemorySize, L.smem));
  int nb = 0;
  CK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&nb, L.k, NT, L.smem));
  L.resident = (long long)nb * g_sms;
  cudaFuncAttributes fa;
  CK(cudaFuncGetAttributes(&fa, L.k));
  char nm[160];
  snprintf(nm, sizeof nm, "bwd4 noh %s %s %s %d x %d, S %d, %s, HPRE %d, MW %d",
           sizeof(T) == 4 ? "f32" : "f64", REV ? "rev" : "fwd", SEG ? "seg" : "plain", NT, IT, S,
           EARLY ? "early" : "not early", HPRE, MW);
  L.name = nm;
  if (print)
    printf("[%s: %d regs, %d B local, smem %d B, %d blocks/SM]\n", nm, fa.numRegs,
           (int)fa.localSizeBytes, L.smem, nb);
  return L;
}
template <typename T, bool REV, bool SEG, int NT, int IT, int MW, int MINB>
static Launcher<T> mk2(bool print) {
  Launcher<T> L;
  L.k = k_bwd2<T, REV, SEG, NT, IT, MW, MINB>;
  L.nt = NT;
  L.smem = ls::backward_long2_smem<T, NT * IT, SEG>();
  L.tile = NT * IT;
  CK(cudaFuncSetAttribute(L.k, cudaFuncAttributeMaxDynamicSharedMemorySize, L.smem));
  int nb = 0;
  CK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&nb, L.k, NT, L.smem));
  cudaFuncAttributes fa;
  CK(cudaFuncGetAttributes(&fa, L.k));
  char nm[160];
  snprintf(nm, sizeof nm, "bwd2 %s %d x %d, MW %d", sizeof(T) == 4 ? "f32" : "f64", NT, IT, MW);
  L.name = nm;
  if (print)
    printf("[%s: %d regs, %d B local, smem %d B, %d blocks/SM]\n", nm, fa.numRegs,
           (int)fa.localSizeBytes, L.smem, nb);
  return L;
}

template <typename T>
__global__ void k_diff(const T* x, const T* y, long long n, unsigned long long* cnt) {
  for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n;
       i += (long long)gridDim.x * blockDim.x) {
    bool ne;
    if constexpr (sizeof(T) == 4) {
      ne = __float_as_uint(x[i]) != __float_as_uint(y[i]);
    } else {
      ne = __double_as_longlong(x[i]) != __double_as_longlong(y[i]);
    }
    if (ne) atomicAdd(cnt, 1ULL);
  }
}

static unsigned long long* g_cnt;
template <typename T>
static unsigned long long ndiff(const T* x, const T* y, long long n) {
  if (n <= 0) return 0;
  CK(cudaMemset(g_cnt, 0, 8));
  k_diff<T><<<g_sms * 4, 256>>>(x, y, n, g_cnt);
  unsigned long long r = 0;
  CK(cudaMemcpy(&r, g_cnt, 8, cudaMemcpyDeviceToHost));
  return r;
}

static double rel(double x, double y) {
  double e = std::fabs(x - y) / (1 + std::fabs(y));
  return std::isnan(e) ? INFINITY : e;
}

#ifdef BS_BENCH
// ------------------------------------------------------------------ timings
static cudaEvent_t ev0, ev1;
static double time_ms(int sets, const std::function<void(int)>& body, int runs = 15) {
  for (int i = 0; i < 3; ++i) body(i % sets);
  CK(cudaDeviceSynchronize());
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    CK(cudaEventRecord(ev0));
    body(i % sets);
    CK(cudaEventRecord(ev1));
    CK(cudaEventSynchronize(ev1));
    float e;
    CK(cudaEventElapsedTime(&e, ev0, ev1));
    ms.push_back(e);
  }
  CK(cudaGetLastError());
  std::sort(ms.begin(), ms.end());
  return ms[runs / 2];
}
static double g_copy_bw = 0;
static void row(const std::string& name, double bytes, double ms) {
  double bw = bytes / ms;
  printf("| %-58s | %8.3f ms | %6.0f GB/s | %.3f |\n", name.c_str(), ms, bw / 1e6,
         g_copy_bw > 0 ? bw / g_copy_bw : 1.0);
  fflush(stdout);
}
__global__ void k_fill(float* p, long long n, unsigned long long seed, float lo, float hi, int sign) {
  for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n;
       i += (long long)gridDim.x * blockDim.x) {
    unsigned long long z = (i + 1) * 0x9E3779B97F4A7C15ULL ^ seed * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 31)) * 0x94D049BB133111EBULL;
    z ^= z >> 29;
    float u = (float)((z >> 40) * (1.0 / 16777216.0));
    float v = lo + (hi - lo) * u;
    if (sign && (z & 1)) v = -v;
    p[i] = v;
  }
}

int main() {
  cudaDeviceProp prop;
  CK(cudaGetDeviceProperties(&prop, 0));
  g_sms = prop.multiProcessorCount;
  CK(cudaEventCreate(&ev0));
  CK(cudaEventCreate(&ev1));
  CK(cudaMalloc(&g_cnt, 8));
  printf("device %s, %d SMs\n", prop.name, g_sms);
  const long long n = 1LL << 28;
  const int sets = 2;
  float* x[sets][5];
  for (int s = 0; s < sets; ++s) {
    for (int i = 0; i < 5; ++i) CK(cudaMalloc(&x[s][i], n * 4));
    k_fill<<<g_sms * 8, 256>>>(x[s][0], n, 500 + s, 0.3f, 0.98f, 1);
    k_fill<<<g_sms * 8, 256>>>(x[s][1], n, 600 + s, -3, 3, 0);
    k_fill<<<g_sms * 8, 256>>>(x[s][2], n, 700 + s, -1, 1, 0);
  }
  {  // copy yardstick (as harness.cu)
    float* dst;
    CK(cudaMalloc(&dst, n * 4));
    double ms = time_ms(sets, [&](int s) {
      ls_copy16<<<g_sms * 8, LS_NT>>>((const float4*)x[s][0], (float4*)dst, n / 4);
    });
    g_copy_bw = 8.0 * n / ms;
    row("copy kernel (yardstick), 2^28 fp32", 8.0 * n, ms);
    CK(cudaFree(dst));
  }
  double* state;
  CK(cudaMalloc(&state, 64));
  CK(cudaMemset(state, 0, 64));
  double *parts, *parts2;
  CK(cudaMalloc(&parts, n / 1024 * 8));
  CK(cudaMalloc(&parts2, n / 1024 * 8));
  Stat st = make_stat(n / 1024 + 8);
  auto args = [&](int s, float* ga, float* gb, double* g0p, double* cout) {
    Args<float> A{x[s][0], x[s][1], x[s][2], nullptr, ga, gb, n, 0, n - 1, 0.0, 0.0, 0.0,
                  state, cout, g0p};
    return A;
  };
  auto run = [&](const Launcher<float>& L, int W) {
    const long long tiles = n / L.tile;
    double ms = time_ms(sets, [&](int s) {
      L.launch(args(s, x[s][3], x[s][4], parts, state + 1), st, W);
      ls_sum_long<<<1, ls::FOLD_NT>>>(parts, tiles, state + 2);
    });
    row(L.name + ", W " + std::to_string(W), 20.0 * n, ms);
  };
  printf("== fp32 backward, width 1, T = 2^28 (20 B/element; forward scan order, plain)\n");
  auto e2 = mk2<float, false, false, 256, 16, 64, 4>(true);
  e2.name += " (entry-point shape)";
  run(e2, 32);
  run(e2, 64);
  auto p1 = mk3<float, false, false, 256, 16, 2, 128, true, 2>(true);
  for (int W : {64, 128}) run(p1, W);
#ifdef BS_RUN20
  auto p2 = mk3<float, false, false, 256, 16, 2, 256, true, 2>(true);
  for (int W : {128, 192, 256}) run(p2, W);
  auto p3 = mk3<float, false, false, 128, 16, 2, 128, true, 4>(true);
  for (int W : {64, 128}) run(p3, W);
  auto p4 = mk3<float, false, false, 128, 16, 2, 256, true, 4>(true);
  for (int W : {192, 256}) run(p4, W);
  auto p5 = mk3<float, false, false, 256, 16, 1, 128, false, 2>(true);
  for (int W : {64, 128}) run(p5, W);
#ifdef BS_OVL
  auto o1 = mk3<float, false, false, 256, 16, 2, 128, true, 2, true>(true);
  for (int W : {32, 64, 128}) run(o1, W);
  auto o2 = mk3<float, false, false, 128, 16, 2, 128, true, 4, true>(true);
  for (int W : {64, 128}) run(o2, W);
  auto o3 = mk3<float, false, false, 128, 16, 2, 256, true, 4, true>(true);
  for (int W : {192, 256}) run(o3, W);
#endif
#endif
  // run 21: h not staged (knobs.cuh)
  auto n0 = mk4<float, false, false, 256, 16, 2, 128, true, 3, 0>(true);
  for (int W : {32, 64, 96, 128}) run(n0, W);
  auto n1 = mk4<float, false, false, 256, 16, 2, 128, true, 3, 1>(true);
  for (int W : {32, 64, 96, 128}) run(n1, W);
  auto n2 = mk4<float, false, false, 256, 16, 2, 128, true, 3, 2>(true);
  for (int W : {32, 64, 96, 128}) run(n2, W);
  auto n3 = mk4<float, false, false, 256, 16, 3, 128, true, 2, 1>(true);
  for (int W : {64, 128}) run(n3, W);
  auto n4 = mk4<float, false, false, 256, 16, 2, 64, true, 3, 1>(true);
  for (int W : {32, 64}) run(n4, W);
  auto n5 = mk4<float, false, false, 128, 16, 2, 128, true, 6, 1>(true);
  for (int W : {64, 128}) run(n5, W);
#ifdef BS_R21B
  // run 21, second call: HPRE 0 with MW 256 (windows above 128)
  auto n6 = mk4<float, false, false, 256, 16, 2, 256, true, 3, 0>(true);
  for (int W : {128, 160, 192, 256}) run(n6, W);
  for (int r = 0; r < 2; ++r) {
    run(e2, 32);
    run(e2, 64);
    for (int W : {64, 96, 128}) run(n0, W);
    run(n6, 192);
  }
#endif
  printf("== repeats of the leading shapes (interleaved)\n");
  for (int r = 0; r < 2; ++r) {
    run(e2, 32);
    run(e2, 64);
    run(n0, 64);
    run(n1, 64);
    run(n2, 64);
    run(n1, 128);
    run(n2, 128);
#ifdef BS_OVL
    run(o1, 128);
    run(o2, 128);
#endif
  }

  // checks at 2^28: p1 at W 64 bitwise equal to e2 at W 64 (same tile shape and window), two
  // runs of p1 at W 128 bitwise equal, and the float64 sequential error
  {
    float *ga1, *gb1;
    CK(cudaMalloc(&ga1, n * 4));
    CK(cudaMalloc(&gb1, n * 4));
    e2.launch(args(0, x[0][3], x[0][4], parts, state + 1), st, 64);
    p1.launch(args(0, ga1, gb1, parts2, state + 2), st, 64);
    CK(cudaDeviceSynchronize());
    unsigned long long d1 = ndiff(x[0][3], ga1, n) + ndiff(x[0][4], gb1, n) +
                            ndiff(parts, parts2, n / 4096);
    printf("check 2^28: pipelined 256 x 16 W 64 vs backward_long2 256 x 16 W 64: %llu values differ\n", d1);
    p1.launch(args(0, x[0][3], x[0][4], parts, state + 1), st, 128);
    p1.launch(args(0, ga1, gb1, parts2, state + 2), st, 128);
    CK(cudaDeviceSynchronize());
    unsigned long long d2 = ndiff(x[0][3], ga1, n) + ndiff(x[0][4], gb1, n) +
                            ndiff(parts, parts2, n / 4096);
    printf("check 2^28: pipelined 256 x 16 W 128, two runs: %llu values differ\n", d2);
#ifdef BS_OVL
    e2.launch(args(0, x[0][3], x[0][4], parts, state + 1), st, 64);
    o1.launch(args(0, ga1, gb1, parts2, state + 2), st, 64);
    CK(cudaDeviceSynchronize());
    const unsigned long long d3 = ndiff(x[0][3], ga1, n) + ndiff(x[0][4], gb1, n) +
                                  ndiff(parts, parts2, n / 4096);
    printf("check 2^28: pipelined 256 x 16 ovl W 64 vs backward_long2 256 x 16 W 64: %llu values differ\n", d3);
    d2 += d3;
    p1.launch(args(0, ga1, gb1, parts2, state + 2), st, 128);
#endif
    std::vector<float> av(n), hv(n), gv(n), ga(n), gb(n);
    CK(cudaMemcpy(av.data(), x[0][0], n * 4, cudaMemcpyDeviceToHost));
    CK(cudaMemcpy(hv.data(), x[0][1], n * 4, cudaMemcpyDeviceToHost));
    CK(cudaMemcpy(gv.data(), x[0][2], n * 4, cudaMemcpyDeviceToHost));
    CK(cudaMemcpy(ga.data(), ga1, n * 4, cudaMemcpyDeviceToHost));
    CK(cudaMemcpy(gb.data(), gb1, n * 4, cudaMemcpyDeviceToHost));
    double delta = 0, worst = 0;
    for (long long t = n - 1; t >= 0; --t) {
      delta = (t == n - 1) ? (double)gv[t] : (double)av[t + 1] * delta + (double)gv[t];
      double hp = t == 0 ? 0.0 : (double)hv[t - 1];
      worst = std::max(worst, rel(gb[t], delta));
      worst = std::max(worst, rel(ga[t], hp * delta));
    }
    printf("check 2^28: pipelined W 128 max rel err vs fp64 sequential: %.2e\n", worst);
    if (d1 || d2 || worst > 1e-5) g_fail++;
  }
  {  // run 21: bwd4 (HPRE 0, 1, 2) at W 64 bitwise equal to backward_long2 at W 64
    float *ga1, *gb1;
    CK(cudaMalloc(&ga1, n * 4));
    CK(cudaMalloc(&gb1, n * 4));
    e2.launch(args(0, x[0][3], x[0][4], parts, state + 1), st, 64);
    for (const Launcher<float>* L : {&n0, &n1, &n2, &n3}) {
      L->launch(args(0, ga1, gb1, parts2, state + 2), st, 64);
      CK(cudaDeviceSynchronize());
      const unsigned long long d = ndiff(x[0][3], ga1, n) + ndiff(x[0][4], gb1, n) +
                                   ndiff(parts, parts2, n / 4096);
      printf("check 2^28: %s W 64 vs backward_long2 256 x 16 W 64: %llu values differ\n",
             L->name.c_str(), d);
      if (d) g_fail++;
    }
  }
  printf("bench checks: %s\n", g_fail ? "FAIL" : "ok");
  return g_fail ? 1 : 0;
}

#else
// ------------------------------------------------------------------ stress
#ifdef BS_S1
constexpr int BS_S = 1;
constexpr bool BS_EARLY = false;
#elif defined(BS_NOH)
#ifndef BS_HPRE
#define BS_HPRE 1
#endif
#ifndef BS_MINB
#define BS_MINB 3
#endif
#ifndef BS_S
#define BS_S 2
#endif
constexpr bool BS_EARLY = true;
#else
constexpr int BS_S = 2;
constexpr bool BS_EARLY = true;
#endif
#ifdef BS_STRESS_OVL
constexpr bool BS_OVLS = true;  // the look-back before the next tile's wait (bwd3.cuh OVL)
#else
constexpr bool BS_OVLS = false;
#endif
template <typename T>
constexpr int mw() {
  return sizeof(T) == 4 ? 128 : 64;
}
template <typename T>
constexpr int itn() {
  return sizeof(T) == 4 ? 16 : 8;
}
constexpr int NT = 256;

template <typename T>
struct Data {
  long long nmax;
  std::vector<T> ha, hh, hg;
  std::vector<uint8_t> hf;
  T *a, *h, *g, *ga_r, *gb_r, *ga1, *gb1, *ga2, *gb2;
  double *p_r, *p1, *p2;
  uint8_t* bf;
  double* c;  // [0] carry in, [1] ref out, [2] first out, [3] repeat out
  Stat s_ref, s_pipe;
  void init(long long n, std::mt19937_64& rng) {
    nmax = n;
    ha.resize(n);
    hh.resize(n);
    hg.resize(n);
    hf.resize(n);
    std::uniform_real_distribution<double> ua(0.3, 0.98), uh(-3, 3), ug(-1, 1);
    for (long long i = 0; i < n; ++i) {
      double x = ua(rng);
      if (rng() & 1) x = -x;
      ha[i] = (T)x;
      hh[i] = (T)uh(rng);
      hg[i] = (T)ug(rng);
      hf[i] = (uint8_t)(((rng() % 50) == 0 ? ls::BF_FROM_H0 : 0) | ((rng() % 40) != 0 ? ls::BF_CONT : 0));
    }
    for (T** p : {&a, &h, &g, &ga_r, &gb_r, &ga1, &gb1, &ga2, &gb2})
      CK(cudaMalloc(p, n * sizeof(T) + 64));
    for (double** p : {&p_r, &p1, &p2}) CK(cudaMalloc(p, (n / 1024 + 8) * 8));
    CK(cudaMalloc(&bf, n + 64));
    CK(cudaMalloc(&c, 64));
    CK(cudaMemcpy(a, ha.data(), n * sizeof(T), cudaMemcpyHostToDevice));
    CK(cudaMemcpy(h, hh.data(), n * sizeof(T), cudaMemcpyHostToDevice));
    CK(cudaMemcpy(g, hg.data(), n * sizeof(T), cudaMemcpyHostToDevice));
    CK(cudaMemcpy(bf, hf.data(), n, cudaMemcpyHostToDevice));
    s_ref = make_stat(n / 1024 + 8);
    s_pipe = make_stat(n / 1024 + 8);
  }
};
static Data<float> g_f32;
static Data<double> g_f64;
template <typename T>
static Data<T>& data() {
  if constexpr (sizeof(T) == 4) {
    return g_f32;
  } else {
    return g_f64;
  }
}

// -DBS_ENTRY: the entry points themselves (ls_backward_long_*, long.cuh BwdLong shape), windows
// capped to theirs as the host caps them
template <typename T, bool REV, bool SEG>
static Launcher<T> mkE(bool print) {
  typedef ls::BwdLong<T, SEG> BL;
  Launcher<T> L;
  if constexpr (sizeof(T) == 4) {
    if constexpr (!REV && !SEG) L.k = ls_backward_long_f32_fwd_plain;
    if constexpr (!REV && SEG) L.k = ls_backward_long_f32_fwd_seg;
    if constexpr (REV && !SEG) L.k = ls_backward_long_f32_rev_plain;
    if constexpr (REV && SEG) L.k = ls_backward_long_f32_rev_seg;
  } else {
    if constexpr (!REV && !SEG) L.k = ls_backward_long_f64_fwd_plain;
    if constexpr (!REV && SEG) L.k = ls_backward_long_f64_fwd_seg;
    if constexpr (REV && !SEG) L.k = ls_backward_long_f64_rev_plain;
    if constexpr (REV && SEG) L.k = ls_backward_long_f64_rev_seg;
  }
  L.nt = BL::NT;
  L.smem = BL::smem();
  L.tile = BL::TILE;
  L.persistent = true;
  CK(cudaFuncSetAttribute(L.k, cudaFuncAttributeMaxDynamicSharedMemorySize, L.smem));
  CK(cudaFuncSetAttribute(L.k, cudaFuncAttributePreferredSharedMemoryCarveout, 100));
  int nb = 0;
  CK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&nb, L.k, L.nt, L.smem));
  L.resident = (long long)nb * g_sms;
  char nm[160];
  snprintf(nm, sizeof nm, "entry ls_backward_long_%s_%s_%s, MW %d", sizeof(T) == 4 ? "f32" : "f64",
           REV ? "rev" : "fwd", SEG ? "seg" : "plain", BL::MW);
  L.name = nm;
  if (print) printf("[%s: smem %d B, %d blocks/SM]\n", nm, L.smem, nb);
  return L;
}

template <typename T, bool REV, bool SEG>
static const Launcher<T>& pipe() {
#if defined(BS_ENTRY)
  static Launcher<T> L = mkE<T, REV, SEG>(true);
#elif defined(BS_NOH)
  static Launcher<T> L = mk4<T, REV, SEG, NT, itn<T>(), BS_S, mw<T>(), BS_EARLY, BS_MINB, BS_HPRE>(true);
#else
  static Launcher<T> L = mk3<T, REV, SEG, NT, itn<T>(), BS_S, mw<T>(), BS_EARLY, 2, BS_OVLS>(true);
#endif
  return L;
}
template <typename T, bool REV, bool SEG>
static const Launcher<T>& ref() {
  static Launcher<T> L = mk2<T, REV, SEG, NT, itn<T>(), mw<T>(), 2>(true);
  return L;
}

static std::mt19937_64 g_rng;

// one case: backward_long2 (same shape), host float64 backward, `reps` runs under test.
// ends: bit 0: the first step in scan order starts from h0 (plain; else h_prev is used), bit 1:
// the last step in scan order ends the series (plain; else a_next continues it)
template <typename T, bool REV, bool SEG>
static void run_case(long long n, int W, long long cap, int ends, int reps, bool verbose) {
#ifdef BS_ENTRY
  W = std::min(W, ls::BwdLong<T, SEG>::MW);
#endif
  Data<T>& D = data<T>();
  std::uniform_real_distribution<double> u(-1, 1);
  const double carry = u(g_rng), h0 = -0.7, an = (T)u(g_rng), hp = (T)(3 * u(g_rng));
  const double cin[1] = {carry};
  CK(cudaMemcpy(D.c, cin, 8, cudaMemcpyHostToDevice));
  const long long sfirst = REV ? n - 1 : 0, slast = REV ? 0 : n - 1;
  const long long first = (ends & 1) ? sfirst : -1, last = (ends & 2) ? slast : -1;
  const Launcher<T>& P = pipe<T, REV, SEG>();
  const Launcher<T>& Rf = ref<T, REV, SEG>();
  Args<T> ar{D.a, D.h, D.g, SEG ? D.bf : nullptr, D.ga_r, D.gb_r, n, first, last, an, hp, h0,
             D.c, D.c + 1, D.p_r};
  Args<T> a1 = ar, a2 = ar;
  a1.ga = D.ga1, a1.gb = D.gb1, a1.g0p = D.p1, a1.cout = D.c + 2;
  a2.ga = D.ga2, a2.gb = D.gb2, a2.g0p = D.p2, a2.cout = D.c + 3;
  Rf.launch(ar, D.s_ref, W);
  P.launch(a1, D.s_pipe, W, cap);
  CK(cudaDeviceSynchronize());
  const long long tiles = (n + P.tile - 1) / P.tile;
  // bitwise against backward_long2 with the same tile shape and window
  double cc[4];
  CK(cudaMemcpy(cc, D.c, 32, cudaMemcpyDeviceToHost));
  unsigned long long dref = ndiff(D.ga1, D.ga_r, n) + ndiff(D.gb1, D.gb_r, n) +
                            ndiff(D.p1, D.p_r, tiles) + (memcmp(&cc[1], &cc[2], 8) != 0);
  // float64 sequential backward
  std::vector<T> ga(n), gb(n);
  std::vector<double> parts(tiles);
  CK(cudaMemcpy(ga.data(), D.ga1, n * sizeof(T), cudaMemcpyDeviceToHost));
  CK(cudaMemcpy(gb.data(), D.gb1, n * sizeof(T), cudaMemcpyDeviceToHost));
  CK(cudaMemcpy(parts.data(), D.p1, tiles * 8, cudaMemcpyDeviceToHost));
  double delta = carry, g0 = 0, g0abs = 0, err = 0;
  long long first_bad = -1;
  const double tol = sizeof(T) == 4 ? 1e-4 : 1e-10;
  for (long long q = n - 1; q >= 0; --q) {  // q: position in scan order
    const long long i = REV ? n - 1 - q : q;
    uint8_t f;
    if (SEG) {
      f = D.hf[i];
    } else {
      f = (i == first ? ls::BF_FROM_H0 : 0) | (i == last ? 0 : ls::BF_CONT);
    }
    const double alpha = q == n - 1 ? an : (double)D.ha[REV ? i - 1 : i + 1];
    delta = (f & ls::BF_CONT) ? alpha * delta + (double)D.hg[i] : (double)D.hg[i];
    const double hprev = q == 0 ? hp : (double)D.hh[REV ? i + 1 : i - 1];
    const double hpp = (f & ls::BF_FROM_H0) ? h0 : hprev;
    if (f & ls::BF_FROM_H0) {
      g0 += (double)D.ha[i] * delta;
      g0abs += std::fabs((double)D.ha[i] * delta);
    }
    const double e = std::max(rel(gb[i], delta), rel(ga[i], hpp * delta));
    if (e > tol && first_bad < 0) first_bad = i;
    err = std::max(err, e);
  }
  err = std::max(err, rel(cc[2], delta));
  double g0k = 0;
  for (long long d = 0; d < tiles; ++d) g0k += parts[d];
  const double eg0 = std::fabs(g0k - g0) / (1 + g0abs);
  const bool ok = err <= tol && eg0 <= tol && dref == 0;
  // repeats: bitwise equal to the first run
  int diffs = 0;
  unsigned long long maxd = 0;
  for (int k = 1; k < reps; ++k) {
    CK(cudaMemset(D.ga2, 0xff, n * sizeof(T)));
    CK(cudaMemset(D.gb2, 0xff, n * sizeof(T)));
    P.launch(a2, D.s_pipe, W, cap);
    unsigned long long nd = ndiff(D.ga1, D.ga2, n) + ndiff(D.gb1, D.gb2, n) + ndiff(D.p1, D.p2, tiles);
    double c3 = 0;
    CK(cudaMemcpy(&c3, D.c + 3, 8, cudaMemcpyDeviceToHost));
    if (memcmp(&c3, &cc[2], 8) != 0) nd++;
    if (nd) {
      diffs++;
      maxd = std::max(maxd, nd);
    }
    if (k % 97 == 0) D.s_pipe.zero();
  }
  g_runs += reps;
  g_bitdiff += diffs;
  if (dref) g_refdiff++;
  if (!ok) g_fail++;
  if (!ok || diffs || verbose) {
    printf("  %s %s %s n=%lld W=%d cap=%lld ends=%d reps=%d: values differing from bwd2 %llu, err "
           "vs f64 %.2e, g0 %.2e%s; runs differing from the first: %d (max %llu) %s\n",
           sizeof(T) == 4 ? "f32" : "f64", REV ? "rev" : "fwd", SEG ? "seg" : "plain", n, W, cap,
           ends, reps, dref, err, eg0,
           first_bad >= 0 ? (" first bad at " + std::to_string(first_bad)).c_str() : "", diffs,
           maxd, ok && !diffs ? "ok" : "FAIL");
  }
}

template <typename T>
static void run_any(int rev, int seg, long long n, int W, long long cap, int ends, int reps,
                    bool verbose) {
  if (!rev && !seg) run_case<T, false, false>(n, W, cap, ends, reps, verbose);
  if (!rev && seg) run_case<T, false, true>(n, W, cap, ends, reps, verbose);
  if (rev && !seg) run_case<T, true, false>(n, W, cap, ends, reps, verbose);
  if (rev && seg) run_case<T, true, true>(n, W, cap, ends, reps, verbose);
}
static void run_any(int f64, int rev, int seg, long long n, int W, long long cap, int ends,
                    int reps, bool verbose) {
  if (f64) {
    run_any<double>(rev, seg, n, std::min(W, mw<double>()), cap, ends, reps, verbose);
  } else {
    run_any<float>(rev, seg, n, std::min(W, mw<float>()), cap, ends, reps, verbose);
  }
}

int main(int argc, char** argv) {
  setvbuf(stdout, nullptr, _IOLBF, 0);
  const bool tiny = argc > 1 && std::string(argv[1]) == "--tiny";
  const int reps = (!tiny && argc > 1) ? atoi(argv[1]) : 20;
  const int nrand = argc > 2 ? atoi(argv[2]) : 200;
  const unsigned long long seed = argc > 3 ? strtoull(argv[3], nullptr, 10) : 1;
  cudaDeviceProp prop;
  CK(cudaGetDeviceProperties(&prop, 0));
  g_sms = prop.multiProcessorCount;
  CK(cudaMalloc(&g_cnt, 8));
  g_rng.seed(seed);
  const long long nmax = tiny ? 40000 : 4200000;
  g_f32.init(nmax, g_rng);
  g_f64.init(nmax, g_rng);
#if defined(BS_ENTRY)
  printf("under test: the entry points ls_backward_long_* (the lines below name backward_long3)\n");
#elif defined(BS_NOH)
  printf("backward_long4 (h not staged), HPRE %d, MINB %d\n", BS_HPRE, BS_MINB);
#endif
  printf("device %s, %d SMs; under test: backward_long3 %d x 16 / 8, S %d, %s, MW %d / %d\n",
         prop.name, g_sms, NT, BS_S, BS_EARLY ? (BS_OVLS ? "early, ovl" : "early") : "not early", mw<float>(), mw<double>());
  if (tiny) {
    for (int f64 = 0; f64 < 2; ++f64)
      for (int rs = 0; rs < 4; ++rs)
        for (long long cap : {1LL, 2LL})
          run_any(f64, rs >> 1, rs & 1, 4096 * 5 + 123, 7, cap, (int)(cap + 1), 2, true);
    printf("tiny: failures %lld, differing from bwd2 %lld, repeats differing %lld\n", g_fail,
           g_refdiff, g_bitdiff);
    return g_fail || g_bitdiff ? 1 : 0;
  }
  printf("== fixed cases (n = 3000017, resident grid: several tiles per block), %d runs each\n", reps);
  for (int f64 = 1; f64 >= 0; --f64)
    for (int rs = 0; rs < 4; ++rs)
      for (int W : {1, 7, 64, 128})
        run_any(f64, rs >> 1, rs & 1, 3000017, W, 0, W & 3, reps, true);
  printf("after the fixed cases: failures %lld, runs %lld, repeats differing %lld\n", g_fail,
         g_runs, g_bitdiff);
  printf("== %d random cases, 5 runs each (only failures printed)\n", nrand);
  for (int k = 0; k < nrand; ++k) {
    const int f64 = g_rng() & 1, rev = g_rng() & 1, seg = g_rng() & 1, ends = g_rng() & 3;
    const long long tile = NT * (f64 ? 8 : 16);
    long long n;
    switch (g_rng() % 4) {
      case 0: n = 1 + g_rng() % 5000; break;
      case 1: n = 1 + g_rng() % nmax; break;
      default: {
        const long long t = 1 + g_rng() % (nmax / tile - 1);
        n = t * tile + (long long)(g_rng() % 5) - 2;
        n = std::max(1LL, std::min(n, nmax));
      }
    }
    const int W = 1 + g_rng() % (f64 ? mw<double>() : mw<float>());
    const long long caps[] = {0, 0, 0, 1, 2, 3, 5, 17, 40};
    const long long cap = caps[g_rng() % 9];
    run_any(f64, rev, seg, n, W, cap, ends, 5, false);
  }
  printf("stress: failures %lld, runs %lld, cases differing from bwd2 %lld, runs differing from "
         "the first of their case %lld\n",
         g_fail, g_runs, g_refdiff, g_bitdiff);
  return g_fail || g_bitdiff ? 1 : 0;
}
#endif
