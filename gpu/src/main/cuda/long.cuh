// One long series (width 1): time across threads and blocks.
//
// scan (scan_long): a single pass with decoupled look-back (Merrill & Garland 2016). Each block
// takes the next tile in scan order from a ticket counter, loads its a and b once (asynchronous
// copies of coalesced 512-byte warp rows into shared memory), composes them, publishes the
// tile's aggregate, obtains the state entering the tile, publishes its inclusive prefix (the
// state leaving it), rescans the tile from that state and writes h once (coalesced). The blocks
// are persistent and pipelined: the next tile loads and publishes its aggregate while the
// current one waits in its look-back (see scan_long).
//
// Determinism: the look-back always uses the same window. Tile d waits for the inclusive prefix
// of tile d - W (or the carry entering the launch when d < W) and the aggregates of tiles
// d - W + 1 .. d - 1, and composes them in a fixed pattern (the aggregates per lane, then by a
// warp scan, applied last to that prefix). The inclusive prefix of a tile is therefore a fixed
// function of the data, W and the tile size, whatever the timing: results are bitwise identical
// across runs. (A look-back that stops at the first predecessor whose prefix happens to be ready
// would compose a timing-dependent number of aggregates.) W is a launch parameter.
//
// reduce: per-tile summaries in float64 (no look-back), composed afterwards by fold_long.
// backward (backward_long): the delta recurrence in the reverse of the scan order, fused with the
// gradients, built like the scan (see backward_long). Staged in shared memory, a tile waiting in
// its look-back holds shared memory rather than registers.
#pragma once

#include "common.cuh"

namespace ls {

template <typename T>
struct Long;
template <>
struct Long<float> {
  static constexpr int NT = 512;  // threads per block (reduce)
  static constexpr int IT = 16;   // items per thread (scan)
  static constexpr int RIT = 16;  // items per thread (reduce)
  static constexpr int BIT = 16;  // items per thread (backward)
};
template <>
struct Long<double> {
  static constexpr int NT = 512;
  static constexpr int IT = 8;
  static constexpr int RIT = 8;
  static constexpr int BIT = 8;
};

// Chunk reduce, phase 1: the summary of each tile in scan order, in float64, into
// part_a/b/f[d] where d is the tile's position in scan order (f: bit 0 restarts).
template <typename T, bool REV, bool SEG>
LS_DEV void reduce_long(const T* __restrict__ a, const T* __restrict__ b,
                        const uint8_t* __restrict__ rs, long long n, double h0,
                        double* __restrict__ part_a, double* __restrict__ part_b,
                        int* __restrict__ part_f) {
  constexpr int NT = Long<T>::NT, IT = Long<T>::RIT, NW = NT / 32;
  constexpr long long TILE = (long long)NT * IT;
  __shared__ El<double> s_warp[NW];
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  const long long tiles = (n + TILE - 1) / TILE;
  const long long k = blockIdx.x;
  const long long d = REV ? tiles - 1 - k : k;
  const long long t0 = k * TILE + (long long)tid * IT;
  const bool full = t0 + IT <= n;
  T av[IT], bv[IT];
  uint8_t rv[IT];
  if (full) {
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
  El<double> acc = empty<double>();
#pragma unroll
  for (int q = 0; q < IT; ++q) {
    const int i = REV ? IT - 1 - q : q;
    if (full || t0 + i < n) {
      const double x = (double)av[i], y = (double)bv[i];
      const El<double> e = (SEG && rv[i]) ? el(0.0, mad(x, h0, y), true) : el(x, y, false);
      acc = cat<double, SEG>(acc, e);
    }
  }
  const El<double> incl = warp_inclusive<double, SEG, REV>(acc, lane);
  if (lane == (REV ? 0 : 31)) s_warp[warp] = incl;
  __syncthreads();
  if (tid == 0) {
    El<double> t = empty<double>();
    for (int q = 0; q < NW; ++q) t = cat<double, SEG>(t, s_warp[REV ? NW - 1 - q : q]);
    part_a[d] = t.a;
    part_b[d] = t.b;
    part_f[d] = bits(t);
  }
}

// ---------------------------------------------------------------------------------------------
// Look-back of tile d (see the file comment), by one whole warp, so that the chain from the
// prefix of tile d - W to the prefix of tile d is one poll and one multiply-add:
//  1. lane k reads slots 1 + k m .. k m + m (m = ceil((W - 1) / 32); slot s is tile d - W + s:
//     an aggregate, the carry for tile -1, nothing before that), all of its loads at once, and
//     composes them in order; a warp scan composes the lanes in order: C;
//  2. lane 0 waits for the state of slot 0 (the inclusive prefix of tile d - W, or the carry)
//     and every lane returns C applied to it.
// M: status words per lane (the largest window the kernel takes, divided by 32).
template <typename T, int M>
LS_DEV T lookback_long(const Status<T>& st, long long d, int W, T carry,
                       unsigned long long epoch, int lane) {
  typedef Word<T> WD;
  const int m = (W - 1 + 31) / 32;
  typename WD::W x[M], y[M];
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
#pragma unroll
  for (int q = 0; q < M; ++q) {
    if ((pending >> q) & 1) {
      const long long j = d - W + 1 + lane * m + q;
      x[q] = WD::load(st.a + j);
      y[q] = WD::load(st.b + j);
    }
  }
  unsigned ns = 32;
  for (;;) {
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
    if (!pending) break;
    __nanosleep(ns);
    if (ns < 128) ns <<= 1;
#pragma unroll
    for (int q = 0; q < M; ++q) {
      if ((pending >> q) & 1) {
        const long long j = d - W + 1 + lane * m + q;
        x[q] = WD::load(st.a + j);
        y[q] = WD::load(st.b + j);
      }
    }
  }
  El<T> acc = empty<T>();
#pragma unroll
  for (int q = 0; q < M; ++q) acc = cat<T, true>(acc, slot_element(va[q], vb[q], kd[q]));
  __syncwarp();
  const El<T> c = shfl_idx(warp_inclusive<T, true, false>(acc, lane), 31);
  // slot 0: the prefix W tiles back; the carry when that is tile -1; before that, the carry is
  // one of the slots and the composition restarts from it (x0 is not used)
  const long long j0 = d - W;
  T x0 = carry;
  if (lane == 0 && j0 >= 0) {
    for (;;) {
      const typename WD::W w = WD::load(st.p + j0);
      if ((WD::flag(w) >> 1) == epoch) {
        x0 = WD::value(w);
        break;
      }
      __nanosleep(ns);
      if (ns < 128) ns <<= 1;
    }
  }
  x0 = __shfl_sync(LS_FULL_MASK, x0, 0);
  return apply(c, x0);
}

// Shared memory (bytes) of one stage of the width-1 scan: a and b of a tile, and its restart
// flags.
template <typename T, int TILE, bool SEG>
__host__ __device__ constexpr int scan_long_stage_smem() {
  return 2 * Staged<T>::values(TILE) * (int)sizeof(T) + (SEG ? TILE : 0);
}
// Groups of asynchronous copies (multi-stage pipelines): commit the copies issued since the last
// commit as one group; wait until at most N groups are still in flight.
LS_DEV void cp_async_commit() {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
  asm volatile("cp.async.commit_group;" ::: "memory");
#endif
}

template <int N>
LS_DEV void cp_async_wait_group() {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
  asm volatile("cp.async.wait_group %0;" ::"n"(N) : "memory");
#endif
}

// ---------------------------------------------------------------------------------------------
// Pipelined persistent scan: a grid of at most as many blocks as fit on the device at once; each
// block takes tiles from the ticket counter in scan order and keeps S tiles staged in shared
// memory (asynchronous copies, one commit group per tile), so that while a tile waits in its
// look-back the loads of the block's next tiles are in flight. EARLY: in the iteration of tile i
// the block first reduces tile i + 1 and publishes its aggregate, then does the look-back of
// tile i and its rescan (three stages: loads of i + 2 .. i + S - 1 in flight, i + 1 reduced and
// published, i rescanned and stored); otherwise tile i is reduced, published, looked back and
// rescanned in turn (loads of i + 1 .. i + S - 1 in flight). S = 1 (not EARLY) is the persistent
// staged scan without overlap: each tile is loaded, reduced, looked back and rescanned in turn.
//
// scan / chunk apply: carry_in[0] is the state entering the launch, carry_out[0] the state
// leaving it. Tickets: every block takes exactly one ticket past the last tile (its signal to
// stop), so a launch consumes tiles + gridDim.x tickets.
// Progress: a block takes its tickets in increasing order, and a tile's aggregate depends only on
// its own data, so the lowest tile without a published prefix can always complete.
template <typename T, int TILE, bool SEG, int S>
__host__ __device__ constexpr int scan_long_smem() {
  return S * scan_long_stage_smem<T, TILE, SEG>();
}

template <typename T, bool REV, bool SEG, int NT, int IT, int S, int MW, bool EARLY>
LS_DEV void scan_long(const T* __restrict__ a, const T* __restrict__ b,
                       const uint8_t* __restrict__ rs, T* __restrict__ out, long long n,
                       const double* __restrict__ carry_in, double* __restrict__ carry_out,
                       double h0d, void* status, long long slots, long long ticket_base,
                       unsigned long long epoch, int W) {
  typedef Staged<T> Sg;
  constexpr int NW = NT / 32, VW = Sg::VW, NC = IT / VW;
  constexpr int TILE = NT * IT;
  constexpr int P = S - 1;          // tiles loaded ahead of the one rescanned
  constexpr int R = EARLY ? 1 : 0;  // tiles reduced ahead of the one rescanned
  static_assert(S >= 1 && P >= R, "stages");
  constexpr int BUFB = scan_long_stage_smem<T, TILE, SEG>();  // bytes per stage
  unsigned char* smem = dyn_smem();
  const Status<T> st(status, slots);
  __shared__ long long s_d[S];
  __shared__ El<T> s_warp[NW];
  __shared__ T s_hin;
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  const long long tiles = (n + TILE - 1) / TILE;
  const int u0 = warp * 32 * NC;  // this warp's first unit
  const int e0 = u0 * VW;         // this warp's first value
  const T h0 = (T)h0d;

  auto sa_of = [&](int k) { return reinterpret_cast<T*>(smem + (k % S) * BUFB); };
  auto sb_of = [&](int k) { return sa_of(k) + Sg::values(TILE); };
  auto sr_of = [&](int k) {
    return reinterpret_cast<uint8_t*>(sb_of(k) + Sg::values(TILE));
  };
  // issues the loads of the block's k-th tile (d: its ticket) and commits them as one group;
  // every warp copies its own segment, so a warp needs only its own copies to have arrived
  auto issue = [&](int k, long long d) {
    if (d < tiles) {
      const long long kt = REV ? tiles - 1 - d : d;
      const long long base = kt * TILE;
      T* sa = sa_of(k);
      T* sb = sb_of(k);
      uint8_t* sr = sr_of(k);
      if (base + TILE <= n) {
        Sg::template load_warp<NC>(sa, a + base, u0, lane);
        Sg::template load_warp<NC>(sb, b + base, u0, lane);
        if (SEG) cp_async_bytes<IT>(sr + tid * IT, rs + base + tid * IT);
      } else {
        for (int e = e0 + lane; e < e0 + 32 * IT; e += 32) {
          const bool in = base + e < n;
          Sg::at(sa, e) = in ? a[base + e] : T(1);
          Sg::at(sb, e) = in ? b[base + e] : T(0);
          if (SEG) sr[e] = in ? rs[base + e] : 0;
        }
      }
    }
    cp_async_commit();
  };
  // the exclusive prefix of this thread's items within the tile (texcl) and, in warp 0, the
  // tile's aggregate (tagg), which lane 0 publishes; one block barrier
  auto reduce = [&](int k, long long d, El<T>& texcl, El<T>& tagg) {
    const long long kt = REV ? tiles - 1 - d : d;
    const long long t0 = kt * TILE + (long long)tid * IT;
    const bool tfull = t0 + IT <= n;
    const T* sa = sa_of(k);
    const T* sb = sb_of(k);
    uint8_t rv[IT];
    if (SEG) {
      get_bytes<IT>(sr_of(k) + tid * IT, rv);
    } else {
#pragma unroll
      for (int i = 0; i < IT; ++i) rv[i] = 0;
    }
    El<T> agg = empty<T>();
#pragma unroll
    for (int qq = 0; qq < NC; ++qq) {
      const int c = REV ? NC - 1 - qq : qq;
      T av[VW], bv[VW];
      Sg::get(sa, tid * NC + c, av);
      Sg::get(sb, tid * NC + c, bv);
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
    texcl = cat<T, SEG>(wpre, excl);
    if (warp == 0) {
      tagg = empty<T>();
#pragma unroll
      for (int q = 0; q < NW; ++q) tagg = cat<T, SEG>(tagg, s_warp[REV ? NW - 1 - q : q]);
      if (lane == 0) publish_aggregate(st, d, tagg, epoch);
    }
  };

  // tickets of the block's tiles 0 .. S - 1 (stop at the first past the end)
  if (tid == 0) {
    bool more = true;
    for (int k = 0; k < S; ++k) {
      long long d = 0x7fffffffffffffffLL;
      if (more) {
        d = (long long)atomicAdd(st.counter, 1ULL) - ticket_base;
        more = d < tiles;
      }
      s_d[k] = d;
    }
  }
  __syncthreads();
#pragma unroll
  for (int k = 0; k < P; ++k) issue(k, s_d[k]);
  El<T> tex_cur = empty<T>(), tagg_cur = empty<T>(), tex_nx = empty<T>(), tagg_nx = empty<T>();
  if (EARLY) {
    cp_async_wait_group<P - 1>();
    __syncwarp();
    if (s_d[0] < tiles) reduce(0, s_d[0], tex_nx, tagg_nx);
    // every warp has read s_warp (its prefix, warp 0 the tile's aggregate) before the first
    // iteration's reduce writes it again; without this barrier a warp that got its share of the
    // next tile early could overwrite s_warp[warp] while warp 0 still composed this tile's
    // aggregate
    __syncthreads();
  }
  const T carry = (T)carry_in[0];
  for (int i = 0;; ++i) {
    const long long d = s_d[i % S];
    if (d >= tiles) break;
    const long long dn = s_d[(i + R) % S];
    issue(i + P, s_d[(i + P) % S]);
    cp_async_wait_group<P - R>();  // tile i + R has arrived
    __syncwarp();
    if (EARLY) {
      tex_cur = tex_nx;
      tagg_cur = tagg_nx;
      if (dn < tiles) reduce(i + 1, dn, tex_nx, tagg_nx);
    } else {
      reduce(i, d, tex_cur, tagg_cur);
    }
    if (warp == 0) {
      const T hin = d > 0 ? lookback_long<T, MW / 32>(st, d, W, carry, epoch, lane) : carry;
      if (lane == 0) {
        const T p = apply(tagg_cur, hin);
        if (!tagg_cur.r) publish_prefix(st, d, p, epoch);
        if (d == tiles - 1) carry_out[0] = (double)p;
        s_hin = hin;
      }
    }
    __syncthreads();
    {
      const long long kt = REV ? tiles - 1 - d : d;
      const long long base = kt * TILE;
      const long long t0 = base + (long long)tid * IT;
      const bool tfull = t0 + IT <= n;
      T* sa = sa_of(i);
      const T* sb = sb_of(i);
      uint8_t rv[IT];
      if (SEG) {
        get_bytes<IT>(sr_of(i) + tid * IT, rv);
      } else {
#pragma unroll
        for (int q = 0; q < IT; ++q) rv[q] = 0;
      }
      T h = apply(tex_cur, s_hin);
#pragma unroll
      for (int qq = 0; qq < NC; ++qq) {
        const int c = REV ? NC - 1 - qq : qq;
        T av[VW], bv[VW];
        Sg::get(sa, tid * NC + c, av);
        Sg::get(sb, tid * NC + c, bv);
#pragma unroll
        for (int jj = 0; jj < VW; ++jj) {
          const int j = REV ? VW - 1 - jj : jj, q = c * VW + j;
          if (tfull || t0 + q < n) {
            h = (SEG && rv[q]) ? mad(av[j], h0, bv[j]) : mad(av[j], h, bv[j]);
            av[j] = h;
          }
        }
        Sg::put(sa, tid * NC + c, av);
      }
      __syncwarp();
      if (base + TILE <= n) {
        Sg::template store_warp<NC>(out + base, sa, u0, lane);
      } else {
        for (int e = e0 + lane; e < e0 + 32 * IT; e += 32)
          if (base + e < n) out[base + e] = Sg::at(sa, e);
      }
    }
    // the ticket of the block's tile i + S (into tile i's slot)
    if (tid == 0) {
      const long long dl = s_d[(i + S - 1) % S];
      s_d[i % S] = dl < tiles ? (long long)atomicAdd(st.counter, 1ULL) - ticket_base : 0x7fffffffffffffffLL;
    }
    __syncthreads();
  }
  cp_async_wait_group<0>();
}

// The width-1 scan entry points: 256 threads x 16 (float) or 8 (double) steps, 2 stages, early
// aggregates, 3 blocks per SM on Hopper; windows up to 128 (float) or 64 (double: the look-back
// words of 128 cost it a quarter of its speed).
// cp.async needs sm_80: before that the stages are plain loads, and the 64 KiB of shared memory
// per block of sm_75 hold one stage, so those builds run the persistent scan without overlap
// (S = 1). ls_info reports the stages compiled for the device, and the host sizes the dynamic
// shared memory from them.
constexpr int SCAN_LONG_NT = 256;
constexpr int SCAN_LONG_MAX_WINDOW = 128;
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ < 800
constexpr int SCAN_LONG_STAGES = 1;
#else
constexpr int SCAN_LONG_STAGES = 2;
#endif
template <typename T>
struct ScanLong {
  static constexpr int NT = SCAN_LONG_NT;
  static constexpr int IT = Long<T>::IT;
  static constexpr int TILE = NT * IT;
  static constexpr int S = SCAN_LONG_STAGES;
  static constexpr bool EARLY = S > 1;
  static constexpr int MW = sizeof(T) == 4 ? SCAN_LONG_MAX_WINDOW : 64;  // largest window
  template <bool SEG>
  static __host__ __device__ constexpr int smem() {
    return scan_long_smem<T, TILE, SEG, S>();
  }
};

// Backward: delta_t = g_t + a_next(t) * delta_next(t) in the reverse of the scan order, where
// next(t) is the step after t in scan order and the term is dropped where next(t) restarts or
// does not exist; gradA_t = hprev_t * delta_t, gradB_t = delta_t, and the partial sum of
// a_t * delta_t over the steps that start from h0 (per tile, in float64) into g0_part[d].
//
// Step flags: SEG: bf[t] (BF_FROM_H0, BF_CONT); otherwise the only step starting from h0 is
// `first` and the only one without a continuing next step is `last` (local indices, -1: not in
// this launch). a_next: a at next(t) for the last step of this launch in scan order (when it
// continues); h_prev: h at the step before the first step of this launch in scan order.
//
// Pipelined persistent width-1 backward, built like scan_long: a grid of at most as many blocks
// as fit at once takes tiles by ticket in gradient order; each stage holds a, g (and the step
// flags) of a tile and the NW values of a at next(t) outside each warp, loaded by cp.async (one
// commit group per tile); h is not staged: the final pass (rescan) reads the thread's IT values
// of h from global memory into registers (vector loads, issued after the look-back), h at
// prev(t) of its extreme step by a shuffle or, in one lane per warp, a plain load. EARLY: tile
// i + 1 is reduced and its aggregate published before tile i's look-back. The look-back is the
// scan's fixed window, so ∂a, ∂b, the carry and the per-tile g0 partials are deterministic; the
// host sums the partials in tile order. Tickets: every block takes one ticket past the last
// tile, so a launch consumes tiles + gridDim.x tickets.
// Barriers between a shared buffer's last read and its next write: s_warp, the prelude barrier
// and the barriers of the loop; s_din, written by warp 0 before the barrier after the
// look-back, read after it, rewritten after the end-of-iteration barrier; s_sum, block_sum's
// barrier (thread 0 reads it before the next iteration's barriers); a stage, rewritten (issue of
// the block's tile i + S) only after the end-of-iteration barrier; s_d likewise.

// One value by an asynchronous copy (plain load and store before sm_80)
template <typename T>
LS_DEV void cp_async_val(T* s, const T* g) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
  const unsigned sa = (unsigned)__cvta_generic_to_shared(s);
  if constexpr (sizeof(T) == 4) {
    asm volatile("cp.async.ca.shared.global [%0], [%1], 4;" ::"r"(sa), "l"(g) : "memory");
  } else {
    asm volatile("cp.async.ca.shared.global [%0], [%1], 8;" ::"r"(sa), "l"(g) : "memory");
  }
#else
  *s = *g;
#endif
}

// bytes per stage: a and g staged, the flags, then NW values (16-byte multiple)
template <typename T, int NT, int IT, bool SEG>
__host__ __device__ constexpr int backward_long_xoff() {
  return 2 * Staged<T>::values(NT * IT) * (int)sizeof(T) + (SEG ? NT * IT : 0);
}
template <typename T, int NT, int IT, bool SEG>
__host__ __device__ constexpr int backward_long_stage() {
  return backward_long_xoff<T, NT, IT, SEG>() + (((NT / 32) * (int)sizeof(T) + 15) / 16) * 16;
}
template <typename T, int NT, int IT, bool SEG, int S>
__host__ __device__ constexpr int backward_long_smem() {
  return S * backward_long_stage<T, NT, IT, SEG>();
}

template <typename T, bool REV, bool SEG, int NT, int IT, int S, int MW, bool EARLY>
LS_DEV void backward_long(const T* __restrict__ a, const T* __restrict__ h,
                           const T* __restrict__ g, const uint8_t* __restrict__ bf,
                           T* __restrict__ ga, T* __restrict__ gb, long long n, long long first,
                           long long last, double a_next_d, double h_prev_d, double h0d,
                           const double* __restrict__ carry_in, double* __restrict__ carry_out,
                           double* __restrict__ g0_part, void* status, long long slots,
                           long long ticket_base, unsigned long long epoch, int W) {
  typedef Staged<T> Sg;
  constexpr bool GREV = !REV;  // the direction of the delta recurrence
  constexpr int NW = NT / 32, VW = Sg::VW, NC = IT / VW;
  static_assert(NC == 4, "4 units per thread (see Staged)");
  constexpr int TILE = NT * IT;
  constexpr int P = S - 1;          // tiles loaded ahead of the one rescanned
  constexpr int R = EARLY ? 1 : 0;  // tiles reduced ahead of the one rescanned
  static_assert(S >= 1 && P >= R, "stages");
  constexpr int BUFB = backward_long_stage<T, NT, IT, SEG>();
  constexpr int XOFF = backward_long_xoff<T, NT, IT, SEG>();
  unsigned char* smem = dyn_smem();
  const Status<T> st(status, slots);
  __shared__ long long s_d[S];
  __shared__ El<T> s_warp[NW];
  __shared__ T s_din;
  __shared__ double s_sum[NW];
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  const long long tiles = (n + TILE - 1) / TILE;
  const int u0 = warp * 32 * NC;  // this warp's first unit
  const int e0 = u0 * VW;         // this warp's first value
  const T a_next = (T)a_next_d, h_prev = (T)h_prev_d, h0 = (T)h0d;
  constexpr int AX_LANE = REV ? 0 : 31;  // the lane whose a at next(t) lies outside the warp
  constexpr int HX_LANE = REV ? 31 : 0;  // the lane whose h at prev(t) lies outside the warp

  auto sa_of = [&](int k) { return reinterpret_cast<T*>(smem + (k % S) * BUFB); };
  auto sg_of = [&](int k) { return sa_of(k) + Sg::values(TILE); };
  auto sf_of = [&](int k) { return reinterpret_cast<uint8_t*>(sg_of(k) + Sg::values(TILE)); };
  auto sx_of = [&](int k) { return reinterpret_cast<T*>(smem + (k % S) * BUFB + XOFF); };
  auto base_of = [&](long long d) { return (GREV ? tiles - 1 - d : d) * TILE; };

  // issues the loads of the block's k-th tile (d: its ticket) and commits them as one group;
  // every warp copies its own segment (and its two outside values), so a warp needs only its
  // own copies to have arrived
  auto issue = [&](int k, long long d) {
    if (d < tiles) {
      const long long base = base_of(d);
      T* sa = sa_of(k);
      T* sg = sg_of(k);
      uint8_t* sf = sf_of(k);
      T* sx = sx_of(k);
      if (base + TILE <= n) {
        Sg::template load_warp<NC>(sa, a + base, u0, lane);
        Sg::template load_warp<NC>(sg, g + base, u0, lane);
        if (SEG) cp_async_bytes<IT>(sf + tid * IT, bf + base + tid * IT);
      } else {
        for (int e = e0 + lane; e < e0 + 32 * IT; e += 32) {
          const long long t = base + e;
          const bool in = t < n;
          // beyond the end, the one value a valid step can reach is at step n: a at next(n - 1)
          // forward, h at prev(n - 1) reverse, both just outside this launch
          Sg::at(sa, e) = in ? a[t] : ((!REV && t == n) ? a_next : T(0));
          Sg::at(sg, e) = in ? g[t] : T(0);
          if (SEG) sf[e] = in ? bf[t] : 0;
        }
      }
      const long long t0 = base + (long long)tid * IT;
      if (lane == AX_LANE) {
        const long long tan = REV ? t0 - 1 : t0 + IT;
        if (tan >= 0 && tan < n) {
          cp_async_val(sx + warp, a + tan);
        } else {
          sx[warp] = a_next;
        }
      }
    }
    cp_async_commit();
  };
  auto flags = [&](int k, long long t0, uint8_t (&fv)[IT]) {
    if (SEG) {
      get_bytes<IT>(sf_of(k) + tid * IT, fv);
    } else {
#pragma unroll
      for (int i = 0; i < IT; ++i) {
        const long long t = t0 + i;
        fv[i] = (t == first ? BF_FROM_H0 : 0) | (t == last ? 0 : BF_CONT);
      }
    }
  };
  // this thread's IT values of h (tile ticket d) into registers, and hx: h at prev(t) of its
  // extreme step (the neighbouring lane's, or, in lane HX_LANE, a plain load). Whole warps.
  auto hload = [&](long long d, T (&hr)[IT], T& hx) {
    const long long t0 = base_of(d) + (long long)tid * IT;
    if (d < tiles && t0 + IT <= n) {
#pragma unroll
      for (int c = 0; c < NC; ++c) {
        if constexpr (sizeof(T) == 4) {
          const float4 q = __ldg(reinterpret_cast<const float4*>(h + t0) + c);
          hr[c * 4] = q.x, hr[c * 4 + 1] = q.y, hr[c * 4 + 2] = q.z, hr[c * 4 + 3] = q.w;
        } else {
          const double2 q = __ldg(reinterpret_cast<const double2*>(h + t0) + c);
          hr[c * 2] = q.x, hr[c * 2 + 1] = q.y;
        }
      }
    } else {
#pragma unroll
      for (int q = 0; q < IT; ++q) {
        const long long t = t0 + q;
        hr[q] = t < n ? h[t] : ((REV && t == n) ? h_prev : T(0));
      }
    }
    hx = REV ? __shfl_down_sync(LS_FULL_MASK, hr[0], 1) : __shfl_up_sync(LS_FULL_MASK, hr[IT - 1], 1);
    if (lane == HX_LANE) {
      const long long thp = REV ? t0 + IT : t0 - 1;
      hx = (thp >= 0 && thp < n) ? h[thp] : h_prev;
    }
  };
  // the exclusive prefix of this thread's items within the tile (texcl), a at next(t) of this
  // thread's extreme step (ax) and, in warp 0, the tile's aggregate (tagg), which lane 0
  // publishes; one block barrier
  auto reduce = [&](int k, long long d, El<T>& texcl, El<T>& tagg, T& ax) {
    const long long t0 = base_of(d) + (long long)tid * IT;
    const bool tfull = t0 + IT <= n;
    const T* sa = sa_of(k);
    const T* sg = sg_of(k);
    {
      const T af = Sg::at(sa_of(k), tid * IT), al = Sg::at(sa_of(k), tid * IT + IT - 1);
      const T xa = REV ? __shfl_up_sync(LS_FULL_MASK, al, 1) : __shfl_down_sync(LS_FULL_MASK, af, 1);
      ax = lane == AX_LANE ? sx_of(k)[warp] : xa;
    }
    uint8_t fv[IT];
    flags(k, t0, fv);
    El<T> acc = empty<T>();
    {
      T anext = ax;
#pragma unroll
      for (int qq = 0; qq < NC; ++qq) {
        const int c = GREV ? NC - 1 - qq : qq;
        T av[VW], gv[VW];
        Sg::get(sa, tid * NC + c, av);
        Sg::get(sg, tid * NC + c, gv);
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
    texcl = cat<T, true>(wpre, excl);
    if (warp == 0) {
      tagg = empty<T>();
#pragma unroll
      for (int q = 0; q < NW; ++q) tagg = cat<T, true>(tagg, s_warp[GREV ? NW - 1 - q : q]);
      if (lane == 0) publish_aggregate(st, d, tagg, epoch);
    }
  };

  // tickets of the block's tiles 0 .. S - 1 (stop at the first past the end)
  if (tid == 0) {
    bool more = true;
    for (int k = 0; k < S; ++k) {
      long long d = 0x7fffffffffffffffLL;
      if (more) {
        d = (long long)atomicAdd(st.counter, 1ULL) - ticket_base;
        more = d < tiles;
      }
      s_d[k] = d;
    }
  }
  __syncthreads();
#pragma unroll
  for (int k = 0; k < P; ++k) issue(k, s_d[k]);
  El<T> tex_cur = empty<T>(), tagg_cur = empty<T>(), tex_nx = empty<T>(), tagg_nx = empty<T>();
  T ax_cur = T(0), ax_nx = T(0);
  if (EARLY) {
    cp_async_wait_group<P - 1>();
    __syncwarp();
    if (s_d[0] < tiles) reduce(0, s_d[0], tex_nx, tagg_nx, ax_nx);
    // every warp has read s_warp before the first iteration's reduce writes it again
    __syncthreads();
  }
  const T carry = (T)carry_in[0];
  for (int i = 0;; ++i) {
    const long long d = s_d[i % S];
    if (d >= tiles) break;
    const long long dn = s_d[(i + R) % S];
    issue(i + P, s_d[(i + P) % S]);
    auto lookback = [&]() {
      if (warp == 0) {
        const T din = d > 0 ? lookback_long<T, MW / 32>(st, d, W, carry, epoch, lane) : carry;
        if (lane == 0) {
          const T p = apply(tagg_cur, din);
          if (!tagg_cur.r) publish_prefix(st, d, p, epoch);
          if (d == tiles - 1) carry_out[0] = (double)p;
          s_din = din;
        }
      }
    };
    T hr[IT], hx;
    cp_async_wait_group<P - R>();  // tile i + R has arrived
    __syncwarp();
    if (EARLY) {
      tex_cur = tex_nx;
      tagg_cur = tagg_nx;
      ax_cur = ax_nx;
      if (dn < tiles) reduce(i + 1, dn, tex_nx, tagg_nx, ax_nx);
    } else {
      reduce(i, d, tex_cur, tagg_cur, ax_cur);
    }
    lookback();
    __syncthreads();
    hload(d, hr, hx);
    double g0 = 0.0;
    {
      const long long base = base_of(d);
      const long long t0 = base + (long long)tid * IT;
      const bool tfull = t0 + IT <= n;
      T* sa = sa_of(i);
      T* sg = sg_of(i);
      uint8_t fv[IT];
      flags(i, t0, fv);
      T delta = apply(tex_cur, s_din);
      T anext = ax_cur;
#pragma unroll
      for (int qq = 0; qq < NC; ++qq) {
        const int c = GREV ? NC - 1 - qq : qq;
        T av[VW], gv[VW], oa[VW], ob[VW];
        Sg::get(sa, tid * NC + c, av);
        Sg::get(sg, tid * NC + c, gv);
#pragma unroll
        for (int jj = 0; jj < VW; ++jj) {
          const int j = GREV ? VW - 1 - jj : jj, q = c * VW + j;
          const T alpha = GREV ? (j == VW - 1 ? anext : av[j + 1 < VW ? j + 1 : 0])
                               : (j == 0 ? anext : av[j > 0 ? j - 1 : 0]);
          const T hpv = GREV ? (q == 0 ? hx : hr[q > 0 ? q - 1 : 0])
                             : (q == IT - 1 ? hx : hr[q + 1 < IT ? q + 1 : 0]);
          oa[j] = T(0);
          ob[j] = T(0);
          if (tfull || t0 + q < n) {
            const bool cont = (fv[q] & BF_CONT) != 0;
            const bool from_h0 = (fv[q] & BF_FROM_H0) != 0;
            delta = cont ? mad(alpha, delta, gv[j]) : gv[j];
            const T hp = from_h0 ? h0 : hpv;
            if (from_h0) g0 += (double)av[j] * (double)delta;
            oa[j] = hp * delta;
            ob[j] = delta;
          }
        }
        anext = GREV ? av[0] : av[VW - 1];
        Sg::put(sa, tid * NC + c, oa);  // over this thread's own a values, already read
        Sg::put(sg, tid * NC + c, ob);
      }
      __syncwarp();
      if (base + TILE <= n) {
        Sg::template store_warp<NC>(ga + base, sa, u0, lane);
        Sg::template store_warp<NC>(gb + base, sg, u0, lane);
      } else {
        for (int e = e0 + lane; e < e0 + 32 * IT; e += 32) {
          if (base + e < n) {
            ga[base + e] = Sg::at(sa, e);
            gb[base + e] = Sg::at(sg, e);
          }
        }
      }
    }
    // one barrier; s_sum is read by thread 0 only, before the barriers of the next iteration
    const double s = block_sum<NT>(g0, s_sum);
    if (tid == 0) g0_part[d] = s;
    // the ticket of the block's tile i + S (into tile i's slot)
    if (tid == 0) {
      const long long dl = s_d[(i + S - 1) % S];
      s_d[i % S] = dl < tiles ? (long long)atomicAdd(st.counter, 1ULL) - ticket_base
                              : 0x7fffffffffffffffLL;
    }
    __syncthreads();
  }
  cp_async_wait_group<0>();
}

// The width-1 backward entry points: 256 threads x 16 (float) or 8 (double) steps, the stages of the scan (2; 1 before sm_80, SCAN_LONG_STAGES), early aggregates,
// h loaded in the final pass. Windows up to 128 for float32 plain; 64 for float64 and the
// segmented forms (float64 runs at the 80-register cap of 3 blocks per SM and spills, the
// segmented forms get 2 blocks per SM; neither was timed at 128). The host caps larger
// configured windows to these.
constexpr int BWD_LONG_NT = 256;
constexpr int BWD_LONG_MAX_WINDOW = 128;
template <typename T, bool SEG>
struct BwdLong {
  static constexpr int NT = BWD_LONG_NT;
  static constexpr int IT = Long<T>::BIT;
  static constexpr int TILE = NT * IT;
  static constexpr int S = SCAN_LONG_STAGES;
  static constexpr bool EARLY = S > 1;
  static constexpr int MW = (sizeof(T) == 4 && !SEG) ? BWD_LONG_MAX_WINDOW : 64;
  static __host__ __device__ constexpr int smem() {
    return backward_long_smem<T, NT, IT, SEG, S>();
  }
};

}  // namespace ls
