// Harness include (NOTES.md run 20): backward_long3, the pipelined persistent form of
// the width-1 backward (legacy.cuh backward_long2), built like scan_long3: a grid of at most as
// many blocks as fit at once, tiles by ticket in gradient order, S tiles staged in shared memory
// (one cp.async group per tile), and (EARLY) the next tile's aggregate reduced and published
// before the current tile's look-back. The look-back is the same fixed window as backward_long2,
// so ∂a, ∂b, the carry and the per-tile g0 partials are bitwise those of backward_long2 with the
// same tile shape and W.
//
// Per stage: a, h, g (and the step flags) of the tile, then 2 NW values: a at next(t) of each
// warp's extreme step and h at prev(t) of the other, copied asynchronously with the tile (where
// backward_long2 reads them with plain loads, which would sit in the pipeline's chain).
//
// Result (run 20): validates (bitwise equal to backward_long2 of the same shape and window) but
// measured slower than backward_long2 (best 0.666 of copy against 0.693-0.706), so it is not
// wired into the entry points.
#pragma once

#include "../../gpu/src/main/cuda/long.cuh"
#include "legacy.cuh"

namespace ls {

// cp_async_val: long.cuh

// bytes per stage: backward_long2's staged tile, then 2 NW values (16-byte multiple)
template <typename T, int NT, int IT, bool SEG>
__host__ __device__ constexpr int backward_long3_stage() {
  return backward_long2_smem<T, NT * IT, SEG>() + ((2 * (NT / 32) * (int)sizeof(T) + 15) / 16) * 16;
}
template <typename T, int NT, int IT, bool SEG, int S>
__host__ __device__ constexpr int backward_long3_smem() {
  return S * backward_long3_stage<T, NT, IT, SEG>();
}

// OVL (with EARLY): the look-back of tile i comes before the wait for tile i + 1 (whose loads are
// then in flight during it), and tile i + 1 is reduced and published after it.
template <typename T, bool REV, bool SEG, int NT, int IT, int S, int MW, int LB, bool EARLY,
          bool OVL = false>
LS_DEV void backward_long3(const T* __restrict__ a, const T* __restrict__ h,
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
  constexpr int BUFB = backward_long3_stage<T, NT, IT, SEG>();
  constexpr int XOFF = backward_long2_smem<T, TILE, SEG>();
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
  auto sh_of = [&](int k) { return sa_of(k) + Sg::values(TILE); };
  auto sg_of = [&](int k) { return sh_of(k) + Sg::values(TILE); };
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
      T* sh = sh_of(k);
      T* sg = sg_of(k);
      uint8_t* sf = sf_of(k);
      T* sx = sx_of(k);
      if (base + TILE <= n) {
        Sg::template load_warp<NC>(sa, a + base, u0, lane);
        Sg::template load_warp<NC>(sh, h + base, u0, lane);
        Sg::template load_warp<NC>(sg, g + base, u0, lane);
        if (SEG) cp_async_bytes<IT>(sf + tid * IT, bf + base + tid * IT);
      } else {
        for (int e = e0 + lane; e < e0 + 32 * IT; e += 32) {
          const long long t = base + e;
          const bool in = t < n;
          // beyond the end, the one value a valid step can reach is at step n: a at next(n - 1)
          // forward, h at prev(n - 1) reverse, both just outside this launch
          Sg::at(sa, e) = in ? a[t] : ((!REV && t == n) ? a_next : T(0));
          Sg::at(sh, e) = in ? h[t] : ((REV && t == n) ? h_prev : T(0));
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
      if (lane == HX_LANE) {
        const long long thp = REV ? t0 + IT : t0 - 1;
        if (thp >= 0 && thp < n) {
          cp_async_val(sx + NW + warp, h + thp);
        } else {
          sx[NW + warp] = h_prev;
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
    // every warp has read s_warp before the first iteration's reduce writes it again (run 19)
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
        LookbackWords<T, MW / 32> lw;
        const T din = d > 0 ? lookback_long2<T, MW / 32, LB>(st, d, W, carry, epoch, lane, lw)
                            : carry;
        if (lane == 0) {
          const T p = apply(tagg_cur, din);
          if (!tagg_cur.r) publish_prefix(st, d, p, epoch);
          if (d == tiles - 1) carry_out[0] = (double)p;
          s_din = din;
        }
      }
    };
    if (OVL) {
      tagg_cur = tagg_nx;
      lookback();
    }
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
    if (!OVL) lookback();
    __syncthreads();
    double g0 = 0.0;
    {
      const long long base = base_of(d);
      const long long t0 = base + (long long)tid * IT;
      const bool tfull = t0 + IT <= n;
      const T* sa = sa_of(i);
      T* sh = sh_of(i);
      T* sg = sg_of(i);
      uint8_t fv[IT];
      flags(i, t0, fv);
      T hx;
      {
        const T hf = Sg::at(sh, tid * IT), hl = Sg::at(sh, tid * IT + IT - 1);
        const T xh = REV ? __shfl_down_sync(LS_FULL_MASK, hf, 1) : __shfl_up_sync(LS_FULL_MASK, hl, 1);
        hx = lane == HX_LANE ? sx_of(i)[NW + warp] : xh;
      }
      T delta = apply(tex_cur, s_din);
      T anext = ax_cur;
#pragma unroll
      for (int qq = 0; qq < NC; ++qq) {
        const int c = GREV ? NC - 1 - qq : qq;
        T av[VW], hv[VW], gv[VW], oa[VW], ob[VW];
        Sg::get(sa, tid * NC + c, av);
        Sg::get(sh, tid * NC + c, hv);
        Sg::get(sg, tid * NC + c, gv);
        // h at prev(t) of the chunk's extreme step: this thread's neighbouring chunk (not yet
        // overwritten: chunks go in gradient order) or hx
        const T hb = GREV ? (c == 0 ? hx : Sg::at(sh, tid * IT + c * VW - 1))
                          : (c == NC - 1 ? hx : Sg::at(sh, tid * IT + c * VW + VW));
#pragma unroll
        for (int jj = 0; jj < VW; ++jj) {
          const int j = GREV ? VW - 1 - jj : jj, q = c * VW + j;
          const T alpha = GREV ? (j == VW - 1 ? anext : av[j + 1 < VW ? j + 1 : 0])
                               : (j == 0 ? anext : av[j > 0 ? j - 1 : 0]);
          const T hpv = GREV ? (j == 0 ? hb : hv[j > 0 ? j - 1 : 0])
                             : (j == VW - 1 ? hb : hv[j + 1 < VW ? j + 1 : 0]);
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
        Sg::put(sh, tid * NC + c, oa);
        Sg::put(sg, tid * NC + c, ob);
      }
      __syncwarp();
      if (base + TILE <= n) {
        Sg::template store_warp<NC>(ga + base, sh, u0, lane);
        Sg::template store_warp<NC>(gb + base, sg, u0, lane);
      } else {
        for (int e = e0 + lane; e < e0 + 32 * IT; e += 32) {
          if (base + e < n) {
            ga[base + e] = Sg::at(sh, e);
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

}  // namespace ls
