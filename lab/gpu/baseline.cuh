// The register kernels of the backward pass that the staged ones (backward_long2, now in
// legacy.cuh, and backward_wide in wide.cuh) replaced as entry points (commit a3fd526 and
// before): each thread holds its tile's a, h and g in registers. Kept for harness.cu,
// which checks the staged kernels against them and times both.
#pragma once

#include "../../gpu/src/main/cuda/long.cuh"
#include "../../gpu/src/main/cuda/wide.cuh"
#include "legacy.cuh"

namespace ls {

// Backward (register kernel): delta_t = g_t + a_next(t) * delta_next(t) in the reverse of the
// scan order, where next(t) is the step after t in scan order and the term is dropped where
// next(t) restarts or does not exist; gradA_t = hprev_t * delta_t, gradB_t = delta_t, and the partial sum of
// a_t * delta_t over the steps that start from h0 (per tile, in float64) into g0_part[d].
//
// Step flags: SEG: bf[t] (BF_FROM_H0, BF_CONT); otherwise the only step starting from h0 is
// `first` and the only one without a continuing next step is `last` (local indices, -1: not in
// this launch). a_next: a at next(t) for the last step of this launch in scan order (when it
// continues); h_prev: h at the step before the first step of this launch in scan order.
template <typename T, bool REV, bool SEG>
LS_DEV void backward_long_reg(const T* __restrict__ a, const T* __restrict__ h, const T* __restrict__ g,
                          const uint8_t* __restrict__ bf, T* __restrict__ ga, T* __restrict__ gb,
                          long long n, long long first, long long last, double a_next_d,
                          double h_prev_d, double h0d, const double* __restrict__ carry_in,
                          double* __restrict__ carry_out, double* __restrict__ g0_part,
                          void* status, long long slots, long long ticket_base,
                          unsigned long long epoch, int W) {
  constexpr bool GREV = !REV;  // the direction of the delta recurrence
  constexpr int NT = BWD_LONG_NT, IT = Long<T>::BIT, NW = NT / 32;
  const Status<T> st(status, slots);
  constexpr long long TILE = (long long)NT * IT;
  constexpr int NX = REV ? -1 : 1;  // next(t) - t in time
  __shared__ int s_tile;
  __shared__ El<T> s_warp[NW];
  __shared__ T s_din;
  __shared__ double s_sum[NW];
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  const long long d = take_ticket(st.counter, ticket_base, &s_tile);
  const long long tiles = (n + TILE - 1) / TILE;
  const long long k = GREV ? tiles - 1 - d : d;
  const long long t0 = k * TILE + (long long)tid * IT;
  const bool full = t0 + IT <= n;
  const T a_next = (T)a_next_d, h_prev = (T)h_prev_d, h0 = (T)h0d;

  T av[IT], hv[IT], gv[IT];
  uint8_t fv[IT];
  if (full) {
    load16(a + t0, av);
    load16(h + t0, hv);
    load16(g + t0, gv);
    if (SEG) load_bytes(bf + t0, fv);
  } else {
#pragma unroll
    for (int i = 0; i < IT; ++i) {
      const bool in = t0 + i < n;
      // beyond the end, the one value a valid step can reach is at step n: a at next(n - 1)
      // (forward) or h at prev(n - 1) (reverse), both just outside this launch
      av[i] = in ? a[t0 + i] : ((!REV && t0 + i == n) ? a_next : T(0));
      hv[i] = in ? h[t0 + i] : ((REV && t0 + i == n) ? h_prev : T(0));
      gv[i] = in ? g[t0 + i] : T(0);
      fv[i] = (SEG && in) ? bf[t0 + i] : 0;
    }
  }
  if (!SEG) {
#pragma unroll
    for (int i = 0; i < IT; ++i) {
      const long long t = t0 + i;
      fv[i] = (t == first ? BF_FROM_H0 : 0) | (t == last ? 0 : BF_CONT);
    }
  }
  // the values just outside this thread's items: a at next(t) of its last item in time order
  // (forward) or first (reverse), h at prev(t) of the first (forward) or last (reverse)
  const long long tan = REV ? t0 - 1 : t0 + IT;
  const long long thp = REV ? t0 + IT : t0 - 1;
  const T ax = (tan >= 0 && tan < n) ? a[tan] : a_next;
  const T hx = (thp >= 0 && thp < n) ? h[thp] : h_prev;

  // alpha_i = a at next(t_i); hp_i = h at prev(t_i)
#define LS_ALPHA(i) (REV ? ((i) == 0 ? ax : av[(i)-1]) : ((i) == IT - 1 ? ax : av[(i) + 1]))
#define LS_HPREV(i) (REV ? ((i) == IT - 1 ? hx : hv[(i) + 1]) : ((i) == 0 ? hx : hv[(i)-1]))
  (void)NX;

  // thread aggregate in gradient order
  El<T> acc = empty<T>();
#pragma unroll
  for (int q = 0; q < IT; ++q) {
    const int i = GREV ? IT - 1 - q : q;
    if (full || t0 + i < n) {
      const bool cont = (fv[i] & BF_CONT) != 0;
      acc = cat<T, true>(acc, el(cont ? LS_ALPHA(i) : T(0), gv[i], !cont));
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
    const T din = d > 0 ? lookback_long_reg<T>(st, d, W, carry, epoch, lane) : carry;
    if (lane == 0) {
      const T p = apply(tagg, din);
      if (!tagg.r) publish_prefix(st, d, p, epoch);
      if (d == tiles - 1) carry_out[0] = (double)p;
      s_din = din;
    }
  }
  __syncthreads();

  T delta = apply(texcl, s_din);
  double g0 = 0.0;
#pragma unroll
  for (int q = 0; q < IT; ++q) {
    const int i = GREV ? IT - 1 - q : q;
    if (full || t0 + i < n) {
      const bool cont = (fv[i] & BF_CONT) != 0;
      const bool from_h0 = (fv[i] & BF_FROM_H0) != 0;
      delta = cont ? mad(LS_ALPHA(i), delta, gv[i]) : gv[i];
      const T hp = from_h0 ? h0 : LS_HPREV(i);
      if (from_h0) g0 += (double)av[i] * (double)delta;
      hv[i] = hp * delta;  // gradA (hv[i] is not needed any more: see LS_HPREV's order)
      gv[i] = delta;       // gradB
    }
  }
#undef LS_ALPHA
#undef LS_HPREV
  if (full) {
    store16(ga + t0, hv);
    store16(gb + t0, gv);
  } else {
#pragma unroll
    for (int i = 0; i < IT; ++i) {
      if (t0 + i < n) {
        ga[t0 + i] = hv[i];
        gb[t0 + i] = gv[i];
      }
    }
  }
  const double s = block_sum<NT>(g0, s_sum);
  if (tid == 0) g0_part[d] = s;
}



// Backward over n steps of width D (the recurrence and the flags: backward_long4 in long.cuh).
// a_next, h_prev: D values each (a at the step after this launch's last step in scan order, h at
// the step before its first); h0p: D values; g0_part[kpos * D + c]: per tile position in
// gradient order and channel, the partial sums of a_t * delta_t over steps that start from h0.
template <typename T, bool REV, bool SEG>
LS_DEV void backward_wide_reg(const T* __restrict__ a, const T* __restrict__ h,
                          const T* __restrict__ g, const uint8_t* __restrict__ bf,
                          T* __restrict__ ga, T* __restrict__ gb, long long n, long long D,
                          long long first, long long last, const T* __restrict__ a_next,
                          const T* __restrict__ h_prev, const double* __restrict__ h0p,
                          const double* __restrict__ carry_in, double* __restrict__ carry_out,
                          double* __restrict__ g0_part, void* status, long long slots,
                          long long ticket_base, unsigned long long epoch, int W) {
  constexpr bool GREV = !REV;
  constexpr int NT = Wide<T>::NT, L = Wide<T>::BL, V = Wide<T>::V, NW = NT / 32;
  constexpr long long ROWS = (long long)NW * L;
  const Status<T> st(status, slots);
  __shared__ int s_tile;
  __shared__ El<T> s_warp[NW][32 * V];
  __shared__ T s_din[32 * V];
  __shared__ double s_sum[NW][32 * V];
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  const long long d = take_ticket(st.counter, ticket_base, &s_tile);
  const WideTile t = wide_tile<V>(d, n, D, ROWS, L, GREV);
  const bool vec = (D % V) == 0;
  T h0[V];
#pragma unroll
  for (int v = 0; v < V; ++v) h0[v] = v < t.nv ? (T)h0p[t.c0 + v] : T(0);
  const long long base = t.r0 * D + t.c0;
  const int nr = t.nr;

  T av[L][V], hv[L][V], gv[L][V];
#pragma unroll
  for (int i = 0; i < L; ++i) {
    const int nv = i < nr ? t.nv : 0;
    load_lane<T, V>(a + base + i * D, nv, vec, T(0), av[i]);
    load_lane<T, V>(h + base + i * D, nv, vec, T(0), hv[i]);
    load_lane<T, V>(g + base + i * D, nv, vec, T(0), gv[i]);
  }
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
  // a at next(t) of the warp's extreme step in that direction, h at prev(t) of the other one;
  // for a warp that ends the launch, the halo rows
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
  // alpha = a at next(t_i), hp = h at prev(t_i), for valid i (< nr)
#define LS_ALPHA(i, v) \
  (REV ? ((i) == 0 ? ax[v] : av[(i)-1][v]) : ((i) + 1 >= nr ? ax[v] : av[(i) + 1][v]))
#define LS_HPREV(i, v) \
  (REV ? ((i) + 1 >= nr ? hx[v] : hv[(i) + 1][v]) : ((i) == 0 ? hx[v] : hv[(i)-1][v]))

#pragma unroll
  for (int v = 0; v < V; ++v) {
    El<T> acc = empty<T>();
#pragma unroll
    for (int q = 0; q < L; ++q) {
      const int i = GREV ? L - 1 - q : q;
      if (i < nr) {
        const bool ct = (cont >> i) & 1;
        acc = cat<T, true>(acc, el(ct ? LS_ALPHA(i, v) : T(0), gv[i][v], !ct));
      }
    }
    s_warp[warp][lane * V + v] = acc;
  }
  __syncthreads();
  const int wpos = GREV ? NW - 1 - warp : warp;
  El<T> wpre[V];
#pragma unroll
  for (int v = 0; v < V; ++v) {
    wpre[v] = empty<T>();
    for (int q = 0; q < wpos; ++q)
      wpre[v] = cat<T, true>(wpre[v], s_warp[GREV ? NW - 1 - q : q][lane * V + v]);
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
        tagg[v] = cat<T, true>(tagg[v], s_warp[GREV ? NW - 1 - q : q][lane * V + v]);
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
#pragma unroll
      for (int v = 0; v < V; ++v) {
        delta[v] = ct ? mad(LS_ALPHA(i, v), delta[v], gv[i][v]) : gv[i][v];
        const T hp = fh ? h0[v] : LS_HPREV(i, v);
        if (fh) g0[v] += (double)av[i][v] * (double)delta[v];
        hv[i][v] = hp * delta[v];  // hv[i] is not read again (see LS_HPREV's order)
        gv[i][v] = delta[v];
      }
      store_lane<T, V>(ga + base + i * D, t.nv, vec, hv[i]);
      store_lane<T, V>(gb + base + i * D, t.nv, vec, gv[i]);
    }
  }
#undef LS_ALPHA
#undef LS_HPREV
#pragma unroll
  for (int v = 0; v < V; ++v) s_sum[warp][lane * V + v] = g0[v];
  __syncthreads();
  if (warp == 0) {
#pragma unroll
    for (int v = 0; v < V; ++v) {
      if (v < t.nv) {
        double s = 0.0;
        for (int w = 0; w < NW; ++w) s += s_sum[w][lane * V + v];
        g0_part[t.kpos * D + t.c0 + v] = s;
      }
    }
  }
}


}  // namespace ls
