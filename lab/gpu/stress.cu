// Stress validation of the pipelined persistent width-1 scan (scan_long3, NOTES.md runs 16-19):
// repeats cases many times and checks every run against the register kernel (scan_long, the
// width-1 scan entry point up to layout 6), a float64 sequential scan on the host, and the first
// run of the same case (bitwise).
//
//   nvcc -O3 -std=c++17 -arch=sm_90 -o stress lab/gpu/stress.cu
//   ./stress [reps] [random cases] [seed]   (defaults 50, 200, 1)
//   ./stress --tiny                          a few small multi-tile-per-block cases (for
//                                            compute-sanitizer racecheck / memcheck)
//   -DLS_STRESS_S1: the template with one stage (the entry points' form before sm_80)
//   -DLS_STRESS_ENTRY: tests the entry points ls_scan_long_* (layout 7) instead of the template
//   (the kernel without the fix of run 19, built with -DLS_PIPE_PRELUDE_RACE, is in commit
//   38cae20: gpu/perf/pipe.cuh there)
//
// Cases: the four of run 18 that failed (float64, n = 3000017: forward plain W 7, reverse
// segmented W 1, 64, 128) for every type, direction and segmentation, each `reps` times, then
// `random cases` of random type, direction, segmentation, size (1 .. 4.2 M, often near tile
// multiples), window (1 .. 128) and grid cap (none, or 1 .. 40 blocks, so that small sizes also
// run several tiles per block), each 5 times. One status buffer per kernel is reused across
// launches (epochs, tickets advanced as the host does), and zeroed again now and then.
#include "../../gpu/src/main/cuda/longscan.cu"
#include "legacy.cuh"

#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
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
static long long g_fail = 0, g_runs = 0, g_bitdiff = 0;

// reference: the register kernel (512 threads, 16 / 8 steps, W <= 64)
template <typename T, bool REV, bool SEG>
__global__ void __launch_bounds__(512, 2)
    k_ref(const T* a, const T* b, const uint8_t* rs, T* out, long long n, const double* cin,
          double* cout, double h0, void* status, long long slots, long long tb,
          unsigned long long epoch, int W) {
  ls::scan_long_reg<T, REV, SEG>(a, b, rs, out, n, cin, cout, h0, status, slots, tb, epoch, W);
}

#ifndef LS_STRESS_ENTRY
#ifdef LS_STRESS_S1
constexpr int STRESS_S = 1;  // the sm_75 form of the entry points (one stage, no overlap)
#else
constexpr int STRESS_S = 2;
#endif
// under test: the configuration of run 18 (256 threads x 16 / 8 steps, 2 stages, early, MW 128)
template <typename T, bool REV, bool SEG>
__global__ void __launch_bounds__(256, 3)
    k_pipe(const T* a, const T* b, const uint8_t* rs, T* out, long long n, const double* cin,
           double* cout, double h0, void* status, long long slots, long long tb,
           unsigned long long epoch, int W) {
  ls::scan_long3<T, REV, SEG, 256, sizeof(T) == 4 ? 16 : 8, STRESS_S, 128, 0, (STRESS_S > 1)>(
      a, b, rs, out, n, cin, cout, h0, status, slots, tb, epoch, W);
}
template <typename T, bool REV, bool SEG>
static auto kfun() {
  return k_pipe<T, REV, SEG>;
}
template <typename T, bool SEG>
constexpr int pipe_smem() {
  return ls::scan_long3_smem<T, 256 * (sizeof(T) == 4 ? 16 : 8), SEG, STRESS_S>();
}
constexpr int PIPE_NT = 256;
template <typename T>
constexpr int pipe_tile() {
  return 256 * (sizeof(T) == 4 ? 16 : 8);
}
template <typename T>
constexpr int pipe_mw() {
  return 128;
}
#else
// under test: the entry points themselves (long.cuh ScanLong shape)
template <typename T, bool REV, bool SEG>
static auto kfun() {
  void (*k)(const T*, const T*, const uint8_t*, T*, long long, const double*, double*, double,
            void*, long long, long long, unsigned long long, int) = nullptr;
  if constexpr (sizeof(T) == 4) {
    if constexpr (!REV && !SEG) k = ls_scan_long_f32_fwd_plain;
    if constexpr (!REV && SEG) k = ls_scan_long_f32_fwd_seg;
    if constexpr (REV && !SEG) k = ls_scan_long_f32_rev_plain;
    if constexpr (REV && SEG) k = ls_scan_long_f32_rev_seg;
  } else {
    if constexpr (!REV && !SEG) k = ls_scan_long_f64_fwd_plain;
    if constexpr (!REV && SEG) k = ls_scan_long_f64_fwd_seg;
    if constexpr (REV && !SEG) k = ls_scan_long_f64_rev_plain;
    if constexpr (REV && SEG) k = ls_scan_long_f64_rev_seg;
  }
  return k;
}
template <typename T, bool SEG>
constexpr int pipe_smem() {
  return ls::ScanLong<T>::template smem<SEG>();
}
constexpr int PIPE_NT = ls::SCAN_LONG_NT;
template <typename T>
constexpr int pipe_tile() {
  return ls::ScanLong<T>::TILE;
}
template <typename T>
constexpr int pipe_mw() {
  return ls::ScanLong<T>::MW;
}
#endif

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

// host data of one type, the largest size
template <typename T>
struct Data {
  long long nmax;
  std::vector<T> ha, hb;
  std::vector<uint8_t> hr;
  T *a, *b, *o_ref, *o1, *o2;
  uint8_t* rs;
  double* c;  // [0] carry in, [1] ref out, [2] first out, [3] repeat out
  unsigned long long* cnt;
  Stat s_ref, s_pipe;
  void init(long long n, std::mt19937_64& rng) {
    nmax = n;
    ha.resize(n);
    hb.resize(n);
    hr.resize(n);
    std::uniform_real_distribution<double> ua(0.3, 0.98), ub(-1, 1);
    for (long long i = 0; i < n; ++i) {
      double x = ua(rng);
      if (rng() & 1) x = -x;
      ha[i] = (T)x;
      hb[i] = (T)ub(rng);
      hr[i] = (rng() % 60) == 0;
    }
    for (T** p : {&a, &b, &o_ref, &o1, &o2}) CK(cudaMalloc(p, n * sizeof(T) + 64));
    CK(cudaMalloc(&rs, n + 64));
    CK(cudaMalloc(&c, 64));
    CK(cudaMalloc(&cnt, 8));
    CK(cudaMemcpy(a, ha.data(), n * sizeof(T), cudaMemcpyHostToDevice));
    CK(cudaMemcpy(b, hb.data(), n * sizeof(T), cudaMemcpyHostToDevice));
    CK(cudaMemcpy(rs, hr.data(), n, cudaMemcpyHostToDevice));
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

template <typename T, bool REV, bool SEG>
static int resident() {
  static int nb = -1;
  if (nb < 0) {
    auto k = kfun<T, REV, SEG>();
    CK(cudaFuncSetAttribute(k, cudaFuncAttributeMaxDynamicSharedMemorySize, pipe_smem<T, SEG>()));
    CK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&nb, k, PIPE_NT, pipe_smem<T, SEG>()));
  }
  return nb * g_sms;
}

template <typename T, bool REV, bool SEG>
static void launch_pipe(Data<T>& D, T* out, long long n, double* cout, int W, long long cap) {
  constexpr int TILE = pipe_tile<T>();
  const long long tiles = (n + TILE - 1) / TILE;
  long long grid = std::max(1LL, std::min(tiles, (long long)resident<T, REV, SEG>()));
  if (cap > 0) grid = std::min(grid, cap);
  Stat& s = D.s_pipe;
  s.epoch++;
  kfun<T, REV, SEG>()<<<(unsigned)grid, PIPE_NT, pipe_smem<T, SEG>()>>>(
      D.a, D.b, SEG ? D.rs : nullptr, out, n, D.c, cout, -0.7, s.base, s.slots, s.tickets,
      s.epoch, W);
  CK(cudaGetLastError());
  s.tickets += tiles + grid;
}

template <typename T, bool REV, bool SEG>
static void launch_ref(Data<T>& D, long long n, int W) {
  constexpr int TILE = 512 * ls::Long<T>::IT;
  const long long tiles = (n + TILE - 1) / TILE;
  Stat& s = D.s_ref;
  s.epoch++;
  k_ref<T, REV, SEG><<<(unsigned)tiles, 512>>>(D.a, D.b, SEG ? D.rs : nullptr, D.o_ref, n, D.c,
                                              D.c + 1, -0.7, s.base, s.slots, s.tickets, s.epoch,
                                              std::min(W, 64));
  CK(cudaGetLastError());
  s.tickets += tiles;
}

static double rel(double x, double y) {
  double e = std::fabs(x - y) / (1 + std::fabs(y));
  return std::isnan(e) ? INFINITY : e;
}

// one case: reference, host float64 scan, `reps` runs of the kernel under test
template <typename T, bool REV, bool SEG>
static void run_case(long long n, int W, long long cap, int reps, bool verbose) {
  Data<T>& D = data<T>();
  const double carry = 0.3, h0 = -0.7;
  const double cin[1] = {carry};
  CK(cudaMemcpy(D.c, cin, 8, cudaMemcpyHostToDevice));
  launch_ref<T, REV, SEG>(D, n, W);
  launch_pipe<T, REV, SEG>(D, D.o1, n, D.c + 2, W, cap);
  CK(cudaDeviceSynchronize());
  std::vector<T> r(n), p(n);
  double cc[3];
  CK(cudaMemcpy(r.data(), D.o_ref, n * sizeof(T), cudaMemcpyDeviceToHost));
  CK(cudaMemcpy(p.data(), D.o1, n * sizeof(T), cudaMemcpyDeviceToHost));
  CK(cudaMemcpy(cc, D.c, 24, cudaMemcpyDeviceToHost));
  // float64 sequential scan
  double h = carry, e_cpu = 0, e_ref = 0;
  long long first_bad = -1;
  const double tol_ref = sizeof(T) == 4 ? 3e-5 : 1e-12, tol_cpu = sizeof(T) == 4 ? 1e-4 : 1e-10;
  for (long long q = 0; q < n; ++q) {
    const long long i = REV ? n - 1 - q : q;
    const double a = D.ha[i], b = D.hb[i];
    h = (SEG && D.hr[i]) ? std::fma(a, h0, b) : std::fma(a, h, b);
    const double ec = rel(p[i], h), er = rel(p[i], r[i]);
    if ((ec > tol_cpu || er > tol_ref) && first_bad < 0) first_bad = i;
    e_cpu = std::max(e_cpu, ec);
    e_ref = std::max(e_ref, er);
  }
  e_cpu = std::max(e_cpu, rel(cc[2], h));
  e_ref = std::max(e_ref, rel(cc[2], cc[1]));
  bool ok = e_cpu <= tol_cpu && e_ref <= tol_ref;
  // repeats: bitwise equal to the first run (output and carry)
  int diffs = 0;
  unsigned long long maxd = 0;
  for (int k = 1; k < reps; ++k) {
    CK(cudaMemset(D.cnt, 0, 8));
    CK(cudaMemset(D.o2, 0xff, n * sizeof(T)));
    launch_pipe<T, REV, SEG>(D, D.o2, n, D.c + 3, W, cap);
    k_diff<T><<<g_sms * 4, 256>>>(D.o1, D.o2, n, D.cnt);
    unsigned long long nd = 0;
    double c3 = 0;
    CK(cudaMemcpy(&nd, D.cnt, 8, cudaMemcpyDeviceToHost));
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
  if (!ok) g_fail++;
  if (!ok || diffs || verbose) {
    printf("  %s %s %s n=%lld W=%d cap=%lld reps=%d: err vs ref %.2e, vs f64 %.2e%s; runs "
           "differing from the first: %d (max %llu values) %s\n",
           sizeof(T) == 4 ? "f32" : "f64", REV ? "rev" : "fwd", SEG ? "seg" : "plain", n, W, cap,
           reps, e_ref, e_cpu,
           first_bad >= 0 ? (" first bad at " + std::to_string(first_bad)).c_str() : "", diffs,
           maxd, ok && !diffs ? "ok" : "FAIL");
  }
}

template <typename T>
static void run_any(int rev, int seg, long long n, int W, long long cap, int reps, bool verbose) {
  if (!rev && !seg) run_case<T, false, false>(n, W, cap, reps, verbose);
  if (!rev && seg) run_case<T, false, true>(n, W, cap, reps, verbose);
  if (rev && !seg) run_case<T, true, false>(n, W, cap, reps, verbose);
  if (rev && seg) run_case<T, true, true>(n, W, cap, reps, verbose);
}

static void run_any(int f64, int rev, int seg, long long n, int W, long long cap, int reps,
                    bool verbose) {
  if (f64) {
    run_any<double>(rev, seg, n, W, cap, reps, verbose);
  } else {
    run_any<float>(rev, seg, n, W, cap, reps, verbose);
  }
}

int main(int argc, char** argv) {
  setvbuf(stdout, nullptr, _IOLBF, 0);
  const bool tiny = argc > 1 && std::string(argv[1]) == "--tiny";
  const int reps = (!tiny && argc > 1) ? atoi(argv[1]) : 50;
  const int nrand = argc > 2 ? atoi(argv[2]) : 200;
  const unsigned long long seed = argc > 3 ? strtoull(argv[3], nullptr, 10) : 1;
  cudaDeviceProp prop;
  CK(cudaGetDeviceProperties(&prop, 0));
  g_sms = prop.multiProcessorCount;
  std::mt19937_64 rng(seed);
  const long long nmax = tiny ? 40000 : 4200000;
  g_f32.init(nmax, rng);
  g_f64.init(nmax, rng);
  printf("device %s, %d SMs; kernel under test: %s, tiles %d / %d steps, MW %d (f32)%s\n", prop.name,
         g_sms,
#ifdef LS_STRESS_ENTRY
         "entry points ls_scan_long_*",
#else
         STRESS_S > 1 ? "scan_long3 256 x IT, S 2, early" : "scan_long3 256 x IT, S 1",
#endif
         pipe_tile<float>(), pipe_tile<double>(), pipe_mw<float>(),
#ifdef LS_PIPE_PRELUDE_RACE
         " (WITHOUT the prelude barrier)"
#else
         ""
#endif
  );
  printf("resident blocks: f32 %d / %d (plain / seg), f64 %d / %d\n",
         resident<float, false, false>(), resident<float, false, true>(),
         resident<double, false, false>(), resident<double, false, true>());
  if (tiny) {
    // several tiles per block at small sizes: grid caps 1 and 2
    for (int f64 = 0; f64 < 2; ++f64)
      for (int rs = 0; rs < 4; ++rs)
        for (long long cap : {1LL, 2LL})
          run_any(f64, rs >> 1, rs & 1, 4096 * 5 + 123, 7, cap, 2, true);
    printf("tiny: failures %lld, repeats differing %lld\n", g_fail, g_bitdiff);
    return g_fail || g_bitdiff ? 1 : 0;
  }
  printf("== run 18's failing cases (n = 3000017; W 7, 1, 64, 128), every type / direction / "
         "segmentation, %d runs each\n", reps);
  for (int f64 = 1; f64 >= 0; --f64)
    for (int rs = 0; rs < 4; ++rs)
      for (int W : {7, 1, 64, 128})
        run_any(f64, rs >> 1, rs & 1, 3000017,
                std::min(W, f64 ? pipe_mw<double>() : pipe_mw<float>()), 0, reps, true);
  printf("after the fixed cases: failures %lld, runs %lld, repeats differing %lld\n", g_fail,
         g_runs, g_bitdiff);
  printf("== %d random cases, 5 runs each (only failures printed)\n", nrand);
  for (int k = 0; k < nrand; ++k) {
    const int f64 = rng() & 1, rev = rng() & 1, seg = rng() & 1;
    const long long tile = f64 ? pipe_tile<double>() : pipe_tile<float>();
    long long n;
    switch (rng() % 4) {
      case 0: n = 1 + rng() % 5000; break;
      case 1: n = 1 + rng() % nmax; break;
      default: {
        const long long t = 1 + rng() % (nmax / tile - 1);
        n = t * tile + (long long)(rng() % 5) - 2;
        n = std::max(1LL, std::min(n, nmax));
      }
    }
    const int W = 1 + rng() % (f64 ? pipe_mw<double>() : pipe_mw<float>());
    const long long caps[] = {0, 0, 0, 1, 2, 3, 5, 17, 40};
    const long long cap = caps[rng() % 9];
    run_any(f64, rev, seg, n, W, cap, 5, false);
  }
  printf("stress: failures %lld, runs %lld, runs differing from the first of their case %lld\n",
         g_fail, g_runs, g_bitdiff);
  return g_fail || g_bitdiff ? 1 : 0;
}
