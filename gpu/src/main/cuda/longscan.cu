// longscan CUDA kernels: the entry points loaded by the Java backend (dev.longscan.gpu) from one
// fatbin through the driver API (cuModuleLoadData + cuModuleGetFunction by these names).
//
// Naming: ls_<op>_<shape>_<precision>_<direction>_<segments>, where op is scan (also the chunk
// apply: a scan from a given carry), reduce (chunk reduce, phase 1) or backward; shape is long
// (width 1) or wide (width > 1); precision f32 or f64; direction fwd or rev; segments plain or
// seg. Tile shapes are reported by ls_info so the host can check it was built against the same.
//
// Build: gpu/src/build/build-fatbin.sh (run by Maven when nvcc is on the PATH).

#include "common.cuh"
#include "long.cuh"
#include "util.cuh"
#include "wide.cuh"

#define LS_NT 256
#define LS_LONG_NT 512
#define LS_WIDE_BWD_NT 128  // threads per block of the wide backward kernels

// The width-1 scan is the pipelined persistent scan (long.cuh scan_long, ScanLong): the host
// launches min(tiles, resident blocks) blocks, which take tiles by ticket until one past the end
// (a launch consumes tiles + blocks tickets), with ScanLong::smem bytes of dynamic shared memory.
// The width-1 backward (long.cuh backward_long, BwdLong: 256 threads x 16 (float) or 8 (double)
// steps, a and g staged in 2 stages, h read in the final pass) is launched the same way with
// BwdLong::smem bytes. The wide backward is staged (wide.cuh backward_wide): 4 warps x 8 rows of
// 64 (float) or 32 (double) channels, 8 blocks per SM.

#define LS_LONG(P, T, D, REV, S, SEG)                                                          \
  extern "C" __global__ void __launch_bounds__(ls::SCAN_LONG_NT, 3)                            \
      ls_scan_long_##P##_##D##_##S(const T* a, const T* b, const uint8_t* rs, T* out,          \
                                   long long n, const double* carry_in, double* carry_out,     \
                                   double h0, void* status, long long slots,                   \
                                   long long ticket_base, unsigned long long epoch, int W) {   \
    typedef ls::ScanLong<T> SL;                                                                \
    ls::scan_long<T, REV, SEG, SL::NT, SL::IT, ls::SCAN_LONG_STAGES, SL::MW, SL::EARLY>(       \
        a, b, rs, out, n, carry_in, carry_out, h0, status, slots, ticket_base, epoch, W);      \
  }                                                                                            \
  extern "C" __global__ void __launch_bounds__(LS_LONG_NT)                                     \
      ls_reduce_long_##P##_##D##_##S(const T* a, const T* b, const uint8_t* rs, long long n,   \
                                     double h0, double* part_a, double* part_b, int* part_f) { \
    ls::reduce_long<T, REV, SEG>(a, b, rs, n, h0, part_a, part_b, part_f);                     \
  }                                                                                            \
  extern "C" __global__ void __launch_bounds__(ls::BWD_LONG_NT, SEG ? 2 : 3)                  \
      ls_backward_long_##P##_##D##_##S(                                                        \
          const T* a, const T* h, const T* g, const uint8_t* bf, T* ga, T* gb, long long n,    \
          long long first, long long last, double a_next, double h_prev, double h0,            \
          const double* carry_in, double* carry_out, double* g0_part, void* status,            \
          long long slots, long long ticket_base, unsigned long long epoch, int W) {           \
    typedef ls::BwdLong<T, SEG> BL;                                                            \
    ls::backward_long<T, REV, SEG, BL::NT, BL::IT, ls::SCAN_LONG_STAGES, BL::MW, BL::EARLY>(   \
        a, h, g, bf, ga, gb, n, first, last, a_next, h_prev, h0, carry_in, carry_out, g0_part, \
        status, slots, ticket_base, epoch, W);                                                 \
  }

#define LS_WIDE(P, T, D, REV, S, SEG)                                                          \
  extern "C" __global__ void __launch_bounds__(LS_NT, 2) ls_scan_wide_##P##_##D##_##S(            \
      const T* a, const T* b, const uint8_t* rs, T* out, long long n, long long width,         \
      const double* carry_in, double* carry_out, const double* h0, void* status,               \
      long long slots, long long ticket_base, unsigned long long epoch, int W) {               \
    ls::scan_wide<T, REV, SEG>(a, b, rs, out, n, width, carry_in, carry_out, h0, status,       \
                               slots, ticket_base, epoch, W);                                  \
  }                                                                                            \
  extern "C" __global__ void __launch_bounds__(LS_NT, 2)                                          \
      ls_reduce_wide_##P##_##D##_##S(const T* a, const T* b, const uint8_t* rs, long long n,   \
                                     long long width, const double* h0, double* part_a,        \
                                     double* part_b, int* part_f) {                            \
    ls::reduce_wide<T, REV, SEG>(a, b, rs, n, width, h0, part_a, part_b, part_f);              \
  }                                                                                            \
  extern "C" __global__ void __launch_bounds__(LS_WIDE_BWD_NT, 8)                             \
      ls_backward_wide_##P##_##D##_##S(                                                        \
          const T* a, const T* h, const T* g, const uint8_t* bf, T* ga, T* gb, long long n,    \
          long long width, long long first, long long last, const T* a_next, const T* h_prev,  \
          const double* h0, const double* carry_in, double* carry_out, double* g0_part,        \
          void* status, long long slots, long long ticket_base, unsigned long long epoch,      \
          int W) {                                                                             \
    ls::backward_wide<T, REV, SEG, LS_WIDE_BWD_NT, ls::Wide<T>::BL>(                          \
        a, h, g, bf, ga, gb, n, width, first, last, a_next, h_prev, h0, carry_in, carry_out,   \
        g0_part, status, slots, ticket_base, epoch, W);                                        \
  }

#define LS_ALL(SHAPE)                                \
  SHAPE(f32, float, fwd, false, plain, false)        \
  SHAPE(f32, float, fwd, false, seg, true)           \
  SHAPE(f32, float, rev, true, plain, false)         \
  SHAPE(f32, float, rev, true, seg, true)            \
  SHAPE(f64, double, fwd, false, plain, false)       \
  SHAPE(f64, double, fwd, false, seg, true)          \
  SHAPE(f64, double, rev, true, plain, false)        \
  SHAPE(f64, double, rev, true, seg, true)

LS_ALL(LS_LONG)
LS_ALL(LS_WIDE)

extern "C" __global__ void __launch_bounds__(ls::FOLD_NT)
    ls_fold_long(const double* pa, const double* pb, const int* pf, long long P, double* run_a,
                 double* run_b, int* run_f) {
  ls::fold_long(pa, pb, pf, P, run_a, run_b, run_f);
}

extern "C" __global__ void __launch_bounds__(LS_NT)
    ls_fold_wide(const double* pa, const double* pb, const int* pf, long long P, long long D,
                 double* run_a, double* run_b, int* run_f) {
  ls::fold_wide(pa, pb, pf, P, D, run_a, run_b, run_f);
}

extern "C" __global__ void __launch_bounds__(ls::FOLD_NT)
    ls_sum_long(const double* parts, long long P, double* run) {
  ls::sum_long(parts, P, run);
}

extern "C" __global__ void __launch_bounds__(LS_NT)
    ls_sum_wide(const double* parts, long long P, long long D, double* run) {
  ls::sum_wide(parts, P, D, run);
}

extern "C" __global__ void __launch_bounds__(LS_NT)
    ls_summary_init(double* run_a, double* run_b, int* run_f, long long D) {
  ls::summary_init(run_a, run_b, run_f, D);
}

extern "C" __global__ void __launch_bounds__(LS_NT)
    ls_copy16(const float4* src, float4* dst, long long n4) {
  ls::copy16(src, dst, n4);
}

extern "C" __global__ void __launch_bounds__(LS_NT)
    ls_fill_f32(float* p, long long n, unsigned long long seed, double lo, double hi, int sign) {
  ls::fill_uniform<float>(p, n, seed, lo, hi, sign);
}

extern "C" __global__ void __launch_bounds__(LS_NT)
    ls_fill_f64(double* p, long long n, unsigned long long seed, double lo, double hi, int sign) {
  ls::fill_uniform<double>(p, n, seed, lo, hi, sign);
}

// Layout version and tile shapes, for the host to check against its own constants.
#define LS_LAYOUT_VERSION 8
extern "C" __global__ void ls_info(int* out) {
  if (threadIdx.x == 0 && blockIdx.x == 0) {
    out[0] = LS_LAYOUT_VERSION;
    out[1] = ls::ScanLong<float>::TILE;
    out[2] = ls::ScanLong<double>::TILE;
    out[3] = ls::BwdLong<float, false>::TILE;
    out[4] = ls::BwdLong<double, false>::TILE;
    out[5] = (ls::Wide<float>::NT / 32) * ls::Wide<float>::L;
    out[6] = (ls::Wide<double>::NT / 32) * ls::Wide<double>::L;
    out[7] = (LS_WIDE_BWD_NT / 32) * ls::Wide<float>::BL;
    out[8] = (LS_WIDE_BWD_NT / 32) * ls::Wide<double>::BL;
    out[9] = LS_NT;
    out[10] = ls::FOLD_NT;
    out[11] = LS_LONG_NT;
    out[12] = ls::BwdLong<float, false>::MW;  // width-1 backward, float32 plain
    out[13] = ls::WIDE_MAX_WINDOW;
    out[14] = ls::Wide<float>::V;
    out[15] = ls::Wide<double>::V;
    out[16] = ls::Long<float>::NT * ls::Long<float>::RIT;
    out[17] = ls::Long<double>::NT * ls::Long<double>::RIT;
    out[18] = (ls::Wide<float>::NT / 32) * ls::Wide<float>::RL;
    out[19] = (ls::Wide<double>::NT / 32) * ls::Wide<double>::RL;
    out[20] = LS_WIDE_BWD_NT;
    // dynamic shared memory of the staged launches (bytes; segmented width-1 launches add one
    // byte per step of the tile and stage): width-1 scan (depends on the stages compiled for the
    // device, out[28]), backward, wide backward
    out[21] = ls::ScanLong<float>::smem<false>();
    out[22] = ls::ScanLong<double>::smem<false>();
    out[23] = ls::BwdLong<float, false>::smem();
    out[24] = ls::BwdLong<double, false>::smem();
    out[25] = ls::backward_wide_smem<float, LS_WIDE_BWD_NT, ls::Wide<float>::BL, ls::Wide<float>::V>();
    out[26] = ls::backward_wide_smem<double, LS_WIDE_BWD_NT, ls::Wide<double>::BL, ls::Wide<double>::V>();
    // width-1 scan: largest window (float), stages in shared memory (2; 1 before sm_80), threads
    // per block, largest window (double)
    out[27] = ls::ScanLong<float>::MW;
    out[28] = ls::SCAN_LONG_STAGES;
    out[29] = ls::SCAN_LONG_NT;
    out[30] = ls::ScanLong<double>::MW;
    // width-1 backward: threads per block, largest windows of float32 segmented, float64 plain,
    // float64 segmented (float32 plain: out[12]); stages as the scan's (out[28])
    out[31] = ls::BWD_LONG_NT;
    out[32] = ls::BwdLong<float, true>::MW;
    out[33] = ls::BwdLong<double, false>::MW;
    out[34] = ls::BwdLong<double, true>::MW;
  }
}
