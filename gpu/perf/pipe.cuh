// Harness-only kernels (not in the fatbin): the pipelined persistent width-1 scan of
// gpu/perf/NOTES.md runs 16-18, kept here until it validates for float64 and is wired into the
// entry points (see NOTES.md "what wiring in needs"). Included by harness.cu after longscan.cu.
#pragma once

#include "../src/main/cuda/long.cuh"

namespace ls {

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
// Pipelined persistent scan ("3"): a grid of at most as many blocks as fit on the device at once;
// each block takes tiles from the ticket counter in scan order and keeps S tiles staged in shared
// memory (asynchronous copies, one commit group per tile), so that while a tile waits in its
// look-back the loads of the block's next tiles are in flight. EARLY: in the iteration of tile i
// the block first reduces tile i + 1 and publishes its aggregate, then does the look-back of
// tile i and its rescan (three stages: loads of i + 2 .. i + S - 1 in flight, i + 1 reduced and
// published, i rescanned and stored); otherwise tile i is reduced, published, looked back and
// rescanned in turn (loads of i + 1 .. i + S - 1 in flight).
//
// The look-back is the same fixed window as scan_long, so results are bitwise those of scan_long2
// with the same tile shape and W. Tickets: every block takes exactly one ticket past the last
// tile (its signal to stop), so a launch consumes tiles + gridDim.x tickets.
// Progress: a block takes its tickets in increasing order, and a tile's aggregate depends only on
// its own data, so the lowest tile without a published prefix can always complete.
template <typename T, int TILE, bool SEG, int S>
__host__ __device__ constexpr int scan_long3_smem() {
  return S * scan_long2_smem<T, TILE, SEG>();
}

template <typename T, bool REV, bool SEG, int NT, int IT, int S, int MW, int LB, bool EARLY>
LS_DEV void scan_long3(const T* __restrict__ a, const T* __restrict__ b,
                       const uint8_t* __restrict__ rs, T* __restrict__ out, long long n,
                       const double* __restrict__ carry_in, double* __restrict__ carry_out,
                       double h0d, void* status, long long slots, long long ticket_base,
                       unsigned long long epoch, int W) {
  typedef Staged<T> Sg;
  constexpr int NW = NT / 32, VW = Sg::VW, NC = IT / VW;
  constexpr int TILE = NT * IT;
  constexpr int P = S - 1;          // tiles loaded ahead of the one rescanned
  constexpr int R = EARLY ? 1 : 0;  // tiles reduced ahead of the one rescanned
  static_assert(S >= 2 && P >= R, "stages");
  constexpr int BUFB = scan_long2_smem<T, TILE, SEG>();  // bytes per stage
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
#ifndef LS_PIPE_PRELUDE_RACE
    // every warp has read s_warp (its prefix, warp 0 the tile's aggregate) before the first
    // iteration's reduce writes it again; without this barrier a warp that got its share of the
    // next tile early could overwrite s_warp[warp] while warp 0 still composed this tile's
    // aggregate (the float64 validation failures of run 18)
    __syncthreads();
#endif
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
      LookbackWords<T, MW / 32> lw;
      const T hin = d > 0 ? lookback_long2<T, MW / 32, LB>(st, d, W, carry, epoch, lane, lw)
                          : carry;
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

}  // namespace ls
