package dev.longscan;

/**
 * CPU kernels for float32 data over one chunk of steps [lo, hi) (time indices); arithmetic in
 * float32 inside a chunk, summaries and carries in float64. Trusts its arguments (validated by
 * {@link Backend}). Kernels64, for float64, is generated from this file by
 * core/src/build/gen-kernels64.sh.
 *
 * <p>One channel without segments (the long-series case) works in blocks of eight steps: the
 * block's own summary (a small tree of compositions) advances the state by eight steps at once,
 * and the eight outputs hang off that state, so the loop-carried dependency is one multiply-add
 * per eight steps instead of one per step. The wide and segmented kernels work on a range of
 * channels [c0, c1) so that wide inputs can be split across threads by channel.
 */
final class Kernels32 {
  private Kernels32() {}

  /**
   * A summary's running product of multipliers, flushed to zero below the smallest normal value.
   * Without this a product of multipliers above one half sticks at the smallest subnormal value
   * (x times it rounds back to it) for the rest of the chunk, and every multiply on a subnormal
   * operand is several times slower: measured here, a whole-series reduce with a = 0.99 ran at
   * half the speed of one with a = 0.9. The product only scales the state entering the chunk, so
   * the flush changes a state by less than the smallest normal value times that state.
   */
  private static float ftz(float x) {
    return Math.abs(x) < Float.MIN_NORMAL ? 0 : x;
  }

  /**
   * Summary of channels [c0, c1) of steps [lo, hi), in scan order, into sa/sb[so + c]; returns
   * whether it restarts. One channel without segments always uses eight-step blocks;
   * {@code blocked} (the parallel backend) also for one channel with segments.
   */
  static boolean reduce(float[] a, int ao, float[] b, int bo, int w, int c0, int c1, int lo,
      int hi, ScanOptions o, double[] sa, double[] sb, int so, boolean blocked) {
    boolean rev = o.isReverse();
    if (w == 1 && !o.isSegmented()) {
      reduceBlocked(a, ao, b, bo, lo, hi, rev, sa, sb, so);
      return false;
    }
    if (w == 1 && blocked) {
      return reduceSegBlocked(a, ao, b, bo, lo, hi, rev, o, sa, sb, so);
    }
    int n = c1 - c0;
    float[] pa = new float[n];
    float[] pb = new float[n];
    java.util.Arrays.fill(pa, 1);
    boolean seg = o.isSegmented();
    boolean resets = false;
    if (!seg && ao == bo) {
      reduceRows(a, b, ao, w, c0, n, lo, hi, rev, pa, pb);
    } else {
      for (int p = 0, steps = hi - lo; p < steps; p++) {
        int t = rev ? hi - 1 - p : lo + p;
        int ia = ao + t * w + c0;
        int ib = bo + t * w + c0;
        if (seg && o.restartsAt(t)) {
          resets = true;
          for (int c = 0; c < n; c++) {
            pa[c] = 0;
            pb[c] = (float) (a[ia + c] * o.initialState(c0 + c) + b[ib + c]);
          }
        } else {
          for (int c = 0; c < n; c++) {
            float x = a[ia + c];
            pa[c] = ftz(x * pa[c]);
            pb[c] = x * pb[c] + b[ib + c];
          }
        }
      }
    }
    for (int c = 0; c < n; c++) {
      sa[so + c0 + c] = pa[c];
      sb[so + c0 + c] = pb[c];
    }
    return resets;
  }

  /**
   * Channels [c0, c0 + n) of [lo, hi) without segments, a and b at one offset: as the general
   * loop, with one index for both arrays (about 1.5 times as fast; same results bit for bit).
   */
  private static void reduceRows(float[] a, float[] b, int off, int w, int c0, int n, int lo,
      int hi, boolean rev, float[] pa, float[] pb) {
    if (!rev) {
      for (int t = lo; t < hi; t++) {
        int i = off + t * w + c0;
        for (int c = 0; c < n; c++) {
          float x = a[i + c];
          pa[c] = ftz(x * pa[c]);
          pb[c] = x * pb[c] + b[i + c];
        }
      }
    } else {
      for (int t = hi - 1; t >= lo; t--) {
        int i = off + t * w + c0;
        for (int c = 0; c < n; c++) {
          float x = a[i + c];
          pa[c] = ftz(x * pa[c]);
          pb[c] = x * pb[c] + b[i + c];
        }
      }
    }
  }

  /**
   * One channel, no segments: the summary of [lo, hi) built from eight-step block summaries. The
   * forward and reverse loops are written out apart: with a constant stride the JIT removes the
   * array bounds checks from the loop (about 20 % faster than one loop with a direction
   * variable).
   */
  private static void reduceBlocked(float[] a, int ao, float[] b, int bo, int lo, int hi,
      boolean rev, double[] sa, double[] sb, int so) {
    float pa = 1;
    float pb = 0;
    if (!rev) {
      int t = lo;
      for (; t + 8 <= hi; t += 8) {
        int i = ao + t;
        int j = bo + t;
        float a0 = a[i], a1 = a[i + 1], a2 = a[i + 2], a3 = a[i + 3];
        float a4 = a[i + 4], a5 = a[i + 5], a6 = a[i + 6], a7 = a[i + 7];
        float b0 = b[j], b1 = b[j + 1], b2 = b[j + 2], b3 = b[j + 3];
        float b4 = b[j + 4], b5 = b[j + 5], b6 = b[j + 6], b7 = b[j + 7];
        float a01 = a1 * a0, b01 = a1 * b0 + b1, a23 = a3 * a2, b23 = a3 * b2 + b3;
        float a45 = a5 * a4, b45 = a5 * b4 + b5, a67 = a7 * a6, b67 = a7 * b6 + b7;
        float a03 = a23 * a01, b03 = a23 * b01 + b23, a47 = a67 * a45, b47 = a67 * b45 + b67;
        float a07 = a47 * a03, b07 = a47 * b03 + b47;
        pa = ftz(a07 * pa);
        pb = a07 * pb + b07;
      }
      for (; t < hi; t++) {
        float x = a[ao + t];
        pa = ftz(x * pa);
        pb = x * pb + b[bo + t];
      }
    } else {
      int t = hi - 8;
      for (; t >= lo; t -= 8) {
        // scan order inside the block: t + 7 first, t last
        int i = ao + t;
        int j = bo + t;
        float a0 = a[i + 7], a1 = a[i + 6], a2 = a[i + 5], a3 = a[i + 4];
        float a4 = a[i + 3], a5 = a[i + 2], a6 = a[i + 1], a7 = a[i];
        float b0 = b[j + 7], b1 = b[j + 6], b2 = b[j + 5], b3 = b[j + 4];
        float b4 = b[j + 3], b5 = b[j + 2], b6 = b[j + 1], b7 = b[j];
        float a01 = a1 * a0, b01 = a1 * b0 + b1, a23 = a3 * a2, b23 = a3 * b2 + b3;
        float a45 = a5 * a4, b45 = a5 * b4 + b5, a67 = a7 * a6, b67 = a7 * b6 + b7;
        float a03 = a23 * a01, b03 = a23 * b01 + b23, a47 = a67 * a45, b47 = a67 * b45 + b67;
        float a07 = a47 * a03, b07 = a47 * b03 + b47;
        pa = ftz(a07 * pa);
        pb = a07 * pb + b07;
      }
      for (t += 7; t >= lo; t--) {
        float x = a[ao + t];
        pa = ftz(x * pa);
        pb = x * pb + b[bo + t];
      }
    }
    sa[so] = pa;
    sb[so] = pb;
  }

  /**
   * One channel with segments: only the steps from the last restart in scan order on count; the
   * stretch after it is reduced by {@link #reduceBlocked} and applied to the restart step's state
   * (a summary that ignores the state entering it). Returns whether [lo, hi) restarts.
   */
  private static boolean reduceSegBlocked(float[] a, int ao, float[] b, int bo, int lo, int hi,
      boolean rev, ScanOptions o, double[] sa, double[] sb, int so) {
    int r = rev ? lo : hi - 1; // the last restart in scan order, if any
    if (!rev) {
      while (r >= lo && !o.restartsAt(r)) {
        r--;
      }
    } else {
      while (r < hi && !o.restartsAt(r)) {
        r++;
      }
    }
    boolean found = rev ? r < hi : r >= lo;
    if (!found) {
      reduceBlocked(a, ao, b, bo, lo, hi, rev, sa, sb, so);
      return false;
    }
    float hr = a[ao + r] * (float) o.initialState(0) + b[bo + r];
    if (rev) {
      reduceBlocked(a, ao, b, bo, lo, r, true, sa, sb, so);
    } else {
      reduceBlocked(a, ao, b, bo, r + 1, hi, false, sa, sb, so);
    }
    float pa = (float) sa[so];
    float pb = (float) sb[so];
    sa[so] = 0;
    sb[so] = pa * hr + pb;
    return true;
  }

  /**
   * Rescans channels [c0, c1) of [lo, hi) from carry[co + c], writing out. {@code blocked} (the
   * parallel backend): use the eight-step blocks for one channel (with segments: between
   * restarts), and the row loop of {@link #applyRows} for several channels without segments;
   * false gives the plain one-step-at-a-time loop (the sequential baseline).
   */
  static void apply(float[] a, int ao, float[] b, int bo, float[] out, int oo, int w, int c0,
      int c1, int lo, int hi, ScanOptions o, double[] carry, int co, boolean blocked) {
    boolean rev = o.isReverse();
    if (w == 1 && blocked && o.isSegmented()) {
      applySegBlocked(a, ao, b, bo, out, oo, lo, hi, rev, (float) carry[co], o,
          (float) o.initialState(0));
      return;
    }
    if (w == 1 && !o.isSegmented()) {
      if (blocked) {
        applyBlocked(a, ao, b, bo, out, oo, lo, hi, rev, (float) carry[co]);
      } else {
        applyOne(a, ao, b, bo, out, oo, lo, hi, rev, (float) carry[co]);
      }
      return;
    }
    int n = c1 - c0;
    float[] h = new float[n];
    float[] h0 = new float[n];
    for (int c = 0; c < n; c++) {
      h[c] = (float) carry[co + c0 + c];
      h0[c] = (float) o.initialState(c0 + c);
    }
    boolean seg = o.isSegmented();
    if (blocked && !seg && ao == bo && bo == oo && hi > lo) {
      applyRows(a, b, out, ao, w, c0, n, lo, hi, rev, h);
      return;
    }
    for (int p = 0, steps = hi - lo; p < steps; p++) {
      int t = rev ? hi - 1 - p : lo + p;
      int ia = ao + t * w + c0;
      int ib = bo + t * w + c0;
      int io = oo + t * w + c0;
      if (seg && o.restartsAt(t)) {
        for (int c = 0; c < n; c++) {
          h[c] = a[ia + c] * h0[c] + b[ib + c];
          out[io + c] = h[c];
        }
      } else {
        for (int c = 0; c < n; c++) {
          h[c] = a[ia + c] * h[c] + b[ib + c];
          out[io + c] = h[c];
        }
      }
    }
  }

  /**
   * Channels [c0, c0 + n) of the non-empty [lo, hi) without segments, for a, b and out that start
   * at one offset (whole arrays, the common case): each row reads the previous row's outputs, and
   * one index serves all three arrays, which the JIT compiles to a loop 1.5 to 2 times as fast as
   * the general one (docs/benchmarks.md; same arithmetic, same results bit for bit). All the
   * channels of a literal width take the vector loops of {@link #rows} instead.
   */
  private static void applyRows(float[] a, float[] b, float[] out, int off, int w, int c0, int n,
      int lo, int hi, boolean rev, float[] h) {
    int i0 = off + (rev ? hi - 1 : lo) * w + c0;
    for (int c = 0; c < n; c++) {
      out[i0 + c] = a[i0 + c] * h[c] + b[i0 + c];
    }
    if (n == w && literalWidth(w)) {
      if (!rev) {
        rows(a, b, out, w, i0 + w, off + hi * w, false);
      } else {
        rows(a, b, out, w, off + lo * w, i0, true);
      }
      return;
    }
    if (!rev) {
      for (int t = lo + 1; t < hi; t++) {
        int i = off + t * w + c0;
        int p = i - w;
        for (int c = 0; c < n; c++) {
          out[i + c] = a[i + c] * out[p + c] + b[i + c];
        }
      }
    } else {
      for (int t = hi - 2; t >= lo; t--) {
        int i = off + t * w + c0;
        int p = i + w;
        for (int c = 0; c < n; c++) {
          out[i + c] = a[i + c] * out[p + c] + b[i + c];
        }
      }
    }
  }

  /**
   * Widths with row loops of their own in which the width is a literal ({@link #rows64} and its
   * siblings): h[i] = a[i] · h[i − w] + b[i] over a run of whole rows is then a loop whose
   * distance between store and load is a constant, which C2 vectorises; with the width in a
   * variable it cannot prove the lanes independent and the loop stays scalar (WideRowsProbe,
   * docs/benchmarks.md: 6.1 against 1.9 G elements/s in cache, float64 × 64).
   */
  static boolean literalWidth(int w) {
    return w == 16 || w == 32 || w == 64 || w == 128 || w == 256;
  }

  /** Rows rescanned between two checks of {@link #settle}. */
  static final int SETTLE_ROWS = 32;

  /**
   * All w channels of the non-empty [lo, hi), for a literal width and a, b and out at one offset:
   * the scan from a zero state, a guess that {@link #settle} corrects once the true state entering
   * the chunk is known.
   */
  static void guess(float[] a, float[] b, float[] out, int off, int w, int lo, int hi,
      boolean rev) {
    int first = off + (rev ? hi - 1 : lo) * w;
    System.arraycopy(b, first, out, first, w);
    if (!rev) {
      rows(a, b, out, w, first + w, off + hi * w, false);
    } else {
      rows(a, b, out, w, off + lo * w, first, true);
    }
  }

  /**
   * Scans all w channels of the non-empty [lo, hi) into out (literal width, a, b and out at one
   * offset), from carry[co + c] or, with carry null, from the row before the chunk in scan order,
   * which must be final in out. With {@code check} out holds the chunk's {@link #guess}, and the
   * rescan stops after the first block of {@value #SETTLE_ROWS} rows whose last row comes out bit
   * for bit as the guess had it: from that row on the two are one recurrence from one state, so
   * the rest of the guess is already the result. Either way out ends as a plain scan from the
   * entering state would leave it. Returns how many rows, in scan order from the chunk's first,
   * it rescanned (all of them unless it stopped on the guess).
   */
  static int settle(float[] a, float[] b, float[] out, int off, int w, int lo, int hi,
      boolean rev, double[] carry, int co, boolean check) {
    float[] saved = check ? new float[w] : null;
    if (!rev) {
      int t = lo;
      if (carry != null) {
        int i = off + lo * w;
        for (int c = 0; c < w; c++) {
          out[i + c] = a[i + c] * (float) carry[co + c] + b[i + c];
        }
        t++;
      }
      while (t < hi) {
        int end = check ? Math.min(hi, t + SETTLE_ROWS) : hi;
        int last = off + (end - 1) * w;
        if (check) {
          System.arraycopy(out, last, saved, 0, w);
        }
        rows(a, b, out, w, off + t * w, off + end * w, false);
        if (check && sameBits(out, last, saved, w)) {
          return end - lo;
        }
        t = end;
      }
    } else {
      int t = hi; // rows [lo, t) remain, in scan order from t - 1 down
      if (carry != null) {
        int i = off + (hi - 1) * w;
        for (int c = 0; c < w; c++) {
          out[i + c] = a[i + c] * (float) carry[co + c] + b[i + c];
        }
        t--;
      }
      while (t > lo) {
        int start = check ? Math.max(lo, t - SETTLE_ROWS) : lo;
        int last = off + start * w;
        if (check) {
          System.arraycopy(out, last, saved, 0, w);
        }
        rows(a, b, out, w, last, off + t * w, true);
        if (check && sameBits(out, last, saved, w)) {
          return hi - start;
        }
        t = start;
      }
    }
    return hi - lo;
  }

  /** {@link #guess} for one channel without segments: the blocked scan from a zero state. */
  static void guessOne(float[] a, int ao, float[] b, int bo, float[] out, int oo, int lo, int hi,
      boolean rev) {
    applyBlocked(a, ao, b, bo, out, oo, lo, hi, rev, 0);
  }

  /**
   * {@link #settle} for one channel without segments, from state h: the blocked scan of [lo, hi)
   * in stretches of {@value #SETTLE_ROWS} steps (a multiple of eight, so the eight-step blocks
   * fall where the guess had them), stopping after the first stretch whose last state comes out
   * bit for bit as guessed. Either way out ends as {@code applyBlocked} over [lo, hi) from h
   * would leave it. Returns how many steps, in scan order from the chunk's first, it rescanned.
   */
  static int settleOne(float[] a, int ao, float[] b, int bo, float[] out, int oo, int lo,
      int hi, boolean rev, float h, boolean check) {
    if (!check) {
      applyBlocked(a, ao, b, bo, out, oo, lo, hi, rev, h);
    } else if (!rev) {
      for (int t = lo; t < hi; t += SETTLE_ROWS) {
        int end = Math.min(hi, t + SETTLE_ROWS);
        float guessed = out[oo + end - 1];
        h = applyBlocked(a, ao, b, bo, out, oo, t, end, false, h);
        if (Float.floatToRawIntBits(h) == Float.floatToRawIntBits(guessed)) {
          return end - lo;
        }
      }
    } else {
      for (int t = hi; t > lo; t -= SETTLE_ROWS) {
        int start = Math.max(lo, t - SETTLE_ROWS);
        float guessed = out[oo + start];
        h = applyBlocked(a, ao, b, bo, out, oo, start, t, true, h);
        if (Float.floatToRawIntBits(h) == Float.floatToRawIntBits(guessed)) {
          return hi - start;
        }
      }
    }
    return hi - lo;
  }

  private static boolean sameBits(float[] x, int xo, float[] y, int w) {
    for (int c = 0; c < w; c++) {
      if (Float.floatToRawIntBits(x[xo + c]) != Float.floatToRawIntBits(y[c])) {
        return false;
      }
    }
    return true;
  }

  /**
   * The whole rows of the element range [from, to), each from the row before it in scan order,
   * which is in out: out[i] = a[i] · out[i ∓ w] + b[i]. One method per width, each with the width
   * written as a literal: a {@code switch} into one method taking the width as an argument
   * vectorised only the widths in use when it was compiled.
   */
  private static void rows(float[] a, float[] b, float[] out, int w, int from, int to,
      boolean rev) {
    switch (w) {
      case 16:
        rows16(a, b, out, from, to, rev);
        break;
      case 32:
        rows32(a, b, out, from, to, rev);
        break;
      case 64:
        rows64(a, b, out, from, to, rev);
        break;
      case 128:
        rows128(a, b, out, from, to, rev);
        break;
      case 256:
        rows256(a, b, out, from, to, rev);
        break;
      default:
        throw new IllegalArgumentException("no row kernel for width " + w);
    }
  }

  private static void rows16(float[] a, float[] b, float[] out, int from, int to, boolean rev) {
    if (!rev) {
      for (int i = from; i < to; i++) {
        out[i] = a[i] * out[i - 16] + b[i];
      }
    } else {
      for (int i = to - 1; i >= from; i--) {
        out[i] = a[i] * out[i + 16] + b[i];
      }
    }
  }

  private static void rows32(float[] a, float[] b, float[] out, int from, int to, boolean rev) {
    if (!rev) {
      for (int i = from; i < to; i++) {
        out[i] = a[i] * out[i - 32] + b[i];
      }
    } else {
      for (int i = to - 1; i >= from; i--) {
        out[i] = a[i] * out[i + 32] + b[i];
      }
    }
  }

  private static void rows64(float[] a, float[] b, float[] out, int from, int to, boolean rev) {
    if (!rev) {
      for (int i = from; i < to; i++) {
        out[i] = a[i] * out[i - 64] + b[i];
      }
    } else {
      for (int i = to - 1; i >= from; i--) {
        out[i] = a[i] * out[i + 64] + b[i];
      }
    }
  }

  private static void rows128(float[] a, float[] b, float[] out, int from, int to, boolean rev) {
    if (!rev) {
      for (int i = from; i < to; i++) {
        out[i] = a[i] * out[i - 128] + b[i];
      }
    } else {
      for (int i = to - 1; i >= from; i--) {
        out[i] = a[i] * out[i + 128] + b[i];
      }
    }
  }

  private static void rows256(float[] a, float[] b, float[] out, int from, int to, boolean rev) {
    if (!rev) {
      for (int i = from; i < to; i++) {
        out[i] = a[i] * out[i - 256] + b[i];
      }
    } else {
      for (int i = to - 1; i >= from; i--) {
        out[i] = a[i] * out[i + 256] + b[i];
      }
    }
  }

  private static void applyOne(float[] a, int ao, float[] b, int bo, float[] out, int oo, int lo,
      int hi, boolean rev, float h) {
    if (!rev) {
      for (int t = lo; t < hi; t++) {
        h = a[ao + t] * h + b[bo + t];
        out[oo + t] = h;
      }
    } else {
      for (int t = hi - 1; t >= lo; t--) {
        h = a[ao + t] * h + b[bo + t];
        out[oo + t] = h;
      }
    }
  }

  /**
   * One channel, no segments: eight steps per loop-carried multiply-add (see the class comment),
   * forward and reverse loops apart as in {@link #reduceBlocked}.
   */
  private static float applyBlocked(float[] a, int ao, float[] b, int bo, float[] out, int oo,
      int lo, int hi, boolean rev, float h) {
    if (!rev) {
      int t = lo;
      for (; t + 8 <= hi; t += 8) {
        int i = ao + t;
        int j = bo + t;
        int k = oo + t;
        float a0 = a[i], a1 = a[i + 1], a2 = a[i + 2], a3 = a[i + 3];
        float a4 = a[i + 4], a5 = a[i + 5], a6 = a[i + 6], a7 = a[i + 7];
        float b0 = b[j], b1 = b[j + 1], b2 = b[j + 2], b3 = b[j + 3];
        float b4 = b[j + 4], b5 = b[j + 5], b6 = b[j + 6], b7 = b[j + 7];
        float a01 = a1 * a0, b01 = a1 * b0 + b1, a23 = a3 * a2, b23 = a3 * b2 + b3;
        float a45 = a5 * a4, b45 = a5 * b4 + b5, a67 = a7 * a6, b67 = a7 * b6 + b7;
        float a03 = a23 * a01, b03 = a23 * b01 + b23, a47 = a67 * a45, b47 = a67 * b45 + b67;
        float a07 = a47 * a03, b07 = a47 * b03 + b47;
        float h1 = a01 * h + b01;
        float h3 = a03 * h + b03;
        float h5 = a45 * h3 + b45;
        out[k] = a0 * h + b0;
        out[k + 1] = h1;
        out[k + 2] = a2 * h1 + b2;
        out[k + 3] = h3;
        out[k + 4] = a4 * h3 + b4;
        out[k + 5] = h5;
        out[k + 6] = a6 * h5 + b6;
        h = a07 * h + b07;
        out[k + 7] = h;
      }
      for (; t < hi; t++) {
        h = a[ao + t] * h + b[bo + t];
        out[oo + t] = h;
      }
    } else {
      int t = hi - 8;
      for (; t >= lo; t -= 8) {
        int i = ao + t;
        int j = bo + t;
        int k = oo + t;
        float a0 = a[i + 7], a1 = a[i + 6], a2 = a[i + 5], a3 = a[i + 4];
        float a4 = a[i + 3], a5 = a[i + 2], a6 = a[i + 1], a7 = a[i];
        float b0 = b[j + 7], b1 = b[j + 6], b2 = b[j + 5], b3 = b[j + 4];
        float b4 = b[j + 3], b5 = b[j + 2], b6 = b[j + 1], b7 = b[j];
        float a01 = a1 * a0, b01 = a1 * b0 + b1, a23 = a3 * a2, b23 = a3 * b2 + b3;
        float a45 = a5 * a4, b45 = a5 * b4 + b5, a67 = a7 * a6, b67 = a7 * b6 + b7;
        float a03 = a23 * a01, b03 = a23 * b01 + b23, a47 = a67 * a45, b47 = a67 * b45 + b67;
        float a07 = a47 * a03, b07 = a47 * b03 + b47;
        float h1 = a01 * h + b01;
        float h3 = a03 * h + b03;
        float h5 = a45 * h3 + b45;
        out[k + 7] = a0 * h + b0;
        out[k + 6] = h1;
        out[k + 5] = a2 * h1 + b2;
        out[k + 4] = h3;
        out[k + 3] = a4 * h3 + b4;
        out[k + 2] = h5;
        out[k + 1] = a6 * h5 + b6;
        h = a07 * h + b07;
        out[k] = h;
      }
      for (t += 7; t >= lo; t--) {
        h = a[ao + t] * h + b[bo + t];
        out[oo + t] = h;
      }
    }
    return h;
  }

  /**
   * One channel with segments (blocked): the stretches between restarts
   * ({@link ScanOptions#restartsAt}) run through {@link #applyBlocked}; a restart step starts
   * again from h0.
   */
  private static void applySegBlocked(float[] a, int ao, float[] b, int bo, float[] out, int oo,
      int lo, int hi, boolean rev, float h, ScanOptions o, float h0) {
    if (!rev) {
      int t = lo;
      while (t < hi) {
        int r = t;
        while (r < hi && !o.restartsAt(r)) {
          r++;
        }
        h = applyBlocked(a, ao, b, bo, out, oo, t, r, false, h);
        if (r < hi) {
          h = a[ao + r] * h0 + b[bo + r];
          out[oo + r] = h;
        }
        t = r + 1;
      }
    } else {
      int t = hi - 1;
      while (t >= lo) {
        int r = t;
        while (r >= lo && !o.restartsAt(r)) {
          r--;
        }
        h = applyBlocked(a, ao, b, bo, out, oo, r + 1, t + 1, true, h);
        if (r >= lo) {
          h = a[ao + r] * h0 + b[bo + r];
          out[oo + r] = h;
        }
        t = r - 1;
      }
    }
  }


  /**
   * Backward, phase 1: the summary, in gradient order (the reverse of the scan order), of the
   * δ recurrence δ_t = g_t + a_{next(t)} δ_{next(t)} over channels [c0, c1) of [lo, hi), where
   * next(t) is the step after t in scan order and the term is dropped where next(t) restarts or
   * does not exist.
   */
  static boolean reduceGrad(float[] a, int ao, float[] g, int go, int w, int c0, int c1,
      int steps, int lo, int hi, ScanOptions o, double[] sa, double[] sb, int so) {
    boolean rev = o.isReverse();
    int n = c1 - c0;
    float[] pa = new float[n];
    float[] pb = new float[n];
    java.util.Arrays.fill(pa, 1);
    boolean resets = false;
    for (int q = 0, len = hi - lo; q < len; q++) {
      int t = rev ? lo + q : hi - 1 - q;
      int tn = rev ? t - 1 : t + 1;
      int ig = go + t * w + c0;
      if (tn < 0 || tn >= steps || o.restartsAt(tn)) {
        resets = true;
        for (int c = 0; c < n; c++) {
          pa[c] = 0;
          pb[c] = g[ig + c];
        }
      } else {
        int ia = ao + tn * w + c0;
        for (int c = 0; c < n; c++) {
          float x = a[ia + c];
          pa[c] = ftz(x * pa[c]);
          pb[c] = x * pb[c] + g[ig + c];
        }
      }
    }
    for (int c = 0; c < n; c++) {
      sa[so + c0 + c] = pa[c];
      sb[so + c0 + c] = pb[c];
    }
    return resets;
  }

  /**
   * Backward, phase 3 over channels [c0, c1) of [lo, hi): δ from {@code carry} (δ of the step
   * after the chunk in scan order), writing ∂L/∂a = h_prev ⊙ δ and ∂L/∂b = δ, and adding
   * a_t ⊙ δ_t of the steps that start from h0 into g0[g0o + c].
   */
  static void applyGrad(float[] a, int ao, float[] h, int ho, float[] g, int go, float[] ga,
      int gao, float[] gb, int gbo, int w, int c0, int c1, int steps, int lo, int hi,
      ScanOptions o, double[] carry, int co, double[] g0, int g0o) {
    boolean rev = o.isReverse();
    int n = c1 - c0;
    float[] d = new float[n];
    float[] h0 = new float[n];
    for (int c = 0; c < n; c++) {
      d[c] = (float) carry[co + c0 + c];
      h0[c] = (float) o.initialState(c0 + c);
    }
    if (w > 1 && !o.isSegmented() && ao == ho && ho == go && go == gao && gao == gbo) {
      applyGradRows(a, h, g, ga, gb, ao, w, c0, n, steps, lo, hi, rev, d, h0, g0, g0o);
      return;
    }
    int first = rev ? steps - 1 : 0;
    for (int q = 0, len = hi - lo; q < len; q++) {
      int t = rev ? lo + q : hi - 1 - q;
      int tn = rev ? t - 1 : t + 1;
      int tp = rev ? t + 1 : t - 1;
      int ig = go + t * w + c0;
      int iga = gao + t * w + c0;
      int igb = gbo + t * w + c0;
      if (tn < 0 || tn >= steps || o.restartsAt(tn)) {
        for (int c = 0; c < n; c++) {
          d[c] = g[ig + c];
        }
      } else {
        int ia = ao + tn * w + c0;
        for (int c = 0; c < n; c++) {
          d[c] = a[ia + c] * d[c] + g[ig + c];
        }
      }
      if (t == first || o.restartsAt(t)) {
        int ia = ao + t * w + c0;
        for (int c = 0; c < n; c++) {
          gb[igb + c] = d[c];
          ga[iga + c] = h0[c] * d[c];
          g0[g0o + c0 + c] += (double) a[ia + c] * d[c];
        }
      } else {
        int ih = ho + tp * w + c0;
        for (int c = 0; c < n; c++) {
          gb[igb + c] = d[c];
          ga[iga + c] = h[ih + c] * d[c];
        }
      }
    }
  }

  /**
   * {@link #applyGrad} for several channels without segments when all five arrays start at one
   * offset (whole arrays, the common case): one index for all of them, and each row reads δ of the
   * row after it in scan order from ∂L/∂b, where it was just written (the row loop of
   * {@link #applyRows} applied to the backward; same arithmetic, same results bit for bit).
   */
  private static void applyGradRows(float[] a, float[] h, float[] g, float[] ga, float[] gb,
      int off, int w, int c0, int n, int steps, int lo, int hi, boolean rev, float[] d, float[] h0,
      double[] g0, int g0o) {
    int s = rev ? -w : w; // from a step's index to the index of the next step in scan order
    int first = rev ? steps - 1 : 0; // the first step in scan order
    int dt = rev ? 1 : -1; // gradient order is the reverse of scan order
    int t = rev ? lo : hi - 1;
    for (int k = 0, len = hi - lo; k < len; k++, t += dt) {
      int i = off + t * w + c0;
      if (k == 0) {
        int tn = rev ? t - 1 : t + 1;
        if (tn >= 0 && tn < steps) {
          for (int c = 0; c < n; c++) {
            d[c] = a[i + s + c] * d[c] + g[i + c];
          }
        } else {
          for (int c = 0; c < n; c++) {
            d[c] = g[i + c];
          }
        }
        for (int c = 0; c < n; c++) {
          gb[i + c] = d[c];
        }
      } else {
        int in = i + s;
        for (int c = 0; c < n; c++) {
          gb[i + c] = a[in + c] * gb[in + c] + g[i + c];
        }
      }
      if (t == first) {
        for (int c = 0; c < n; c++) {
          float v = gb[i + c];
          ga[i + c] = h0[c] * v;
          g0[g0o + c0 + c] += (double) a[i + c] * v;
        }
      } else {
        int ip = i - s;
        for (int c = 0; c < n; c++) {
          ga[i + c] = h[ip + c] * gb[i + c];
        }
      }
    }
  }
}
