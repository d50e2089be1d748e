// One long series (width 1): time across threads and blocks.
//
// scan: a single pass with decoupled look-back (Merrill & Garland 2016). Each block takes the
// next tile in scan order from a ticket counter, loads its a and b once (16-byte loads, kept in
// registers), composes them, publishes the tile's aggregate, obtains the state entering the tile,
// publishes its inclusive prefix (the state leaving it), rescans its registers from that state
// and writes h once.
//
// Determinism: the look-back always uses the same window. Tile d waits for the inclusive prefix
// of tile d - W (or the carry entering the launch when d < W) and the aggregates of tiles
// d - W + 1 .. d - 1, and composes them in a fixed pattern (the aggregates by warp scans of 32
// slots and then in order, applied last to that prefix). The inclusive prefix of a tile is
// therefore a fixed function of the data, W and the tile size, whatever the timing: results are
// bitwise identical across runs. (A look-back that stops at the first predecessor whose prefix happens to
// be ready would compose a timing-dependent number of aggregates.) W is a launch parameter.
//
// reduce: per-tile summaries in float64 (no look-back), composed afterwards by fold_long.
// backward: the delta recurrence in the reverse of the scan order, fused with the gradients.
#pragma once

#include "common.cuh"

namespace ls {

template <typename T>
struct Long;
template <>
struct Long<float> {
  static constexpr int NT = 512;   // threads per block (scan, reduce)
  static constexpr int IT = 8;     // items per thread and buffer (scan; two buffers)
  static constexpr int RIT = 16;   // items per thread (reduce)
  static constexpr int BNT = 256;  // threads per block (backward)
  static constexpr int BIT = 8;    // items per thread and buffer (backward; two buffers)
};
template <>
struct Long<double> {
  static constexpr int NT = 512;
  static constexpr int IT = 4;
  static constexpr int RIT = 8;
  static constexpr int BNT = 256;
  static constexpr int BIT = 4;
};

// Look-back windows are at most this many tiles (8 slots per lane of one warp).
constexpr int LONG_MAX_WINDOW = 256;

// Look-back of tile d (see the file comment), in three steps around __syncthreads, so that the
// chain from the prefix of tile d - W to the prefix of tile d is one poll and one multiply-add:
//  1. slots: thread s in [1, W) reads slot s (tile d - W + s: an aggregate, the carry for tile
//     -1, nothing before that), all at once;
//  2. partials: warp w composes slots 32w .. 32w + 31 (a warp scan), in parallel;
//  3. finish (thread 0): the partials in order, then the state of slot 0 (the inclusive prefix
//     of tile d - W, waited for last, or the carry) is applied: h = C(x0).
template <typename T>
struct LongLook {
  T a[LONG_MAX_WINDOW];
  T b[LONG_MAX_WINDOW];
  unsigned char k[LONG_MAX_WINDOW];
  El<T> part[LONG_MAX_WINDOW / 32];
};

template <typename T>
LS_DEV void lookback_long_slots(const Status<T>& st, long long d, int W, T carry,
                                unsigned long long epoch, LongLook<T>& s) {
  const int t = threadIdx.x;
  if (d > 0 && t >= 1 && t < W) {
    const long long j = d - W + t;
    poll_slot(st, j, j, false, carry, epoch, &s.a[t], &s.b[t], &s.k[t]);
  }
}

template <typename T>
LS_DEV void lookback_long_partials(long long d, int W, LongLook<T>& s) {
  const int w = threadIdx.x >> 5, lane = threadIdx.x & 31;
  if (d > 0 && w < (W + 31) / 32) {
    const int i = 32 * w + lane;
    const El<T> x = (i >= 1 && i < W) ? slot_element(s.a[i], s.b[i], s.k[i]) : empty<T>();
    const El<T> inc = warp_inclusive<T, true, false>(x, lane);
    if (lane == 31) s.part[w] = inc;
  }
}

// Thread 0 only: the state entering tile d.
template <typename T>
LS_DEV T lookback_long_finish(const Status<T>& st, long long d, int W, T carry,
                              unsigned long long epoch, const LongLook<T>& s) {
  if (d == 0) return carry;
  El<T> c = empty<T>();
  for (int w = 0; w < (W + 31) / 32; ++w) c = cat<T, true>(c, s.part[w]);
  const long long j0 = d - W;
  // j0 < -1: the carry is one of the slots and c restarts from it; x0 is not used
  const T x0 = j0 >= 0 ? wait_prefix(st, j0, epoch) : carry;
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
      const El<T> x = (SEG && rv[i]) ? el(T(0), mad(av[i], h0, bv[i]), true) : el(av[i], bv[i], false);
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
struct ScanLong {
  static constexpr int NT = Long<T>::NT, IT = Long<T>::IT, NW = NT / 32;
  static constexpr long long TILE = (long long)NT * IT;
  struct Shared {
    El<T> warp[NW];
    T hin;
    LongLook<T> look;
  };
  const T* __restrict__ a;
  const T* __restrict__ b;
  const uint8_t* __restrict__ rs;
  T* __restrict__ out;
  long long n, tiles;
  const double* __restrict__ carry_in;
  double* __restrict__ carry_out;
  T h0;
  Status<T> st;
  unsigned long long epoch;
  int W;
  Shared& sh;
  T av[2][IT], bv[2][IT];
  uint8_t rv[2][IT];

  LS_DEV ScanLong(Shared& s, Status<T> status) : st(status), sh(s) {}

  LS_DEV long long first(long long d) const {
    const long long k = REV ? tiles - 1 - d : d;
    return k * TILE + (long long)threadIdx.x * IT;
  }

  template <int B>
  LS_DEV void load(long long d) {
    const long long t0 = first(d);
    if (t0 + IT <= n) {
      load16(a + t0, av[B]);
      load16(b + t0, bv[B]);
      if (SEG) load_bytes(rs + t0, rv[B]);
    } else {
#pragma unroll
      for (int i = 0; i < IT; ++i) {
        const bool in = t0 + i < n;
        av[B][i] = in ? a[t0 + i] : T(1);
        bv[B][i] = in ? b[t0 + i] : T(0);
        rv[B][i] = (SEG && in) ? rs[t0 + i] : 0;
      }
    }
    if (!SEG) {
#pragma unroll
      for (int i = 0; i < IT; ++i) rv[B][i] = 0;
    }
  }

  template <int B>
  LS_DEV void process(long long d) {
    const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
    const long long t0 = first(d);
    const bool full = t0 + IT <= n;
    const El<T> agg = full ? thread_agg<T, IT, REV, SEG, true>(av[B], bv[B], rv[B], h0, t0, n)
                           : thread_agg<T, IT, REV, SEG, false>(av[B], bv[B], rv[B], h0, t0, n);
    const El<T> incl = warp_inclusive<T, SEG, REV>(agg, lane);
    const El<T> excl = warp_exclusive<T, REV>(incl, lane);
    if (lane == (REV ? 0 : 31)) sh.warp[warp] = incl;
    __syncthreads();
    const int wpos = REV ? NW - 1 - warp : warp;
    El<T> wpre = empty<T>();
    for (int q = 0; q < wpos; ++q) wpre = cat<T, SEG>(wpre, sh.warp[REV ? NW - 1 - q : q]);
    const El<T> texcl = cat<T, SEG>(wpre, excl);

    const T carry = (T)carry_in[0];
    El<T> tagg = empty<T>();
    if (warp == 0) {
#pragma unroll
      for (int q = 0; q < NW; ++q) tagg = cat<T, SEG>(tagg, sh.warp[REV ? NW - 1 - q : q]);
      if (lane == 0) publish_aggregate(st, d, tagg, epoch);
    }
    lookback_long_slots(st, d, W, carry, epoch, sh.look);
    __syncthreads();
    lookback_long_partials(d, W, sh.look);
    __syncthreads();
    if (tid == 0) {
      const T hin = lookback_long_finish(st, d, W, carry, epoch, sh.look);
      const T p = apply(tagg, hin);
      if (!tagg.r) publish_prefix(st, d, p, epoch);
      if (d == tiles - 1) carry_out[0] = (double)p;
      sh.hin = hin;
    }
    __syncthreads();

    const T h = apply(texcl, sh.hin);
    if (full) {
      thread_rescan<T, IT, REV, SEG, true>(av[B], bv[B], rv[B], h0, h, t0, n);
      store16(out + t0, av[B]);
    } else {
      thread_rescan<T, IT, REV, SEG, false>(av[B], bv[B], rv[B], h0, h, t0, n);
#pragma unroll
      for (int i = 0; i < IT; ++i)
        if (t0 + i < n) out[t0 + i] = av[B][i];
    }
  }
};

template <typename T, bool REV, bool SEG>
LS_DEV void scan_long(const T* __restrict__ a, const T* __restrict__ b,
                      const uint8_t* __restrict__ rs, T* __restrict__ out, long long n,
                      const double* __restrict__ carry_in, double* __restrict__ carry_out,
                      double h0d, void* status, long long slots, long long ticket_base,
                      unsigned long long epoch, int W) {
  typedef ScanLong<T, REV, SEG> P;
  __shared__ typename P::Shared sh;
  __shared__ int s_tile;
  P prog(sh, Status<T>(status, slots));
  prog.a = a;
  prog.b = b;
  prog.rs = rs;
  prog.out = out;
  prog.n = n;
  prog.tiles = (n + P::TILE - 1) / P::TILE;
  prog.carry_in = carry_in;
  prog.carry_out = carry_out;
  prog.h0 = (T)h0d;
  prog.epoch = epoch;
  prog.W = W;
  run_tiles(prog, prog.st.counter, ticket_base, prog.tiles, &s_tile);
}

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

// Backward: delta_t = g_t + a_next(t) * delta_next(t) in the reverse of the scan order, where
// next(t) is the step after t in scan order and the term is dropped where next(t) restarts or
// does not exist; gradA_t = hprev_t * delta_t, gradB_t = delta_t, and the partial sum of
// a_t * delta_t over the steps that start from h0 (per tile, in float64) into g0_part[d].
//
// Step flags: SEG: bf[t] (BF_FROM_H0, BF_CONT); otherwise the only step starting from h0 is
// `first` and the only one without a continuing next step is `last` (local indices, -1: not in
// this launch). a_next: a at next(t) for the last step of this launch in scan order (when it
// continues); h_prev: h at the step before the first step of this launch in scan order.
template <typename T, bool REV, bool SEG>
struct BackwardLong {
  static constexpr bool GREV = !REV;  // the direction of the delta recurrence
  static constexpr int NT = Long<T>::BNT, IT = Long<T>::BIT, NW = NT / 32;
  static constexpr long long TILE = (long long)NT * IT;
  struct Shared {
    El<T> warp[NW];
    T din;
    double sum[NW];
    LongLook<T> look;
  };
  const T* __restrict__ a;
  const T* __restrict__ h;
  const T* __restrict__ g;
  const uint8_t* __restrict__ bf;
  T* __restrict__ ga;
  T* __restrict__ gb;
  long long n, tiles, first_step, last_step;
  T a_next, h_prev, h0;
  const double* __restrict__ carry_in;
  double* __restrict__ carry_out;
  double* __restrict__ g0_part;
  Status<T> st;
  unsigned long long epoch;
  int W;
  Shared& sh;
  T av[2][IT], hv[2][IT], gv[2][IT];
  uint8_t fv[2][IT];
  T ax[2], hx[2];

  LS_DEV BackwardLong(Shared& s, Status<T> status) : st(status), sh(s) {}

  LS_DEV long long first(long long d) const {
    const long long k = GREV ? tiles - 1 - d : d;
    return k * TILE + (long long)threadIdx.x * IT;
  }

  template <int B>
  LS_DEV void load(long long d) {
    const long long t0 = first(d);
    if (t0 + IT <= n) {
      load16(a + t0, av[B]);
      load16(h + t0, hv[B]);
      load16(g + t0, gv[B]);
      if (SEG) load_bytes(bf + t0, fv[B]);
    } else {
#pragma unroll
      for (int i = 0; i < IT; ++i) {
        const bool in = t0 + i < n;
        // beyond the end, the one value a valid step can reach is at step n: a at next(n - 1)
        // (forward) or h at prev(n - 1) (reverse), both just outside this launch
        av[B][i] = in ? a[t0 + i] : ((!REV && t0 + i == n) ? a_next : T(0));
        hv[B][i] = in ? h[t0 + i] : ((REV && t0 + i == n) ? h_prev : T(0));
        gv[B][i] = in ? g[t0 + i] : T(0);
        fv[B][i] = (SEG && in) ? bf[t0 + i] : 0;
      }
    }
    if (!SEG) {
#pragma unroll
      for (int i = 0; i < IT; ++i) {
        const long long t = t0 + i;
        fv[B][i] = (t == first_step ? BF_FROM_H0 : 0) | (t == last_step ? 0 : BF_CONT);
      }
    }
    // the values just outside this thread's items: a at next(t) of its last item in time
    // order (forward) or first (reverse), h at prev(t) of the first (forward) or last (reverse)
    const long long tan = REV ? t0 - 1 : t0 + IT;
    const long long thp = REV ? t0 + IT : t0 - 1;
    ax[B] = (tan >= 0 && tan < n) ? a[tan] : a_next;
    hx[B] = (thp >= 0 && thp < n) ? h[thp] : h_prev;
  }

  template <int B>
  LS_DEV void process(long long d) {
    const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
    const long long t0 = first(d);
    const bool full = t0 + IT <= n;
    T (&A)[IT] = av[B];
    T (&H)[IT] = hv[B];
    T (&G)[IT] = gv[B];
    const uint8_t (&F)[IT] = fv[B];
    // alpha_i = a at next(t_i); hp_i = h at prev(t_i)
#define LS_ALPHA(i) (REV ? ((i) == 0 ? ax[B] : A[(i)-1]) : ((i) == IT - 1 ? ax[B] : A[(i) + 1]))
#define LS_HPREV(i) (REV ? ((i) == IT - 1 ? hx[B] : H[(i) + 1]) : ((i) == 0 ? hx[B] : H[(i)-1]))
    // thread aggregate in gradient order
    El<T> acc = empty<T>();
#pragma unroll
    for (int q = 0; q < IT; ++q) {
      const int i = GREV ? IT - 1 - q : q;
      if (full || t0 + i < n) {
        const bool cont = (F[i] & BF_CONT) != 0;
        acc = cat<T, true>(acc, el(cont ? LS_ALPHA(i) : T(0), G[i], !cont));
      }
    }
    const El<T> incl = warp_inclusive<T, true, GREV>(acc, lane);
    const El<T> excl = warp_exclusive<T, GREV>(incl, lane);
    if (lane == (GREV ? 0 : 31)) sh.warp[warp] = incl;
    __syncthreads();
    const int wpos = GREV ? NW - 1 - warp : warp;
    El<T> wpre = empty<T>();
    for (int q = 0; q < wpos; ++q) wpre = cat<T, true>(wpre, sh.warp[GREV ? NW - 1 - q : q]);
    const El<T> texcl = cat<T, true>(wpre, excl);

    const T carry = (T)carry_in[0];
    El<T> tagg = empty<T>();
    if (warp == 0) {
#pragma unroll
      for (int q = 0; q < NW; ++q) tagg = cat<T, true>(tagg, sh.warp[GREV ? NW - 1 - q : q]);
      if (lane == 0) publish_aggregate(st, d, tagg, epoch);
    }
    lookback_long_slots(st, d, W, carry, epoch, sh.look);
    __syncthreads();
    lookback_long_partials(d, W, sh.look);
    __syncthreads();
    if (tid == 0) {
      const T din = lookback_long_finish(st, d, W, carry, epoch, sh.look);
      const T p = apply(tagg, din);
      if (!tagg.r) publish_prefix(st, d, p, epoch);
      if (d == tiles - 1) carry_out[0] = (double)p;
      sh.din = din;
    }
    __syncthreads();

    T delta = apply(texcl, sh.din);
    double g0 = 0.0;
#pragma unroll
    for (int q = 0; q < IT; ++q) {
      const int i = GREV ? IT - 1 - q : q;
      if (full || t0 + i < n) {
        const bool cont = (F[i] & BF_CONT) != 0;
        const bool from_h0 = (F[i] & BF_FROM_H0) != 0;
        delta = cont ? mad(LS_ALPHA(i), delta, G[i]) : G[i];
        const T hp = from_h0 ? h0 : LS_HPREV(i);
        if (from_h0) g0 += (double)A[i] * (double)delta;
        H[i] = hp * delta;  // gradA (H[i] is not needed any more: see LS_HPREV's order)
        G[i] = delta;       // gradB
      }
    }
#undef LS_ALPHA
#undef LS_HPREV
    if (full) {
      store16(ga + t0, H);
      store16(gb + t0, G);
    } else {
#pragma unroll
      for (int i = 0; i < IT; ++i) {
        if (t0 + i < n) {
          ga[t0 + i] = H[i];
          gb[t0 + i] = G[i];
        }
      }
    }
    const double s = block_sum<NT>(g0, sh.sum);
    if (tid == 0) g0_part[d] = s;
  }
};

template <typename T, bool REV, bool SEG>
LS_DEV void backward_long(const T* __restrict__ a, const T* __restrict__ h, const T* __restrict__ g,
                          const uint8_t* __restrict__ bf, T* __restrict__ ga, T* __restrict__ gb,
                          long long n, long long first, long long last, double a_next_d,
                          double h_prev_d, double h0d, const double* __restrict__ carry_in,
                          double* __restrict__ carry_out, double* __restrict__ g0_part,
                          void* status, long long slots, long long ticket_base,
                          unsigned long long epoch, int W) {
  typedef BackwardLong<T, REV, SEG> P;
  __shared__ typename P::Shared sh;
  __shared__ int s_tile;
  P prog(sh, Status<T>(status, slots));
  prog.a = a;
  prog.h = h;
  prog.g = g;
  prog.bf = bf;
  prog.ga = ga;
  prog.gb = gb;
  prog.n = n;
  prog.tiles = (n + P::TILE - 1) / P::TILE;
  prog.first_step = first;
  prog.last_step = last;
  prog.a_next = (T)a_next_d;
  prog.h_prev = (T)h_prev_d;
  prog.h0 = (T)h0d;
  prog.carry_in = carry_in;
  prog.carry_out = carry_out;
  prog.g0_part = g0_part;
  prog.epoch = epoch;
  prog.W = W;
  run_tiles(prog, prog.st.counter, ticket_base, prog.tiles, &s_tile);
}

}  // namespace ls
