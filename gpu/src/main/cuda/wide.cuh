// Many channels (time-major steps x width): channels across the lanes of a warp, V adjacent
// channels per lane (V = 2 for float: one 8-byte access per lane and row, so that a warp's row is
// one coalesced 256-byte run, as for double), time across the warps of a block and across blocks.
// A tile is ROWS = NW * L steps of 32 * V channels; each warp holds L steps of its lanes'
// channels in registers.
//
// scan: single pass with decoupled look-back per group of 32 * V channels. Tickets are taken in
// scan order row by row (tile d: time tile d / G, channel group d % G), so every channel group
// moves through time together. The look-back uses a fixed window (prefix of tile position
// k - W, aggregates of k - W + 1 .. k - 1, composed per channel in that order), so results are
// bitwise identical across runs.
//
// backward (backward_wide): the tile's a, h and g are staged in shared memory by 8-byte
// asynchronous copies, so that 8 blocks of 4 warps x 8 rows fit per SM.
#pragma once

#include "common.cuh"

namespace ls {

template <typename T>
struct Wide;
template <>
struct Wide<float> {
  static constexpr int NT = 256;
  static constexpr int V = 2;    // channels per lane
  static constexpr int L = 16;   // steps per warp (scan)
  static constexpr int RL = 16;  // steps per warp (reduce)
  static constexpr int BL = 8;   // steps per warp (backward)
};
template <>
struct Wide<double> {
  static constexpr int NT = 256;
  static constexpr int V = 1;
  static constexpr int L = 16;
  static constexpr int RL = 16;
  static constexpr int BL = 8;
};

// Look-back windows of the wide kernels are at most this many tiles (one warp per slot).
constexpr int WIDE_MAX_WINDOW = 8;

// V consecutive values at p (the lane's channels); nv of them exist (channels < D). vec: the
// address is aligned for one V-wide access (the width is a multiple of V).
template <typename T, int V>
LS_DEV void load_lane(const T* p, int nv, bool vec, T fill, T (&x)[V]) {
  if (V == 2 && nv == 2 && vec) {
    if constexpr (V == 2) {
      if constexpr (sizeof(T) == 4) {
        const float2 q = __ldcs(reinterpret_cast<const float2*>(p));
        x[0] = q.x;
        x[1] = q.y;
      } else {
        const double2 q = __ldcs(reinterpret_cast<const double2*>(p));
        x[0] = q.x;
        x[1] = q.y;
      }
    }
    return;
  }
#pragma unroll
  for (int v = 0; v < V; ++v) x[v] = v < nv ? __ldcs(p + v) : fill;
}

template <typename T, int V>
LS_DEV void store_lane(T* p, int nv, bool vec, const T (&x)[V]) {
  if (V == 2 && nv == 2 && vec) {
    if constexpr (V == 2) {
      if constexpr (sizeof(T) == 4) {
        __stcs(reinterpret_cast<float2*>(p), make_float2(x[0], x[1]));
      } else {
        __stcs(reinterpret_cast<double2*>(p), make_double2(x[0], x[1]));
      }
    }
    return;
  }
#pragma unroll
  for (int v = 0; v < V; ++v)
    if (v < nv) __stcs(p + v, x[v]);
}

// Look-back of tile position kpos for the V channels of this lane (warp 0): the aggregates of
// slots 1 .. W - 1 (tile positions kpos - W + 1 .. kpos - 1) composed in order, then applied to
// the state of slot 0 (the inclusive prefix of tile position kpos - W, or the carry). The
// channels' words are polled together; lanes without channels (nv = 0) do not poll.
template <typename T, int V>
LS_DEV void lookback_wide(const Status<T>& st, long long kpos, long long D, long long c0, int nv,
                          int W, const T (&carry)[V], unsigned long long epoch, T (&h)[V]) {
  typedef Word<T> WD;
  typedef typename WD::W Wt;
  El<T> acc[V];
#pragma unroll
  for (int v = 0; v < V; ++v) acc[v] = empty<T>();
  for (int s = 1; s < W; ++s) {
    const long long j = kpos - W + s;
    if (j < -1) continue;
    if (j == -1) {
#pragma unroll
      for (int v = 0; v < V; ++v) acc[v] = cat<T, true>(acc[v], el(T(0), carry[v], true));
      continue;
    }
    unsigned pending = (1u << nv) - 1;
    unsigned ns = 32;
    while (pending) {
      Wt x[V], y[V];
#pragma unroll
      for (int v = 0; v < V; ++v) {
        if ((pending >> v) & 1) {
          x[v] = WD::load(st.a + j * D + c0 + v);
          y[v] = WD::load(st.b + j * D + c0 + v);
        }
      }
#pragma unroll
      for (int v = 0; v < V; ++v) {
        if (((pending >> v) & 1) && (WD::flag(x[v]) >> 1) == epoch &&
            (WD::flag(y[v]) >> 1) == epoch) {
          acc[v] = cat<T, true>(acc[v], el(WD::value(x[v]), WD::value(y[v]),
                                           (WD::flag(x[v]) & 1) != 0));
          pending &= ~(1u << v);
        }
      }
      if (pending) {
        __nanosleep(ns);
        if (ns < 128) ns <<= 1;
      }
    }
  }
  const long long j0 = kpos - W;
  T x0[V];
#pragma unroll
  for (int v = 0; v < V; ++v) x0[v] = carry[v];
  if (j0 >= 0) {
    unsigned pending = (1u << nv) - 1;
    unsigned ns = 32;
    while (pending) {
      Wt w[V];
#pragma unroll
      for (int v = 0; v < V; ++v)
        if ((pending >> v) & 1) w[v] = WD::load(st.p + j0 * D + c0 + v);
#pragma unroll
      for (int v = 0; v < V; ++v) {
        if (((pending >> v) & 1) && (WD::flag(w[v]) >> 1) == epoch) {
          x0[v] = WD::value(w[v]);
          pending &= ~(1u << v);
        }
      }
      if (pending) {
        __nanosleep(ns);
        if (ns < 128) ns <<= 1;
      }
    }
  }
#pragma unroll
  for (int v = 0; v < V; ++v) h[v] = apply(acc[v], x0[v]);
}

// The tile of ticket d: channel group, time tile, first channel of this lane, channels it has.
struct WideTile {
  long long G, K, kpos, g, k, c0, r0;
  int nv, nr;
};

template <int V>
LS_DEV WideTile wide_tile(long long d, long long n, long long D, long long rows, int L,
                          bool rev) {
  WideTile t;
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  t.G = (D + 32 * V - 1) / (32 * V);
  t.K = (n + rows - 1) / rows;
  t.kpos = d / t.G;
  t.g = d % t.G;
  t.k = rev ? t.K - 1 - t.kpos : t.kpos;
  t.c0 = t.g * 32 * V + (long long)lane * V;
  t.nv = (int)(D - t.c0 < V ? (D - t.c0 > 0 ? D - t.c0 : 0) : V);
  t.r0 = t.k * rows + (long long)warp * L;
  t.nr = (int)(n - t.r0 < L ? (n - t.r0 > 0 ? n - t.r0 : 0) : L);
  return t;
}

// scan / chunk apply over n steps of width D. carry_in/out, h0p: D values.
template <typename T, bool REV, bool SEG>
LS_DEV void scan_wide(const T* __restrict__ a, const T* __restrict__ b,
                      const uint8_t* __restrict__ rs, T* __restrict__ out, long long n, long long D,
                      const double* __restrict__ carry_in, double* __restrict__ carry_out,
                      const double* __restrict__ h0p, void* status, long long slots,
                      long long ticket_base, unsigned long long epoch, int W) {
  constexpr int NT = Wide<T>::NT, L = Wide<T>::L, V = Wide<T>::V, NW = NT / 32;
  constexpr long long ROWS = (long long)NW * L;
  const Status<T> st(status, slots);
  __shared__ int s_tile;
  __shared__ El<T> s_warp[NW][32 * V];
  __shared__ T s_hin[32 * V];
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  const long long d = take_ticket(st.counter, ticket_base, &s_tile);
  const WideTile t = wide_tile<V>(d, n, D, ROWS, L, REV);
  const bool vec = (D % V) == 0;
  T h0[V];
#pragma unroll
  for (int v = 0; v < V; ++v) h0[v] = (SEG && v < t.nv) ? (T)h0p[t.c0 + v] : T(0);

  T av[L][V], bv[L][V];
  const T* pa = a + (t.r0 * D + t.c0);
  const T* pb = b + (t.r0 * D + t.c0);
#pragma unroll
  for (int i = 0; i < L; ++i) {
    const int nv = i < t.nr ? t.nv : 0;
    load_lane<T, V>(pa + i * D, nv, vec, T(1), av[i]);
    load_lane<T, V>(pb + i * D, nv, vec, T(0), bv[i]);
  }
  unsigned rmask = 0;
  if (SEG) {
#pragma unroll
    for (int i = 0; i < L; ++i)
      if (i < t.nr && rs[t.r0 + i]) rmask |= 1u << i;
  }
#pragma unroll
  for (int v = 0; v < V; ++v) {
    El<T> acc = empty<T>();
#pragma unroll
    for (int q = 0; q < L; ++q) {
      const int i = REV ? L - 1 - q : q;
      if (i < t.nr) {
        acc = cat<T, SEG>(acc, (SEG && ((rmask >> i) & 1))
                                   ? el(T(0), mad(av[i][v], h0[v], bv[i][v]), true)
                                   : el(av[i][v], bv[i][v], false));
      }
    }
    s_warp[warp][lane * V + v] = acc;
  }
  __syncthreads();
  const int wpos = REV ? NW - 1 - warp : warp;
  El<T> wpre[V];
#pragma unroll
  for (int v = 0; v < V; ++v) {
    wpre[v] = empty<T>();
    for (int q = 0; q < wpos; ++q)
      wpre[v] = cat<T, SEG>(wpre[v], s_warp[REV ? NW - 1 - q : q][lane * V + v]);
  }

  if (warp == 0) {
    T carry[V];
    El<T> tagg[V];
#pragma unroll
    for (int v = 0; v < V; ++v) {
      carry[v] = v < t.nv ? (T)carry_in[t.c0 + v] : T(0);
      tagg[v] = empty<T>();
#pragma unroll
      for (int q = 0; q < NW; ++q)
        tagg[v] = cat<T, SEG>(tagg[v], s_warp[REV ? NW - 1 - q : q][lane * V + v]);
      if (v < t.nv) publish_aggregate(st, t.kpos * D + t.c0 + v, tagg[v], epoch);
    }
    T hin[V];
    if (t.kpos > 0) {
      lookback_wide<T, V>(st, t.kpos, D, t.c0, t.nv, W, carry, epoch, hin);
    } else {
#pragma unroll
      for (int v = 0; v < V; ++v) hin[v] = carry[v];
    }
#pragma unroll
    for (int v = 0; v < V; ++v) {
      const T p = apply(tagg[v], hin[v]);
      if (v < t.nv && !tagg[v].r) publish_prefix(st, t.kpos * D + t.c0 + v, p, epoch);
      if (t.kpos == t.K - 1 && v < t.nv) carry_out[t.c0 + v] = (double)p;
      s_hin[lane * V + v] = hin[v];
    }
  }
  __syncthreads();

  T h[V];
#pragma unroll
  for (int v = 0; v < V; ++v) h[v] = apply(wpre[v], s_hin[lane * V + v]);
  T* po = out + (t.r0 * D + t.c0);
#pragma unroll
  for (int q = 0; q < L; ++q) {
    const int i = REV ? L - 1 - q : q;
    if (i < t.nr) {
#pragma unroll
      for (int v = 0; v < V; ++v) {
        h[v] = (SEG && ((rmask >> i) & 1)) ? mad(av[i][v], h0[v], bv[i][v])
                                           : mad(av[i][v], h[v], bv[i][v]);
        av[i][v] = h[v];
      }
      store_lane<T, V>(po + i * D, t.nv, vec, av[i]);
    }
  }
}

// Chunk reduce, phase 1: per tile (position kpos in scan order) and channel, the summary in
// float64 into part_a/b/f[kpos * D + c]. One block per tile: blockIdx.x = k * G + g.
template <typename T, bool REV, bool SEG>
LS_DEV void reduce_wide(const T* __restrict__ a, const T* __restrict__ b,
                        const uint8_t* __restrict__ rs, long long n, long long D,
                        const double* __restrict__ h0p, double* __restrict__ part_a,
                        double* __restrict__ part_b, int* __restrict__ part_f) {
  constexpr int NT = Wide<T>::NT, L = Wide<T>::RL, V = Wide<T>::V, NW = NT / 32;
  constexpr long long ROWS = (long long)NW * L;
  __shared__ El<double> s_warp[NW][32 * V];
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  const long long G = (D + 32 * V - 1) / (32 * V);
  const long long K = (n + ROWS - 1) / ROWS;
  // blockIdx.x = k * G + g in time order; the tile position in scan order follows
  const long long k = blockIdx.x / G;
  const long long kpos = REV ? K - 1 - k : k;
  const WideTile t = wide_tile<V>(kpos * G + blockIdx.x % G, n, D, ROWS, L, REV);
  const bool vec = (D % V) == 0;
  double h0[V];
#pragma unroll
  for (int v = 0; v < V; ++v) h0[v] = (SEG && v < t.nv) ? h0p[t.c0 + v] : 0.0;
  T av[L][V], bv[L][V];
  const T* pa = a + (t.r0 * D + t.c0);
  const T* pb = b + (t.r0 * D + t.c0);
#pragma unroll
  for (int i = 0; i < L; ++i) {
    const int nv = i < t.nr ? t.nv : 0;
    load_lane<T, V>(pa + i * D, nv, vec, T(1), av[i]);
    load_lane<T, V>(pb + i * D, nv, vec, T(0), bv[i]);
  }
  unsigned rmask = 0;
  if (SEG) {
#pragma unroll
    for (int i = 0; i < L; ++i)
      if (i < t.nr && rs[t.r0 + i]) rmask |= 1u << i;
  }
#pragma unroll
  for (int v = 0; v < V; ++v) {
    El<double> acc = empty<double>();
#pragma unroll
    for (int q = 0; q < L; ++q) {
      const int i = REV ? L - 1 - q : q;
      if (i < t.nr) {
        const double x = (double)av[i][v], y = (double)bv[i][v];
        acc = cat<double, SEG>(acc, (SEG && ((rmask >> i) & 1)) ? el(0.0, mad(x, h0[v], y), true)
                                                                : el(x, y, false));
      }
    }
    s_warp[warp][lane * V + v] = acc;
  }
  __syncthreads();
  if (warp == 0) {
#pragma unroll
    for (int v = 0; v < V; ++v) {
      if (v < t.nv) {
        El<double> r = empty<double>();
        for (int q = 0; q < NW; ++q)
          r = cat<double, SEG>(r, s_warp[REV ? NW - 1 - q : q][lane * V + v]);
        const long long i = t.kpos * D + t.c0 + v;
        part_a[i] = r.a;
        part_b[i] = r.b;
        part_f[i] = bits(r);
      }
    }
  }
}

// Shared memory (bytes, dynamic) of backward_wide: a, h and g of the tile.
template <typename T, int NT, int L, int V>
__host__ __device__ constexpr int backward_wide_smem() {
  return 3 * (NT / 32) * L * 32 * V * (int)sizeof(T);
}

// Backward over n steps of width D (the recurrence and the flags: backward_long in long.cuh).
// a_next, h_prev: D values each (a at the step after this launch's last step in scan order, h at
// the step before its first); h0p: D values; g0_part[kpos * D + c]: per tile position in
// gradient order and channel, the partial sums of a_t * delta_t over steps that start from h0.
// The tile's a, h and g are staged in shared memory by
// asynchronous copies (8 bytes per lane and row), so that a tile holds few registers and more
// tiles fit on a multiprocessor. Each lane reads back only what it copied itself.
template <typename T, bool REV, bool SEG, int NT, int L>
LS_DEV void backward_wide(const T* __restrict__ a, const T* __restrict__ h,
                           const T* __restrict__ g, const uint8_t* __restrict__ bf,
                           T* __restrict__ ga, T* __restrict__ gb, long long n, long long D,
                           long long first, long long last, const T* __restrict__ a_next,
                           const T* __restrict__ h_prev, const double* __restrict__ h0p,
                           const double* __restrict__ carry_in, double* __restrict__ carry_out,
                           double* __restrict__ g0_part, void* status, long long slots,
                           long long ticket_base, unsigned long long epoch, int W) {
  constexpr bool GREV = !REV;
  constexpr int V = Wide<T>::V, NW = NT / 32, RW = 32 * V;  // values per row of a warp
  static_assert(V * sizeof(T) == 8, "8-byte copies per lane");
  constexpr long long ROWS = (long long)NW * L;
  const Status<T> st(status, slots);
  __shared__ int s_tile;
  __shared__ union {
    El<T> w[NW][RW];
    double s[NW][RW];
  } s_x;
  __shared__ T s_din[RW];
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  T* const sa = reinterpret_cast<T*>(dyn_smem()) + warp * L * RW + lane * V;
  T* const sh = sa + NW * L * RW;
  T* const sg = sh + NW * L * RW;
  const long long d = take_ticket(st.counter, ticket_base, &s_tile);
  const WideTile t = wide_tile<V>(d, n, D, ROWS, L, GREV);
  const bool vec = (D % V) == 0;
  const long long base = t.r0 * D + t.c0;
  const int nr = t.nr;
#pragma unroll
  for (int i = 0; i < L; ++i) {
    if (i < nr && t.nv == V && vec) {
      cp_async8(sa + i * RW, a + base + i * D);
      cp_async8(sh + i * RW, h + base + i * D);
      cp_async8(sg + i * RW, g + base + i * D);
    } else {
#pragma unroll
      for (int v = 0; v < V; ++v) {
        const bool in = i < nr && v < t.nv;
        sa[i * RW + v] = in ? a[base + i * D + v] : T(0);
        sh[i * RW + v] = in ? h[base + i * D + v] : T(0);
        sg[i * RW + v] = in ? g[base + i * D + v] : T(0);
      }
    }
  }
  T h0[V];
#pragma unroll
  for (int v = 0; v < V; ++v) h0[v] = v < t.nv ? (T)h0p[t.c0 + v] : T(0);
  // bit i: step r0 + i starts from h0 / its next step in scan order continues from it
  unsigned from_h0 = 0, cont = 0;
#pragma unroll
  for (int i = 0; i < L; ++i) {
    if (i < nr) {
      if (SEG) {
        const uint8_t f = bf[t.r0 + i];
        if (f & BF_FROM_H0) from_h0 |= 1u << i;
        if (f & BF_CONT) cont |= 1u << i;
      } else {
        if (t.r0 + i == first) from_h0 |= 1u << i;
        if (t.r0 + i != last) cont |= 1u << i;
      }
    }
  }
  const long long tan = REV ? t.r0 - 1 : t.r0 + nr;
  const long long thp = REV ? t.r0 + nr : t.r0 - 1;
  T ax[V], hx[V];
#pragma unroll
  for (int v = 0; v < V; ++v) {
    ax[v] = T(0);
    hx[v] = T(0);
    if (v < t.nv && nr > 0) {
      ax[v] = (tan >= 0 && tan < n) ? a[tan * D + t.c0 + v] : a_next[t.c0 + v];
      hx[v] = (thp >= 0 && thp < n) ? h[thp * D + t.c0 + v] : h_prev[t.c0 + v];
    }
  }
  cp_async_wait_all();
#define LS_A(i, v) sa[(i)*RW + (v)]
#define LS_ALPHA(i, v) \
  (REV ? ((i) == 0 ? ax[v] : LS_A((i)-1, v)) : ((i) + 1 >= nr ? ax[v] : LS_A((i) + 1, v)))
#define LS_HPREV(i, v) \
  (REV ? ((i) + 1 >= nr ? hx[v] : sh[((i) + 1) * RW + (v)]) : ((i) == 0 ? hx[v] : sh[((i)-1) * RW + (v)]))

#pragma unroll
  for (int v = 0; v < V; ++v) {
    El<T> acc = empty<T>();
#pragma unroll
    for (int q = 0; q < L; ++q) {
      const int i = GREV ? L - 1 - q : q;
      if (i < nr) {
        const bool ct = (cont >> i) & 1;
        acc = cat<T, true>(acc, el(ct ? LS_ALPHA(i, v) : T(0), sg[i * RW + v], !ct));
      }
    }
    s_x.w[warp][lane * V + v] = acc;
  }
  __syncthreads();
  const int wpos = GREV ? NW - 1 - warp : warp;
  El<T> wpre[V];
#pragma unroll
  for (int v = 0; v < V; ++v) {
    wpre[v] = empty<T>();
    for (int q = 0; q < wpos; ++q)
      wpre[v] = cat<T, true>(wpre[v], s_x.w[GREV ? NW - 1 - q : q][lane * V + v]);
  }

  if (warp == 0) {
    T carry[V];
    El<T> tagg[V];
#pragma unroll
    for (int v = 0; v < V; ++v) {
      carry[v] = v < t.nv ? (T)carry_in[t.c0 + v] : T(0);
      tagg[v] = empty<T>();
#pragma unroll
      for (int q = 0; q < NW; ++q)
        tagg[v] = cat<T, true>(tagg[v], s_x.w[GREV ? NW - 1 - q : q][lane * V + v]);
      if (v < t.nv) publish_aggregate(st, t.kpos * D + t.c0 + v, tagg[v], epoch);
    }
    T din[V];
    if (t.kpos > 0) {
      lookback_wide<T, V>(st, t.kpos, D, t.c0, t.nv, W, carry, epoch, din);
    } else {
#pragma unroll
      for (int v = 0; v < V; ++v) din[v] = carry[v];
    }
#pragma unroll
    for (int v = 0; v < V; ++v) {
      const T p = apply(tagg[v], din[v]);
      if (v < t.nv && !tagg[v].r) publish_prefix(st, t.kpos * D + t.c0 + v, p, epoch);
      if (t.kpos == t.K - 1 && v < t.nv) carry_out[t.c0 + v] = (double)p;
      s_din[lane * V + v] = din[v];
    }
  }
  __syncthreads();

  T delta[V];
  double g0[V];
#pragma unroll
  for (int v = 0; v < V; ++v) {
    delta[v] = apply(wpre[v], s_din[lane * V + v]);
    g0[v] = 0.0;
  }
#pragma unroll
  for (int q = 0; q < L; ++q) {
    const int i = GREV ? L - 1 - q : q;
    if (i < nr) {
      const bool ct = (cont >> i) & 1;
      const bool fh = (from_h0 >> i) & 1;
      T oa[V], ob[V];
#pragma unroll
      for (int v = 0; v < V; ++v) {
        const T gi = sg[i * RW + v];
        delta[v] = ct ? mad(LS_ALPHA(i, v), delta[v], gi) : gi;
        const T hp = fh ? h0[v] : LS_HPREV(i, v);
        if (fh) g0[v] += (double)LS_A(i, v) * (double)delta[v];
        oa[v] = hp * delta[v];
        ob[v] = delta[v];
      }
      store_lane<T, V>(ga + base + i * D, t.nv, vec, oa);
      store_lane<T, V>(gb + base + i * D, t.nv, vec, ob);
    }
  }
#undef LS_A
#undef LS_ALPHA
#undef LS_HPREV
#pragma unroll
  for (int v = 0; v < V; ++v) s_x.s[warp][lane * V + v] = g0[v];
  __syncthreads();
  if (warp == 0) {
#pragma unroll
    for (int v = 0; v < V; ++v) {
      if (v < t.nv) {
        double s = 0.0;
        for (int w = 0; w < NW; ++w) s += s_x.s[w][lane * V + v];
        g0_part[t.kpos * D + t.c0 + v] = s;
      }
    }
  }
}

}  // namespace ls
