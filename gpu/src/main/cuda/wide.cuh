// Many channels (time-major steps x width): channels across the lanes of a warp (each row of a
// warp's loads is one coalesced run of 32 channels), time across the warps of a block and across
// blocks. A tile is ROWS = NW * L steps of 32 channels; each warp holds L steps of its lanes'
// channels in registers.
//
// scan: single pass with decoupled look-back per group of 32 channels. Tickets are taken in scan
// order row by row (tile d: time tile d / G, channel group d % G), so every channel group moves
// through time together. The look-back uses the same fixed window as long.cuh (prefix of tile
// position k - W, aggregates of k - W + 1 .. k - 1, composed per lane in that order), so results
// are bitwise identical across runs.
#pragma once

#include "common.cuh"

namespace ls {

template <typename T>
struct Wide;
template <>
struct Wide<float> {
  static constexpr int NT = 256;
  static constexpr int L = 16;   // steps per warp (scan, reduce)
  static constexpr int BL = 16;  // steps per warp (backward)
};
template <>
struct Wide<double> {
  static constexpr int NT = 256;
  static constexpr int L = 8;
  static constexpr int BL = 8;
};

// The state entering tile position kpos of channel group g for this lane's channel c (see the
// file comment). Lanes of channels >= D take part but their values are not used.
template <typename T>
LS_DEV T lookback_wide(const int* flags, const T* agg_a, const T* agg_b, const T* pre,
                       long long kpos, long long g, long long G, long long D, long long c,
                       bool cv, int W, T carry) {
  El<T> acc = empty<T>();
  for (int s = 0; s < W; ++s) {
    const long long j = kpos - W + s;
    if (j < -1) continue;
    El<T> x;
    if (j == -1) {
      x = el(T(0), carry, true);
    } else if (s == 0) {
      wait_flag(flags + j * G + g, ST_PRE);
      __threadfence();
      x = el(T(0), cv ? ldv(pre + j * D + c) : T(0), true);
    } else {
      const int f = wait_flag(flags + j * G + g, ST_AGG);
      __threadfence();
      x = el(cv ? ldv(agg_a + j * D + c) : T(1), cv ? ldv(agg_b + j * D + c) : T(0),
             (f & ST_RESET) != 0);
    }
    acc = cat<T, true>(acc, x);
  }
  return acc.b;  // the first non-empty slot restarts
}

// scan / chunk apply over n steps of width D. carry_in/out, h0: D values (h0 may be null: 0).
template <typename T, bool REV, bool SEG>
LS_DEV void scan_wide(const T* __restrict__ a, const T* __restrict__ b,
                      const uint8_t* __restrict__ rs, T* __restrict__ out, long long n, long long D,
                      const double* __restrict__ carry_in, double* __restrict__ carry_out,
                      const double* __restrict__ h0p, int* flags, T* agg_a, T* agg_b, T* pre,
                      int* ticket, int W) {
  constexpr int NT = Wide<T>::NT, L = Wide<T>::L, NW = NT / 32;
  constexpr long long ROWS = (long long)NW * L;
  __shared__ int s_tile;
  __shared__ El<T> s_warp[NW][32];
  __shared__ T s_hin[32];
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  if (tid == 0) s_tile = atomicAdd(ticket, 1);
  __syncthreads();
  const long long d = s_tile;
  const long long G = (D + 31) / 32;
  const long long K = (n + ROWS - 1) / ROWS;
  const long long kpos = d / G, g = d % G;
  const long long k = REV ? K - 1 - kpos : kpos;
  const long long c = g * 32 + lane;
  const bool cv = c < D;
  const long long r0 = k * ROWS + (long long)warp * L;
  const T h0 = (SEG && h0p != nullptr && cv) ? (T)h0p[c] : T(0);

  T av[L], bv[L];
  bool rv[L];
#pragma unroll
  for (int i = 0; i < L; ++i) {
    const long long t = r0 + i;
    const bool in = cv && t < n;
    av[i] = in ? __ldcs(a + t * D + c) : T(1);
    bv[i] = in ? __ldcs(b + t * D + c) : T(0);
    rv[i] = SEG && t < n && rs[t] != 0;
  }
  El<T> acc = empty<T>();
#pragma unroll
  for (int q = 0; q < L; ++q) {
    const int i = REV ? L - 1 - q : q;
    if (r0 + i < n) {
      acc = cat<T, SEG>(acc, rv[i] ? el(T(0), mad(av[i], h0, bv[i]), true) : el(av[i], bv[i], false));
    }
  }
  s_warp[warp][lane] = acc;
  __syncthreads();
  const int wpos = REV ? NW - 1 - warp : warp;
  El<T> wpre = empty<T>();
  for (int q = 0; q < wpos; ++q) wpre = cat<T, SEG>(wpre, s_warp[REV ? NW - 1 - q : q][lane]);

  if (warp == 0) {
    El<T> tagg = empty<T>();
#pragma unroll
    for (int q = 0; q < NW; ++q) tagg = cat<T, SEG>(tagg, s_warp[REV ? NW - 1 - q : q][lane]);
    const T carry = cv ? (T)carry_in[c] : T(0);
    // every lane of a tile restarts or none does (restarts are per step)
    const bool resets = SEG && tagg.r;
    T hin = carry;
    if (kpos > 0) {
      if (cv) {
        agg_a[kpos * D + c] = tagg.a;
        agg_b[kpos * D + c] = tagg.b;
        if (resets) pre[kpos * D + c] = tagg.b;
      }
      __threadfence();
      __syncwarp();
      if (lane == 0) publish(flags + kpos * G + g, ST_AGG | (resets ? ST_PRE | ST_RESET : 0));
      hin = lookback_wide<T>(flags, agg_a, agg_b, pre, kpos, g, G, D, c, cv, W, carry);
    }
    const T p = apply(tagg, hin);
    if (kpos == 0 || !resets) {
      if (cv) {
        pre[kpos * D + c] = p;
        agg_a[kpos * D + c] = tagg.a;
        agg_b[kpos * D + c] = tagg.b;
      }
      __threadfence();
      __syncwarp();
      if (lane == 0) publish(flags + kpos * G + g, ST_AGG | ST_PRE | (resets ? ST_RESET : 0));
    }
    if (kpos == K - 1 && cv) carry_out[c] = (double)p;
    s_hin[lane] = hin;
  }
  __syncthreads();

  T h = apply(wpre, s_hin[lane]);
#pragma unroll
  for (int q = 0; q < L; ++q) {
    const int i = REV ? L - 1 - q : q;
    const long long t = r0 + i;
    if (t < n) {
      h = rv[i] ? mad(av[i], h0, bv[i]) : mad(av[i], h, bv[i]);
      if (cv) __stcs(out + t * D + c, h);
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
  constexpr int NT = Wide<T>::NT, L = Wide<T>::L, NW = NT / 32;
  constexpr long long ROWS = (long long)NW * L;
  __shared__ El<double> s_warp[NW][32];
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  const long long G = (D + 31) / 32;
  const long long K = (n + ROWS - 1) / ROWS;
  const long long k = blockIdx.x / G, g = blockIdx.x % G;
  const long long kpos = REV ? K - 1 - k : k;
  const long long c = g * 32 + lane;
  const bool cv = c < D;
  const long long r0 = k * ROWS + (long long)warp * L;
  const double h0 = (SEG && h0p != nullptr && cv) ? h0p[c] : 0.0;
  T av[L], bv[L];
  bool rv[L];
#pragma unroll
  for (int i = 0; i < L; ++i) {
    const long long t = r0 + i;
    const bool in = cv && t < n;
    av[i] = in ? __ldcs(a + t * D + c) : T(1);
    bv[i] = in ? __ldcs(b + t * D + c) : T(0);
    rv[i] = SEG && t < n && rs[t] != 0;
  }
  El<double> acc = empty<double>();
#pragma unroll
  for (int q = 0; q < L; ++q) {
    const int i = REV ? L - 1 - q : q;
    if (r0 + i < n) {
      const double x = (double)av[i], y = (double)bv[i];
      acc = cat<double, SEG>(acc, rv[i] ? el(0.0, mad(x, h0, y), true) : el(x, y, false));
    }
  }
  s_warp[warp][lane] = acc;
  __syncthreads();
  if (warp == 0 && cv) {
    El<double> t = empty<double>();
    for (int q = 0; q < NW; ++q) t = cat<double, SEG>(t, s_warp[REV ? NW - 1 - q : q][lane]);
    part_a[kpos * D + c] = t.a;
    part_b[kpos * D + c] = t.b;
    part_f[kpos * D + c] = bits(t);
  }
}

// Backward over n steps of width D (see backward_long for the recurrence and the flags).
// a_next, h_prev: D values each (a at the step after this launch's last step in scan order, h at
// the step before its first); h0p: D values or null; g0_part[kpos * D + c]: per tile position in
// gradient order and channel, the partial sums of a_t * delta_t over steps that start from h0.
template <typename T, bool REV, bool SEG>
LS_DEV void backward_wide(const T* __restrict__ a, const T* __restrict__ h,
                          const T* __restrict__ g, const uint8_t* __restrict__ bf,
                          T* __restrict__ ga, T* __restrict__ gb, long long n, long long D,
                          long long first, long long last, const T* __restrict__ a_next,
                          const T* __restrict__ h_prev, const double* __restrict__ h0p,
                          const double* __restrict__ carry_in, double* __restrict__ carry_out,
                          double* __restrict__ g0_part, int* flags, T* agg_a, T* agg_b, T* pre,
                          int* ticket, int W) {
  constexpr bool GREV = !REV;
  constexpr int NT = Wide<T>::NT, L = Wide<T>::BL, NW = NT / 32;
  constexpr long long ROWS = (long long)NW * L;
  __shared__ int s_tile;
  __shared__ El<T> s_warp[NW][32];
  __shared__ T s_din[32];
  __shared__ double s_sum[NW][32];
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  if (tid == 0) s_tile = atomicAdd(ticket, 1);
  __syncthreads();
  const long long d = s_tile;
  const long long G = (D + 31) / 32;
  const long long K = (n + ROWS - 1) / ROWS;
  const long long kpos = d / G, gg = d % G;
  const long long k = GREV ? K - 1 - kpos : kpos;
  const long long c = gg * 32 + lane;
  const bool cv = c < D;
  const long long r0 = k * ROWS + (long long)warp * L;
  const T h0 = (h0p != nullptr && cv) ? (T)h0p[c] : T(0);

  T av[L], hv[L], gv[L];
  uint8_t fv[L];
#pragma unroll
  for (int i = 0; i < L; ++i) {
    const long long t = r0 + i;
    const bool in = cv && t < n;
    av[i] = in ? __ldcs(a + t * D + c) : T(0);
    hv[i] = in ? __ldcs(h + t * D + c) : T(0);
    gv[i] = in ? __ldcs(g + t * D + c) : T(0);
    if (SEG) {
      fv[i] = t < n ? bf[t] : 0;
    } else {
      fv[i] = (t == first ? BF_FROM_H0 : 0) | (t == last ? 0 : BF_CONT);
    }
  }
  // a at next(t) of the warp's extreme step in that direction, h at prev(t) of the other one
  const long long tan = REV ? r0 - 1 : r0 + L;
  const long long thp = REV ? r0 + L : r0 - 1;
  T ax = T(0), hx = T(0);
  if (cv) {
    ax = (tan >= 0 && tan < n) ? a[tan * D + c] : a_next[c];
    hx = (thp >= 0 && thp < n) ? h[thp * D + c] : h_prev[c];
  }
  // items beyond n: the one value a valid step reaches is at step n
#define LS_ALPHA(i) \
  (REV ? ((i) == 0 ? ax : av[(i)-1]) \
       : ((i) == L - 1 ? ax : (r0 + (i) + 1 == n ? (cv ? a_next[c] : T(0)) : av[(i) + 1])))
#define LS_HPREV(i) \
  (REV ? ((i) == L - 1 ? hx : (r0 + (i) + 1 == n ? (cv ? h_prev[c] : T(0)) : hv[(i) + 1])) \
       : ((i) == 0 ? hx : hv[(i)-1]))

  El<T> acc = empty<T>();
#pragma unroll
  for (int q = 0; q < L; ++q) {
    const int i = GREV ? L - 1 - q : q;
    if (r0 + i < n) {
      const bool cont = (fv[i] & BF_CONT) != 0;
      acc = cat<T, true>(acc, el(cont ? LS_ALPHA(i) : T(0), gv[i], !cont));
    }
  }
  s_warp[warp][lane] = acc;
  __syncthreads();
  const int wpos = GREV ? NW - 1 - warp : warp;
  El<T> wpre = empty<T>();
  for (int q = 0; q < wpos; ++q) wpre = cat<T, true>(wpre, s_warp[GREV ? NW - 1 - q : q][lane]);

  if (warp == 0) {
    El<T> tagg = empty<T>();
#pragma unroll
    for (int q = 0; q < NW; ++q) tagg = cat<T, true>(tagg, s_warp[GREV ? NW - 1 - q : q][lane]);
    const T carry = cv ? (T)carry_in[c] : T(0);
    const bool resets = tagg.r;
    T din = carry;
    if (kpos > 0) {
      if (cv) {
        agg_a[kpos * D + c] = tagg.a;
        agg_b[kpos * D + c] = tagg.b;
        if (resets) pre[kpos * D + c] = tagg.b;
      }
      __threadfence();
      __syncwarp();
      if (lane == 0) publish(flags + kpos * G + gg, ST_AGG | (resets ? ST_PRE | ST_RESET : 0));
      din = lookback_wide<T>(flags, agg_a, agg_b, pre, kpos, gg, G, D, c, cv, W, carry);
    }
    const T p = apply(tagg, din);
    if (kpos == 0 || !resets) {
      if (cv) {
        pre[kpos * D + c] = p;
        agg_a[kpos * D + c] = tagg.a;
        agg_b[kpos * D + c] = tagg.b;
      }
      __threadfence();
      __syncwarp();
      if (lane == 0) publish(flags + kpos * G + gg, ST_AGG | ST_PRE | (resets ? ST_RESET : 0));
    }
    if (kpos == K - 1 && cv) carry_out[c] = (double)p;
    s_din[lane] = din;
  }
  __syncthreads();

  T delta = apply(wpre, s_din[lane]);
  double g0 = 0.0;
#pragma unroll
  for (int q = 0; q < L; ++q) {
    const int i = GREV ? L - 1 - q : q;
    const long long t = r0 + i;
    if (t < n) {
      const bool cont = (fv[i] & BF_CONT) != 0;
      const bool from_h0 = (fv[i] & BF_FROM_H0) != 0;
      delta = cont ? mad(LS_ALPHA(i), delta, gv[i]) : gv[i];
      const T hp = from_h0 ? h0 : LS_HPREV(i);
      if (from_h0) g0 += (double)av[i] * (double)delta;
      hv[i] = hp * delta;
      if (cv) {
        __stcs(ga + t * D + c, hv[i]);
        __stcs(gb + t * D + c, delta);
      }
    }
  }
#undef LS_ALPHA
#undef LS_HPREV
  s_sum[warp][lane] = g0;
  __syncthreads();
  if (warp == 0 && cv) {
    double s = 0.0;
    for (int w = 0; w < NW; ++w) s += s_sum[w][lane];
    g0_part[kpos * D + c] = s;
  }
}

}  // namespace ls
