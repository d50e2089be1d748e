// Shared pieces of the longscan kernels: the affine element and its composition, warp scans in
// either direction and the tile-status protocol of the single-pass scan.
//
// An element is the affine map h -> a*h + b. Composition "x then y" is
//   x |> y = (y.a * x.a, y.a * x.b + y.b),
// associative, not commutative. A segment restart is an element that ignores the state entering
// it (flag r): x |> y = y when y.r. An empty element (flag e) is the identity; it is kept apart
// from (1, 0) so that an identity in front of an element with an infinite multiplier does not
// turn its offset into NaN (inf * 0).
#pragma once

#include <stdint.h>

#define LS_DEV __device__ __forceinline__
#define LS_FULL_MASK 0xffffffffu

namespace ls {

// Backward step flags (segmented backward): the step starts from h0; the step after it in scan
// order continues from it (so its delta receives that step's a times its delta).
enum : int { BF_FROM_H0 = 1, BF_CONT = 2 };

LS_DEV float mad(float a, float b, float c) { return __fmaf_rn(a, b, c); }
LS_DEV double mad(double a, double b, double c) { return __fma_rn(a, b, c); }

template <typename T>
struct El {
  T a;
  T b;
  bool r;  // restarts: ignores the state entering it
  bool e;  // empty: the identity
};

template <typename T>
LS_DEV El<T> el(T a, T b, bool r) {
  El<T> x;
  x.a = a;
  x.b = b;
  x.r = r;
  x.e = false;
  return x;
}

template <typename T>
LS_DEV El<T> empty() {
  El<T> x;
  x.a = T(1);
  x.b = T(0);
  x.r = false;
  x.e = true;
  return x;
}

// x then y. SEG = false: the caller guarantees no restarts among the operands.
template <typename T, bool SEG>
LS_DEV El<T> cat(const El<T>& x, const El<T>& y) {
  if (y.e) return x;
  if (x.e) return y;
  if (SEG && y.r) return y;
  El<T> z;
  z.a = y.a * x.a;
  z.b = mad(y.a, x.b, y.b);
  z.r = SEG && x.r;
  z.e = false;
  return z;
}

// The state after x given h before it.
template <typename T>
LS_DEV T apply(const El<T>& x, T h) {
  return x.e ? h : (x.r ? x.b : mad(x.a, h, x.b));
}

template <typename T>
LS_DEV int bits(const El<T>& x) {
  return (x.r ? 1 : 0) | (x.e ? 2 : 0);
}

template <typename T>
LS_DEV El<T> from_bits(T a, T b, int f) {
  El<T> x;
  x.a = a;
  x.b = b;
  x.r = (f & 1) != 0;
  x.e = (f & 2) != 0;
  return x;
}

template <typename T>
LS_DEV El<T> shfl_up(const El<T>& x, int d) {
  return from_bits(__shfl_up_sync(LS_FULL_MASK, x.a, d), __shfl_up_sync(LS_FULL_MASK, x.b, d),
                   __shfl_up_sync(LS_FULL_MASK, bits(x), d));
}

template <typename T>
LS_DEV El<T> shfl_down(const El<T>& x, int d) {
  return from_bits(__shfl_down_sync(LS_FULL_MASK, x.a, d),
                   __shfl_down_sync(LS_FULL_MASK, x.b, d),
                   __shfl_down_sync(LS_FULL_MASK, bits(x), d));
}

template <typename T>
LS_DEV El<T> shfl_idx(const El<T>& x, int src) {
  return from_bits(__shfl_sync(LS_FULL_MASK, x.a, src), __shfl_sync(LS_FULL_MASK, x.b, src),
                   __shfl_sync(LS_FULL_MASK, bits(x), src));
}

// Inclusive scan across the warp in scan order: lane order when !REV, reversed lanes when REV.
// A fixed pattern of operations (Kogge-Stone), so the result does not depend on timing.
template <typename T, bool SEG, bool REV>
LS_DEV El<T> warp_inclusive(El<T> x, int lane) {
  const int pos = REV ? 31 - lane : lane;
#pragma unroll
  for (int d = 1; d < 32; d <<= 1) {
    El<T> p = REV ? shfl_down(x, d) : shfl_up(x, d);
    if (pos >= d) x = cat<T, SEG>(p, x);
  }
  return x;
}

// The exclusive prefix of each lane given the inclusive ones.
template <typename T, bool REV>
LS_DEV El<T> warp_exclusive(const El<T>& incl, int lane) {
  El<T> p = REV ? shfl_down(incl, 1) : shfl_up(incl, 1);
  const int pos = REV ? 31 - lane : lane;
  return pos == 0 ? empty<T>() : p;
}

// Tile status words of the look-back. Each word carries a value and a flag in one access that
// the hardware performs at once, so a reader that sees the flag sees the value: no fences on the
// critical path. The flag is 2 * epoch + reset, where the epoch numbers the launches that use a
// status buffer since it was zeroed (the host zeroes it once per call and counts launches), so
// words left by earlier launches are never mistaken for this launch's.
//   float:  8 bytes, value in the low half, flag in the high half (64-bit accesses are
//           single-copy atomic).
//   double: 16 bytes {value, flag}, accessed with one 16-byte vector load or store, as CUB's
//           single-word tile status does for 8-byte values.
template <typename T>
struct Word;

template <>
struct Word<float> {
  typedef unsigned long long W;
  static LS_DEV W make(float v, unsigned long long f) {
    return (f << 32) | (W)__float_as_uint(v);
  }
  static LS_DEV float value(W w) { return __uint_as_float((unsigned)(w & 0xffffffffULL)); }
  static LS_DEV unsigned long long flag(W w) { return w >> 32; }
  static LS_DEV W load(const W* p) {
    W w;
    asm volatile("ld.volatile.global.u64 %0, [%1];" : "=l"(w) : "l"(p));
    return w;
  }
  static LS_DEV void store(W* p, W w) {
    asm volatile("st.volatile.global.u64 [%0], %1;" ::"l"(p), "l"(w) : "memory");
  }
};

template <>
struct Word<double> {
  struct __align__(16) W {
    unsigned long long v;
    unsigned long long f;
  };
  static LS_DEV W make(double v, unsigned long long f) {
    W w;
    w.v = (unsigned long long)__double_as_longlong(v);
    w.f = f;
    return w;
  }
  static LS_DEV double value(W w) { return __longlong_as_double((long long)w.v); }
  static LS_DEV unsigned long long flag(W w) { return w.f; }
  static LS_DEV W load(const W* p) {
    W w;
    asm volatile("ld.volatile.global.v2.u64 {%0, %1}, [%2];" : "=l"(w.v), "=l"(w.f) : "l"(p));
    return w;
  }
  static LS_DEV void store(W* p, W w) {
    asm volatile("st.volatile.global.v2.u64 [%0], {%1, %2};" ::"l"(p), "l"(w.v), "l"(w.f)
                 : "memory");
  }
};

// The status of one launch: three arrays of `slots` words (aggregate a, aggregate b, inclusive
// prefix), after a 256-byte header whose first 8 bytes are the ticket counter.
template <typename T>
struct Status {
  typedef typename Word<T>::W W;
  W* a;
  W* b;
  W* p;
  unsigned long long* counter;
  LS_DEV Status(void* base, long long slots) {
    counter = reinterpret_cast<unsigned long long*>(base);
    a = reinterpret_cast<W*>(reinterpret_cast<char*>(base) + 256);
    b = a + slots;
    p = b + slots;
  }
};

// The next tile in scan order (the block's ticket), for every thread of the block.
LS_DEV long long take_ticket(unsigned long long* counter, long long base, int* s_tile) {
  if (threadIdx.x == 0) *s_tile = (int)((long long)atomicAdd(counter, 1ULL) - base);
  __syncthreads();
  return *s_tile;
}

template <typename T>
LS_DEV El<T> slot_element(T a, T b, unsigned char kind) {
  return kind == 0 ? empty<T>() : el(a, b, kind != 2);
}

// Publishes the aggregate of status slot d (and, when it restarts, its prefix: the state
// leaving it does not depend on the state entering it).
template <typename T>
LS_DEV void publish_aggregate(const Status<T>& st, long long d, const El<T>& t,
                              unsigned long long epoch) {
  typedef Word<T> WD;
  const unsigned long long f = 2 * epoch + (t.r ? 1 : 0);
  WD::store(st.a + d, WD::make(t.a, f));
  WD::store(st.b + d, WD::make(t.b, f));
  if (t.r) WD::store(st.p + d, WD::make(t.b, 2 * epoch));
}

template <typename T>
LS_DEV void publish_prefix(const Status<T>& st, long long d, T p, unsigned long long epoch) {
  Word<T>::store(st.p + d, Word<T>::make(p, 2 * epoch));
}

// Deterministic block reduction (sum) of a double over NT threads: fixed shuffle tree in each
// warp, then the warps' sums in warp order by thread 0. Returns the sum in thread 0.
template <int NT>
LS_DEV double block_sum(double v, double* s_tmp) {
  const int lane = threadIdx.x & 31;
  const int warp = threadIdx.x >> 5;
#pragma unroll
  for (int d = 16; d > 0; d >>= 1) v += __shfl_down_sync(LS_FULL_MASK, v, d);
  if (lane == 0) s_tmp[warp] = v;
  __syncthreads();
  double s = 0.0;
  if (threadIdx.x == 0) {
    for (int w = 0; w < NT / 32; ++w) s += s_tmp[w];
  }
  return s;
}

// 16-byte vector loads of N consecutive values starting at a 16-byte aligned address.
// Streaming cache hints: the data is touched once; the tile status should stay in L2.
template <int N>
LS_DEV void load16(const float* p, float (&v)[N]) {
  static_assert(N % 4 == 0, "float vectors hold 4 values");
#pragma unroll
  for (int i = 0; i < N / 4; ++i) {
    float4 q = __ldcs(reinterpret_cast<const float4*>(p) + i);
    v[4 * i] = q.x;
    v[4 * i + 1] = q.y;
    v[4 * i + 2] = q.z;
    v[4 * i + 3] = q.w;
  }
}

template <int N>
LS_DEV void load16(const double* p, double (&v)[N]) {
  static_assert(N % 2 == 0, "double vectors hold 2 values");
#pragma unroll
  for (int i = 0; i < N / 2; ++i) {
    double2 q = __ldcs(reinterpret_cast<const double2*>(p) + i);
    v[2 * i] = q.x;
    v[2 * i + 1] = q.y;
  }
}

// N flag bytes (N = 8 or 16) from an address aligned to N.
template <int N>
LS_DEV void load_bytes(const uint8_t* p, uint8_t (&v)[N]) {
  static_assert(N == 8 || N == 16, "8 or 16 flag bytes");
  if (N == 16) {
    uint4 q = __ldcs(reinterpret_cast<const uint4*>(p));
    const unsigned w[4] = {q.x, q.y, q.z, q.w};
#pragma unroll
    for (int i = 0; i < 16; ++i) v[i] = (uint8_t)(w[i / 4] >> (8 * (i % 4)));
  } else {
    uint2 q = __ldcs(reinterpret_cast<const uint2*>(p));
    const unsigned w[2] = {q.x, q.y};
#pragma unroll
    for (int i = 0; i < 8; ++i) v[i % N] = (uint8_t)(w[i / 4] >> (8 * (i % 4)));
  }
}

}  // namespace ls

// ---- Tiles staged in shared memory (scan_long, backward_long in long.cuh; backward_wide in wide.cuh)
//
// Loads go straight from global to shared memory with asynchronous copies (cp.async, sm_80 and
// newer; plain loads and stores before that), so a tile that waits in its look-back holds shared
// memory but few registers, and more tiles (more bytes in flight) fit on a multiprocessor.
namespace ls {

LS_DEV void cp_async16(void* s, const void* g) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
  const unsigned sa = (unsigned)__cvta_generic_to_shared(s);
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16;" ::"r"(sa), "l"(g) : "memory");
#else
  *reinterpret_cast<float4*>(s) = __ldcs(reinterpret_cast<const float4*>(g));
#endif
}

LS_DEV void cp_async8(void* s, const void* g) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
  const unsigned sa = (unsigned)__cvta_generic_to_shared(s);
  asm volatile("cp.async.ca.shared.global [%0], [%1], 8;" ::"r"(sa), "l"(g) : "memory");
#else
  *reinterpret_cast<uint2*>(s) = __ldcs(reinterpret_cast<const uint2*>(g));
#endif
}

// Waits for this thread's asynchronous copies; they are then visible to this thread (to others
// after a barrier).
LS_DEV void cp_async_wait_all() {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
  asm volatile("cp.async.wait_all;" ::: "memory");
#endif
}

// A width-1 tile in shared memory, in 16-byte units (VW values each) with one padding unit after
// every 8: unit u lives at u + u / 8. Then both access patterns are free of bank conflicts: a
// warp's 16-byte copies of 32 consecutive units (warp-striped, coalesced in global memory), and
// lane l of a quarter warp reading unit 4 l + c (each thread holds 4 consecutive units).
template <typename T>
struct Staged {
  static constexpr int VW = 16 / (int)sizeof(T);
  static LS_DEV int pu(int u) { return u + (u >> 3); }
  // shared-memory values for a tile of `tile` values
  static __host__ __device__ constexpr int values(int tile) { return (tile / VW + tile / VW / 8) * VW; }
  static LS_DEV T& at(T* s, int e) { return s[pu(e / VW) * VW + e % VW]; }
  static LS_DEV void get(const T* s, int u, T (&v)[VW]) {
    if constexpr (sizeof(T) == 4) {
      const float4 q = reinterpret_cast<const float4*>(s)[pu(u)];
      v[0] = q.x;
      v[1] = q.y;
      v[2] = q.z;
      v[3] = q.w;
    } else {
      const double2 q = reinterpret_cast<const double2*>(s)[pu(u)];
      v[0] = q.x;
      v[1] = q.y;
    }
  }
  static LS_DEV void put(T* s, int u, const T (&v)[VW]) {
    if constexpr (sizeof(T) == 4) {
      reinterpret_cast<float4*>(s)[pu(u)] = make_float4(v[0], v[1], v[2], v[3]);
    } else {
      reinterpret_cast<double2*>(s)[pu(u)] = make_double2(v[0], v[1]);
    }
  }
  // the warp's segment (32 * NC units from unit u0) from global g (tile start): copies issued
  template <int NC>
  static LS_DEV void load_warp(T* s, const T* g, int u0, int lane) {
#pragma unroll
    for (int q = 0; q < NC; ++q) {
      const int u = u0 + q * 32 + lane;
      cp_async16(s + pu(u) * VW, g + (long long)u * VW);
    }
  }
  // the warp's segment from shared memory to global g (tile start), coalesced
  template <int NC>
  static LS_DEV void store_warp(T* g, const T* s, int u0, int lane) {
#pragma unroll
    for (int q = 0; q < NC; ++q) {
      const int u = u0 + q * 32 + lane;
      if constexpr (sizeof(T) == 4) {
        __stcs(reinterpret_cast<float4*>(g) + u, reinterpret_cast<const float4*>(s)[pu(u)]);
      } else {
        __stcs(reinterpret_cast<double2*>(g) + u, reinterpret_cast<const double2*>(s)[pu(u)]);
      }
    }
  }
};

// N (8 or 16) flag bytes from shared memory at an address aligned to N.
template <int N>
LS_DEV void get_bytes(const uint8_t* s, uint8_t (&v)[N]) {
  static_assert(N == 8 || N == 16, "8 or 16 flag bytes");
  if constexpr (N == 16) {
    const uint4 q = *reinterpret_cast<const uint4*>(s);
    const unsigned w[4] = {q.x, q.y, q.z, q.w};
#pragma unroll
    for (int i = 0; i < 16; ++i) v[i] = (uint8_t)(w[i / 4] >> (8 * (i % 4)));
  } else {
    const uint2 q = *reinterpret_cast<const uint2*>(s);
    const unsigned w[2] = {q.x, q.y};
#pragma unroll
    for (int i = 0; i < 8; ++i) v[i] = (uint8_t)(w[i / 4] >> (8 * (i % 4)));
  }
}

template <int N>
LS_DEV void cp_async_bytes(uint8_t* s, const uint8_t* g) {
  if constexpr (N == 16) {
    cp_async16(s, g);
  } else {
    cp_async8(s, g);
  }
}

// The dynamic shared memory of a kernel.
LS_DEV unsigned char* dyn_smem() {
  extern __shared__ __align__(16) unsigned char ls_dyn[];
  return ls_dyn;
}

}  // namespace ls
