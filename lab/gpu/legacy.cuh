// Superseded kernels kept as references for the harness programs (harness.cu, stress.cu,
// bstress.cu, and through baseline.cuh and bwd3.cuh): moved verbatim out of the fatbin sources
// (gpu/src/main/cuda) in NOTES.md run 25, once no entry point of longscan.cu used them,
// directly or indirectly. They are the kernels that runs 1-22 measured and validated against:
// the register width-1 scan scan_long (the entry point up to layout 6, still the reference of
// harness.cu and stress.cu) with its look-back lookback_long and per-thread loops, the staged
// scan scan_long2 and the staged backward backward_long2 (the entry point up to layout 7, the
// bitwise reference of bstress.cu), and the helpers of common.cuh that only they used (ldv and
// stv are used by nothing). Not compiled into the fatbin; the entry points' kernels are in
// long.cuh (scan_long3, backward_long4) and wide.cuh.
#pragma once

#include "knobs.cuh"

namespace ls {

// ---- from common.cuh
template <typename T>
LS_DEV T ldv(const T* p) {
  return *reinterpret_cast<const volatile T*>(p);
}

template <typename T>
LS_DEV void stv(T* p, T v) {
  *reinterpret_cast<volatile T*>(p) = v;
}

// Waits (one thread, with a short backoff) for the inclusive prefix of status index i.
template <typename T>
LS_DEV T wait_prefix(const Status<T>& st, long long i, unsigned long long epoch) {
  typedef Word<T> WD;
  unsigned ns = 32;
  for (;;) {
    const typename WD::W w = WD::load(st.p + i);
    if ((WD::flag(w) >> 1) == epoch) return WD::value(w);
    __nanosleep(ns);
    if (ns < 128) ns <<= 1;
  }
}

// 16-byte vector stores of N consecutive values starting at a 16-byte aligned address, with
// streaming cache hints (the stores beside load16 in common.cuh).
template <int N>
LS_DEV void store16(float* p, const float (&v)[N]) {
#pragma unroll
  for (int i = 0; i < N / 4; ++i) {
    __stcs(reinterpret_cast<float4*>(p) + i,
           make_float4(v[4 * i], v[4 * i + 1], v[4 * i + 2], v[4 * i + 3]));
  }
}

template <int N>
LS_DEV void store16(double* p, const double (&v)[N]) {
#pragma unroll
  for (int i = 0; i < N / 2; ++i) {
    __stcs(reinterpret_cast<double2*>(p) + i, make_double2(v[2 * i], v[2 * i + 1]));
  }
}

// Warp transposes through shared memory, so that global accesses are whole coalesced rows
// (each 16-byte vector instruction of a warp covers 512 contiguous bytes) while every thread
// holds IT consecutive items: the warp's segment of 32 * IT items is loaded "striped" (vector q
// of lane l holds items (32 q + l) * VW ..), stored to shared memory, and read back "blocked"
// (lane l: items l * IT ..); stores go the other way. One padding item per IT keeps the blocked
// accesses free of bank conflicts (float) or 2-way (double). sm: 32 * (IT + 1) items per warp.
template <typename T, int IT>
struct WarpT {
  static constexpr int VW = 16 / (int)sizeof(T);  // items per 16-byte vector
  static constexpr int NV = IT / VW;               // vectors per lane
  static constexpr int ITEMS = 32 * (IT + 1);      // shared-memory items per warp
  static LS_DEV int at(int e) { return e + e / IT; }
};

template <int IT>
LS_DEV void warp_load(const float* g, float* sm, float (&v)[IT], int lane) {
  typedef WarpT<float, IT> W;
#pragma unroll
  for (int q = 0; q < W::NV; ++q) {
    const int e = (q * 32 + lane) * 4;
    const float4 x = __ldcs(reinterpret_cast<const float4*>(g + e));
    sm[W::at(e)] = x.x;
    sm[W::at(e + 1)] = x.y;
    sm[W::at(e + 2)] = x.z;
    sm[W::at(e + 3)] = x.w;
  }
  __syncwarp();
#pragma unroll
  for (int i = 0; i < IT; ++i) v[i] = sm[lane * (IT + 1) + i];
  __syncwarp();
}

template <int IT>
LS_DEV void warp_load(const double* g, double* sm, double (&v)[IT], int lane) {
  typedef WarpT<double, IT> W;
#pragma unroll
  for (int q = 0; q < W::NV; ++q) {
    const int e = (q * 32 + lane) * 2;
    const double2 x = __ldcs(reinterpret_cast<const double2*>(g + e));
    sm[W::at(e)] = x.x;
    sm[W::at(e + 1)] = x.y;
  }
  __syncwarp();
#pragma unroll
  for (int i = 0; i < IT; ++i) v[i] = sm[lane * (IT + 1) + i];
  __syncwarp();
}

template <int IT>
LS_DEV void warp_store(float* g, float* sm, const float (&v)[IT], int lane) {
  typedef WarpT<float, IT> W;
#pragma unroll
  for (int i = 0; i < IT; ++i) sm[lane * (IT + 1) + i] = v[i];
  __syncwarp();
#pragma unroll
  for (int q = 0; q < W::NV; ++q) {
    const int e = (q * 32 + lane) * 4;
    __stcs(reinterpret_cast<float4*>(g + e),
           make_float4(sm[W::at(e)], sm[W::at(e + 1)], sm[W::at(e + 2)], sm[W::at(e + 3)]));
  }
  __syncwarp();
}

template <int IT>
LS_DEV void warp_store(double* g, double* sm, const double (&v)[IT], int lane) {
  typedef WarpT<double, IT> W;
#pragma unroll
  for (int i = 0; i < IT; ++i) sm[lane * (IT + 1) + i] = v[i];
  __syncwarp();
#pragma unroll
  for (int q = 0; q < W::NV; ++q) {
    const int e = (q * 32 + lane) * 2;
    __stcs(reinterpret_cast<double2*>(g + e), make_double2(sm[W::at(e)], sm[W::at(e + 1)]));
  }
  __syncwarp();
}

// ---- from long.cuh

// Look-back windows are at most this many tiles (2 slots per lane of one warp).
constexpr int LONG_MAX_WINDOW = 64;

// Look-back of tile d by one whole warp, as lookback_long2 in long.cuh (see there: the same
// window and composition), with the words read after the tile's data and the prefix W tiles
// back polled by wait_prefix once the aggregates are composed.
template <typename T>
LS_DEV T lookback_long_reg(const Status<T>& st, long long d, int W, T carry,
                       unsigned long long epoch, int lane) {
  typedef Word<T> WD;
  typedef typename WD::W Wt;
  constexpr int M = LONG_MAX_WINDOW / 32;
  const int m = (W - 1 + 31) / 32;
  T va[M], vb[M];
  unsigned char kd[M];
  unsigned pending = 0;
#pragma unroll
  for (int q = 0; q < M; ++q) {
    const int s = 1 + lane * m + q;
    const long long j = d - W + s;
    kd[q] = 0;
    va[q] = T(1);
    vb[q] = T(0);
    if (q < m && s < W && j >= -1) {
      if (j == -1) {
        kd[q] = 1;
        va[q] = T(0);
        vb[q] = carry;
      } else {
        pending |= 1u << q;
      }
    }
  }
  unsigned ns = 32;
  while (pending) {
    Wt x[M], y[M];
#pragma unroll
    for (int q = 0; q < M; ++q) {
      if ((pending >> q) & 1) {
        const long long j = d - W + 1 + lane * m + q;
        x[q] = WD::load(st.a + j);
        y[q] = WD::load(st.b + j);
      }
    }
#pragma unroll
    for (int q = 0; q < M; ++q) {
      if (((pending >> q) & 1) && (WD::flag(x[q]) >> 1) == epoch &&
          (WD::flag(y[q]) >> 1) == epoch) {
        va[q] = WD::value(x[q]);
        vb[q] = WD::value(y[q]);
        kd[q] = (WD::flag(x[q]) & 1) ? 3 : 2;
        pending &= ~(1u << q);
      }
    }
    if (pending) {
      __nanosleep(ns);
      if (ns < 128) ns <<= 1;
    }
  }
  El<T> acc = empty<T>();
#pragma unroll
  for (int q = 0; q < M; ++q) acc = cat<T, true>(acc, slot_element(va[q], vb[q], kd[q]));
  __syncwarp();
  const El<T> c = shfl_idx(warp_inclusive<T, true, false>(acc, lane), 31);
  // slot 0: the prefix W tiles back; the carry when that is tile -1; before that, the carry is
  // one of the slots and c restarts from it (x0 is not used)
  const long long j0 = d - W;
  T x0 = carry;
  if (lane == 0 && j0 >= 0) x0 = wait_prefix(st, j0, epoch);
  x0 = __shfl_sync(LS_FULL_MASK, x0, 0);
  return apply(c, x0);
}

// Composes the items of one thread in scan order. FULL: all IT items are in range.
template <typename T, int IT, bool REV, bool SEG, bool FULL>
LS_DEV El<T> thread_agg(const T (&av)[IT], const T (&bv)[IT], const uint8_t (&rv)[IT], T h0,
                        long long t0, long long n) {
  El<T> acc = empty<T>();
#pragma unroll
  for (int q = 0; q < IT; ++q) {
    const int i = REV ? IT - 1 - q : q;
    if (FULL || t0 + i < n) {
      const El<T> x =
          (SEG && rv[i]) ? el(T(0), mad(av[i], h0, bv[i]), true) : el(av[i], bv[i], false);
      acc = cat<T, SEG>(acc, x);
    }
  }
  return acc;
}

template <typename T, int IT, bool REV, bool SEG, bool FULL>
LS_DEV void thread_rescan(T (&av)[IT], const T (&bv)[IT], const uint8_t (&rv)[IT], T h0, T h,
                          long long t0, long long n) {
#pragma unroll
  for (int q = 0; q < IT; ++q) {
    const int i = REV ? IT - 1 - q : q;
    if (FULL || t0 + i < n) {
      h = (SEG && rv[i]) ? mad(av[i], h0, bv[i]) : mad(av[i], h, bv[i]);
      av[i] = h;
    }
  }
}

// scan / chunk apply. carry_in[0]: state entering the launch; carry_out[0]: state leaving it.
template <typename T, bool REV, bool SEG>
LS_DEV void scan_long_reg(const T* __restrict__ a, const T* __restrict__ b,
                      const uint8_t* __restrict__ rs, T* __restrict__ out, long long n,
                      const double* __restrict__ carry_in, double* __restrict__ carry_out,
                      double h0d, void* status, long long slots, long long ticket_base,
                      unsigned long long epoch, int W) {
  constexpr int NT = Long<T>::NT, IT = Long<T>::IT, NW = NT / 32;
  const Status<T> st(status, slots);
  constexpr long long TILE = (long long)NT * IT;
  __shared__ int s_tile;
  __shared__ El<T> s_warp[NW];
  __shared__ T s_hin;
  __shared__ T s_tr[NW * WarpT<T, IT>::ITEMS];
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  const long long d = take_ticket(st.counter, ticket_base, &s_tile);
  const long long tiles = (n + TILE - 1) / TILE;
  const long long k = REV ? tiles - 1 - d : d;
  const long long t0 = k * TILE + (long long)tid * IT;
  const long long w0 = k * TILE + (long long)warp * 32 * IT;  // this warp's segment
  const bool wfull = w0 + 32 * IT <= n;
  T* smw = s_tr + warp * WarpT<T, IT>::ITEMS;
  const T h0 = (T)h0d;
  const bool full = t0 + IT <= n;

  T av[IT], bv[IT];
  uint8_t rv[IT];
  if (wfull) {
    warp_load(a + w0, smw, av, lane);
    warp_load(b + w0, smw, bv, lane);
    if (SEG) load_bytes(rs + t0, rv);
  } else if (full) {
    load16(a + t0, av);
    load16(b + t0, bv);
    if (SEG) load_bytes(rs + t0, rv);
  } else {
#pragma unroll
    for (int i = 0; i < IT; ++i) {
      const bool in = t0 + i < n;
      av[i] = in ? a[t0 + i] : T(1);
      bv[i] = in ? b[t0 + i] : T(0);
      rv[i] = (SEG && in) ? rs[t0 + i] : 0;
    }
  }
  if (!SEG) {
#pragma unroll
    for (int i = 0; i < IT; ++i) rv[i] = 0;
  }

  const El<T> agg = full ? thread_agg<T, IT, REV, SEG, true>(av, bv, rv, h0, t0, n)
                         : thread_agg<T, IT, REV, SEG, false>(av, bv, rv, h0, t0, n);
  const El<T> incl = warp_inclusive<T, SEG, REV>(agg, lane);
  const El<T> excl = warp_exclusive<T, REV>(incl, lane);
  if (lane == (REV ? 0 : 31)) s_warp[warp] = incl;
  __syncthreads();
  const int wpos = REV ? NW - 1 - warp : warp;
  El<T> wpre = empty<T>();
  for (int q = 0; q < wpos; ++q) wpre = cat<T, SEG>(wpre, s_warp[REV ? NW - 1 - q : q]);
  const El<T> texcl = cat<T, SEG>(wpre, excl);

  if (warp == 0) {
    const T carry = (T)carry_in[0];
    El<T> tagg = empty<T>();
#pragma unroll
    for (int q = 0; q < NW; ++q) tagg = cat<T, SEG>(tagg, s_warp[REV ? NW - 1 - q : q]);
    if (lane == 0) publish_aggregate(st, d, tagg, epoch);
    const T hin = d > 0 ? lookback_long_reg<T>(st, d, W, carry, epoch, lane) : carry;
    if (lane == 0) {
      const T p = apply(tagg, hin);
      if (!tagg.r) publish_prefix(st, d, p, epoch);
      if (d == tiles - 1) carry_out[0] = (double)p;
      s_hin = hin;
    }
  }
  __syncthreads();

  const T h = apply(texcl, s_hin);
  if (wfull) {
    thread_rescan<T, IT, REV, SEG, true>(av, bv, rv, h0, h, t0, n);
    warp_store(out + w0, smw, av, lane);
  } else if (full) {
    thread_rescan<T, IT, REV, SEG, true>(av, bv, rv, h0, h, t0, n);
    store16(out + t0, av);
  } else {
    thread_rescan<T, IT, REV, SEG, false>(av, bv, rv, h0, h, t0, n);
#pragma unroll
    for (int i = 0; i < IT; ++i)
      if (t0 + i < n) out[t0 + i] = av[i];
  }
}

// scan / chunk apply (see scan_long), staged. MW: largest window (a multiple of 32).
// DIAG (timing diagnostics only, wrong results): bit 1: no look-back at all; bit 4: the tile of a
// block is blockIdx.x instead of a ticket.
template <typename T, bool REV, bool SEG, int NT, int IT, int MW, bool PRE, int LB = 0,
          int DIAG = 0>
LS_DEV void scan_long2(const T* __restrict__ a, const T* __restrict__ b,
                       const uint8_t* __restrict__ rs, T* __restrict__ out, long long n,
                       const double* __restrict__ carry_in, double* __restrict__ carry_out,
                       double h0d, void* status, long long slots, long long ticket_base,
                       unsigned long long epoch, int W) {
  typedef Staged<T> S;
  constexpr int NW = NT / 32, VW = S::VW, NC = IT / VW;
  static_assert(NC == 4, "4 units per thread (see Staged)");
  constexpr int TILE = NT * IT;
  T* sa = reinterpret_cast<T*>(dyn_smem());
  T* sb = sa + S::values(TILE);
  uint8_t* sr = reinterpret_cast<uint8_t*>(sb + S::values(TILE));
  const Status<T> st(status, slots);
  __shared__ int s_tile;
  __shared__ El<T> s_warp[NW];
  __shared__ T s_hin;
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  const long long d =
      (DIAG & 4) ? (long long)blockIdx.x : take_ticket(st.counter, ticket_base, &s_tile);
  const long long tiles = (n + TILE - 1) / TILE;
  const long long k = REV ? tiles - 1 - d : d;
  const long long base = k * TILE;
  const bool full = base + TILE <= n;
  const long long t0 = base + (long long)tid * IT;
  const bool tfull = t0 + IT <= n;
  const int u0 = warp * 32 * NC;  // this warp's first unit
  if (full) {
    S::template load_warp<NC>(sa, a + base, u0, lane);
    S::template load_warp<NC>(sb, b + base, u0, lane);
    if (SEG) cp_async_bytes<IT>(sr + tid * IT, rs + t0);
  } else {
    for (int e = tid; e < TILE; e += NT) {
      const bool in = base + e < n;
      S::at(sa, e) = in ? a[base + e] : T(1);
      S::at(sb, e) = in ? b[base + e] : T(0);
      if (SEG) sr[e] = in ? rs[base + e] : 0;
    }
  }
  LookbackWords<T, MW / 32> lw;
  if (PRE && warp == 0 && d > 0) lw.issue(st, d, W, lane);
  if (full) {
    cp_async_wait_all();
    __syncwarp();
  } else {
    __syncthreads();
  }
  const T h0 = (T)h0d;
  uint8_t rv[IT];
  if (SEG) {
    get_bytes<IT>(sr + tid * IT, rv);
  } else {
#pragma unroll
    for (int i = 0; i < IT; ++i) rv[i] = 0;
  }

  El<T> agg = empty<T>();
#pragma unroll
  for (int qq = 0; qq < NC; ++qq) {
    const int c = REV ? NC - 1 - qq : qq;
    T av[VW], bv[VW];
    S::get(sa, tid * NC + c, av);
    S::get(sb, tid * NC + c, bv);
#pragma unroll
    for (int jj = 0; jj < VW; ++jj) {
      const int j = REV ? VW - 1 - jj : jj, i = c * VW + j;
      if (tfull || t0 + i < n) {
        const El<T> x = (SEG && rv[i]) ? el(T(0), mad(av[j], h0, bv[j]), true)
                                       : el(av[j], bv[j], false);
        agg = cat<T, SEG>(agg, x);
      }
    }
  }
  const El<T> incl = warp_inclusive<T, SEG, REV>(agg, lane);
  const El<T> excl = warp_exclusive<T, REV>(incl, lane);
  if (lane == (REV ? 0 : 31)) s_warp[warp] = incl;
  __syncthreads();
  const int wpos = REV ? NW - 1 - warp : warp;
  El<T> wpre = empty<T>();
  for (int q = 0; q < wpos; ++q) wpre = cat<T, SEG>(wpre, s_warp[REV ? NW - 1 - q : q]);
  const El<T> texcl = cat<T, SEG>(wpre, excl);

  if (warp == 0) {
    const T carry = (T)carry_in[0];
    El<T> tagg = empty<T>();
#pragma unroll
    for (int q = 0; q < NW; ++q) tagg = cat<T, SEG>(tagg, s_warp[REV ? NW - 1 - q : q]);
    if (lane == 0) publish_aggregate(st, d, tagg, epoch);
    const T hin = (d > 0 && !(DIAG & 1))
                      ? lookback_long2<T, MW / 32, LB>(st, d, W, carry, epoch, lane, lw)
                      : carry;
    if (lane == 0) {
      const T p = apply(tagg, hin);
      if (!tagg.r) publish_prefix(st, d, p, epoch);
      if (d == tiles - 1) carry_out[0] = (double)p;
      s_hin = hin;
    }
  }
  __syncthreads();

  T h = apply(texcl, s_hin);
#pragma unroll
  for (int qq = 0; qq < NC; ++qq) {
    const int c = REV ? NC - 1 - qq : qq;
    T av[VW], bv[VW];
    S::get(sa, tid * NC + c, av);
    S::get(sb, tid * NC + c, bv);
#pragma unroll
    for (int jj = 0; jj < VW; ++jj) {
      const int j = REV ? VW - 1 - jj : jj, i = c * VW + j;
      if (tfull || t0 + i < n) {
        h = (SEG && rv[i]) ? mad(av[j], h0, bv[j]) : mad(av[j], h, bv[j]);
        av[j] = h;
      }
    }
    S::put(sa, tid * NC + c, av);
  }
  if (full) {
    __syncwarp();
    S::template store_warp<NC>(out + base, sa, u0, lane);
  } else {
#pragma unroll
    for (int i = 0; i < IT; ++i)
      if (t0 + i < n) out[t0 + i] = S::at(sa, tid * IT + i);
  }
}

// Shared memory (bytes, dynamic) of backward_long2: a, h, g staged, and the step flags.
template <typename T, int TILE, bool SEG>
__host__ __device__ constexpr int backward_long2_smem() {
  return 3 * Staged<T>::values(TILE) * (int)sizeof(T) + (SEG ? TILE : 0);
}

// Backward (staged; the width-1 backward entry point up to layout 7): the recurrence, the
// partials and the step flags as backward_long4 in long.cuh (see there).
//
// Staged: a, h and g (and the flags) of the tile are copied to shared memory; ∂a and ∂b are
// written over h and g there, then stored coalesced.
template <typename T, bool REV, bool SEG, int NT, int IT, int MW, bool PRE, int LB = 0>
LS_DEV void backward_long2(const T* __restrict__ a, const T* __restrict__ h,
                           const T* __restrict__ g, const uint8_t* __restrict__ bf,
                           T* __restrict__ ga, T* __restrict__ gb, long long n, long long first,
                           long long last, double a_next_d, double h_prev_d, double h0d,
                           const double* __restrict__ carry_in, double* __restrict__ carry_out,
                           double* __restrict__ g0_part, void* status, long long slots,
                           long long ticket_base, unsigned long long epoch, int W) {
  typedef Staged<T> S;
  constexpr bool GREV = !REV;  // the direction of the delta recurrence
  constexpr int NW = NT / 32, VW = S::VW, NC = IT / VW;
  static_assert(NC == 4, "4 units per thread (see Staged)");
  constexpr int TILE = NT * IT;
  T* sa = reinterpret_cast<T*>(dyn_smem());
  T* sh = sa + S::values(TILE);
  T* sg = sh + S::values(TILE);
  uint8_t* sf = reinterpret_cast<uint8_t*>(sg + S::values(TILE));
  const Status<T> st(status, slots);
  __shared__ int s_tile;
  __shared__ El<T> s_warp[NW];
  __shared__ T s_din;
  __shared__ double s_sum[NW];
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  const long long d = take_ticket(st.counter, ticket_base, &s_tile);
  const long long tiles = (n + TILE - 1) / TILE;
  const long long k = GREV ? tiles - 1 - d : d;
  const long long base = k * TILE;
  const bool full = base + TILE <= n;
  const long long t0 = base + (long long)tid * IT;
  const bool tfull = t0 + IT <= n;
  const T a_next = (T)a_next_d, h_prev = (T)h_prev_d, h0 = (T)h0d;
  const int u0 = warp * 32 * NC;
  if (full) {
    S::template load_warp<NC>(sa, a + base, u0, lane);
    S::template load_warp<NC>(sh, h + base, u0, lane);
    S::template load_warp<NC>(sg, g + base, u0, lane);
    if (SEG) cp_async_bytes<IT>(sf + tid * IT, bf + t0);
  } else {
    for (int e = tid; e < TILE; e += NT) {
      const long long t = base + e;
      const bool in = t < n;
      // beyond the end, the one value a valid step can reach is at step n: a at next(n - 1) forward, h at prev(n - 1) reverse, both just outside this launch
      S::at(sa, e) = in ? a[t] : ((!REV && t == n) ? a_next : T(0));
      S::at(sh, e) = in ? h[t] : ((REV && t == n) ? h_prev : T(0));
      S::at(sg, e) = in ? g[t] : T(0);
      if (SEG) sf[e] = in ? bf[t] : 0;
    }
  }
  // a at next(t) of this thread's extreme step and h at prev(t) of the other: from the
  // neighbouring lanes, or (the warp's extreme lanes) from global memory
  const long long tan = REV ? t0 - 1 : t0 + IT;
  const long long thp = REV ? t0 + IT : t0 - 1;
  T axg = T(0), hxg = T(0);
  if (lane == (REV ? 0 : 31)) axg = (tan >= 0 && tan < n) ? a[tan] : a_next;
  if (lane == (REV ? 31 : 0)) hxg = (thp >= 0 && thp < n) ? h[thp] : h_prev;
  LookbackWords<T, MW / 32> lw;
  if (PRE && warp == 0 && d > 0) lw.issue(st, d, W, lane);
  if (full) {
    cp_async_wait_all();
    __syncwarp();
  } else {
    __syncthreads();
  }
  T ax, hx;
  {
    const T af = S::at(sa, tid * IT), al = S::at(sa, tid * IT + IT - 1);
    const T hf = S::at(sh, tid * IT), hl = S::at(sh, tid * IT + IT - 1);
    const T xa = REV ? __shfl_up_sync(LS_FULL_MASK, al, 1) : __shfl_down_sync(LS_FULL_MASK, af, 1);
    const T xh = REV ? __shfl_down_sync(LS_FULL_MASK, hf, 1) : __shfl_up_sync(LS_FULL_MASK, hl, 1);
    ax = lane == (REV ? 0 : 31) ? axg : xa;
    hx = lane == (REV ? 31 : 0) ? hxg : xh;
  }
  uint8_t fv[IT];
  if (SEG) {
    get_bytes<IT>(sf + tid * IT, fv);
  } else {
#pragma unroll
    for (int i = 0; i < IT; ++i) {
      const long long t = t0 + i;
      fv[i] = (t == first ? BF_FROM_H0 : 0) | (t == last ? 0 : BF_CONT);
    }
  }

  // thread aggregate in gradient order; alpha = a at next(t)
  El<T> acc = empty<T>();
  {
    T anext = ax;
#pragma unroll
    for (int qq = 0; qq < NC; ++qq) {
      const int c = GREV ? NC - 1 - qq : qq;
      T av[VW], gv[VW];
      S::get(sa, tid * NC + c, av);
      S::get(sg, tid * NC + c, gv);
#pragma unroll
      for (int jj = 0; jj < VW; ++jj) {
        const int j = GREV ? VW - 1 - jj : jj, i = c * VW + j;
        const T alpha = GREV ? (j == VW - 1 ? anext : av[j + 1 < VW ? j + 1 : 0])
                             : (j == 0 ? anext : av[j > 0 ? j - 1 : 0]);
        if (tfull || t0 + i < n) {
          const bool cont = (fv[i] & BF_CONT) != 0;
          acc = cat<T, true>(acc, el(cont ? alpha : T(0), gv[j], !cont));
        }
      }
      anext = GREV ? av[0] : av[VW - 1];
    }
  }
  const El<T> incl = warp_inclusive<T, true, GREV>(acc, lane);
  const El<T> excl = warp_exclusive<T, GREV>(incl, lane);
  if (lane == (GREV ? 0 : 31)) s_warp[warp] = incl;
  __syncthreads();
  const int wpos = GREV ? NW - 1 - warp : warp;
  El<T> wpre = empty<T>();
  for (int q = 0; q < wpos; ++q) wpre = cat<T, true>(wpre, s_warp[GREV ? NW - 1 - q : q]);
  const El<T> texcl = cat<T, true>(wpre, excl);

  if (warp == 0) {
    const T carry = (T)carry_in[0];
    El<T> tagg = empty<T>();
#pragma unroll
    for (int q = 0; q < NW; ++q) tagg = cat<T, true>(tagg, s_warp[GREV ? NW - 1 - q : q]);
    if (lane == 0) publish_aggregate(st, d, tagg, epoch);
    const T din = d > 0 ? lookback_long2<T, MW / 32, LB>(st, d, W, carry, epoch, lane, lw) : carry;
    if (lane == 0) {
      const T p = apply(tagg, din);
      if (!tagg.r) publish_prefix(st, d, p, epoch);
      if (d == tiles - 1) carry_out[0] = (double)p;
      s_din = din;
    }
  }
  __syncthreads();  // also: every lane has read its neighbours' values (ax, hx) above

  T delta = apply(texcl, s_din);
  double g0 = 0.0;
  {
    T anext = ax;
#pragma unroll
    for (int qq = 0; qq < NC; ++qq) {
      const int c = GREV ? NC - 1 - qq : qq;
      T av[VW], hv[VW], gv[VW], oa[VW], ob[VW];
      S::get(sa, tid * NC + c, av);
      S::get(sh, tid * NC + c, hv);
      S::get(sg, tid * NC + c, gv);
      // h at prev(t) of the chunk's extreme step: this thread's neighbouring chunk (not yet
      // overwritten: chunks go in gradient order) or hx
      const T hb = GREV ? (c == 0 ? hx : S::at(sh, tid * IT + c * VW - 1))
                        : (c == NC - 1 ? hx : S::at(sh, tid * IT + c * VW + VW));
#pragma unroll
      for (int jj = 0; jj < VW; ++jj) {
        const int j = GREV ? VW - 1 - jj : jj, i = c * VW + j;
        const T alpha = GREV ? (j == VW - 1 ? anext : av[j + 1 < VW ? j + 1 : 0])
                             : (j == 0 ? anext : av[j > 0 ? j - 1 : 0]);
        const T hpv = GREV ? (j == 0 ? hb : hv[j > 0 ? j - 1 : 0])
                           : (j == VW - 1 ? hb : hv[j + 1 < VW ? j + 1 : 0]);
        oa[j] = T(0);
        ob[j] = T(0);
        if (tfull || t0 + i < n) {
          const bool cont = (fv[i] & BF_CONT) != 0;
          const bool from_h0 = (fv[i] & BF_FROM_H0) != 0;
          delta = cont ? mad(alpha, delta, gv[j]) : gv[j];
          const T hp = from_h0 ? h0 : hpv;
          if (from_h0) g0 += (double)av[j] * (double)delta;
          oa[j] = hp * delta;
          ob[j] = delta;
        }
      }
      anext = GREV ? av[0] : av[VW - 1];
      S::put(sh, tid * NC + c, oa);
      S::put(sg, tid * NC + c, ob);
    }
  }
  if (full) {
    __syncwarp();
    S::template store_warp<NC>(ga + base, sh, u0, lane);
    S::template store_warp<NC>(gb + base, sg, u0, lane);
  } else {
#pragma unroll
    for (int i = 0; i < IT; ++i) {
      if (t0 + i < n) {
        ga[t0 + i] = S::at(sh, tid * IT + i);
        gb[t0 + i] = S::at(sg, tid * IT + i);
      }
    }
  }
  const double s = block_sum<NT>(g0, s_sum);
  if (tid == 0) g0_part[d] = s;
}

}  // namespace ls
