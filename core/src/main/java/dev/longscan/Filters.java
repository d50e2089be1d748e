package dev.longscan;

import dev.longscan.filter.FilterSteps;

/**
 * The recurrences people actually run, as linear scans on a {@link Backend}.
 *
 * <ul>
 *   <li>{@link #ema}: y_0 = x_0, y_t = (1 − α) y_{t−1} + α x_t (the unadjusted, recursive EMA).</li>
 *   <li>{@link #emaIrregular}: time-stamped data, decay a_t = exp(−ln 2 · (τ_t − τ_{t−1}) / halfLife),
 *       y_0 = x_0, y_t = a_t y_{t−1} + (1 − a_t) x_t.</li>
 *   <li>{@link #emaAdjusted}: the bias-corrected weighted mean y_t = Σ_{i≤t} w_{t,i} x_i / Σ_{i≤t} w_{t,i}
 *       with w_{t,i} = Π_{i<j≤t} a_j, evaluated as the ratio of two recurrences N_t = a_t N_{t−1} + x_t
 *       and W_t = a_t W_{t−1} + 1.</li>
 *   <li>{@link #iir}: first-order IIR filter y_t = c x_t + d y_{t−1}, y_{−1} = 0.</li>
 *   <li>{@link #discountedSum}: G_t = r_t + γ_t G_{t+1}, G after the last step = 0 (a reverse scan).</li>
 *   <li>{@link #cumsum} and {@link #cumprod}.</li>
 * </ul>
 *
 * <p>Each filter's coefficients are defined once, in {@link FilterSteps}, which the Spark
 * transforms use too.
 *
 * <p>Every method takes optional segment starts ({@code null} = one series): each segment is an
 * independent series (a key in keyed data) and starts afresh. Inputs are {@link Sequence}s of any
 * width (each channel filtered independently) or plain {@code double[]} series; the result has
 * the input's precision. Non-finite inputs follow the policy set with {@link #withNonFinite}
 * (default: propagate).
 *
 * <p>Memory: besides the caller's input, a call needs its result (the input's size) and working
 * buffers of at most {@value #BLOCK_ELEMENTS} values per coefficient (for float64 inputs, 64 MiB
 * in all; twice that for the adjusted EMAs): the coefficients are made and scanned block by
 * block, carrying the state from one block into the next. Where the result does not fit, the
 * call throws a {@link ShapeException} that says how many bytes it needed and how many the JVM
 * may use, before anything is computed.
 */
public final class Filters {
  /** Values per coefficient buffer (steps × channels of one block). */
  static final int BLOCK_ELEMENTS = 1 << 22;

  private final Backend backend;
  private final NonFinitePolicy policy;
  private final int blockElements;

  private Filters(Backend backend, NonFinitePolicy policy, int blockElements) {
    this.backend = backend;
    this.policy = policy;
    this.blockElements = blockElements;
  }

  /** The same filters with blocks of {@code elements} values (for tests of block boundaries). */
  Filters withBlockElements(int elements) {
    if (elements < 1) {
      throw new ParameterException("expected block elements >= 1, found " + elements);
    }
    return new Filters(backend, policy, elements);
  }

  /** Filters on the given backend. */
  public static Filters using(Backend backend) {
    Checks.notNull(backend, "backend");
    return new Filters(backend, NonFinitePolicy.PROPAGATE, BLOCK_ELEMENTS);
  }

  /** Filters on the shared parallel CPU backend. */
  public static Filters cpu() {
    return using(Backends.cpu());
  }

  /** The same filters with the given non-finite policy. */
  public Filters withNonFinite(NonFinitePolicy p) {
    Checks.notNull(p, "nonFinite policy");
    return new Filters(backend, p, blockElements);
  }

  public Backend backend() {
    return backend;
  }

  // ----- EMA, constant alpha -----

  public double[] ema(double[] x, double alpha) {
    return ema(Sequence.of(Checks.notNull(x, "x")), alpha, null).doubleArray();
  }

  public Sequence ema(Sequence x, double alpha, boolean[] segmentStarts) {
    checkAlpha(alpha);
    checkInput(x, segmentStarts);
    return inBlocks("ema", x, x.width(), segmentStarts, null, (from, a, b) -> emaCoefficients(
        x.slice(from, from + a.steps()), alpha, segmentStarts, from, from > 0, a, b), null);
  }

  /**
   * Writes the EMA's coefficients for x into (a, b): a_t = 0 and b_t = x_t where a series starts,
   * else a_t = 1 − α and b_t = α x_t. A series starts at {@code starts[startsOffset + t]}
   * (null: no flags) and at step 0 unless {@code continuesSeries}: a chunk of a longer series
   * prepared elsewhere (a Spark partition) passes true so that its step 0 continues the series
   * of the chunk before unless its flag says otherwise.
   */
  public static void emaCoefficients(Sequence x, double alpha, boolean[] starts, int startsOffset,
      boolean continuesSeries, Sequence a, Sequence b) {
    checkAlpha(alpha);
    Checks.notNull(x, "x");
    Checks.like("a", a, "x", x);
    Checks.like("b", b, "x", x);
    checkRange(starts, startsOffset, x.steps(), "segment flags");
    int w = x.width();
    for (int t = 0, i = 0; t < x.steps(); t++) {
      boolean first = (starts != null && starts[startsOffset + t]) || (t == 0 && !continuesSeries);
      double at = FilterSteps.emaA(alpha, first);
      for (int c = 0; c < w; c++, i++) {
        a.put(i, at);
        b.put(i, FilterSteps.emaB(alpha, first, x.at(i)));
      }
    }
  }

  // ----- EMA over irregular time stamps -----

  public double[] emaIrregular(double[] x, double[] times, double halfLife) {
    return emaIrregular(Sequence.of(Checks.notNull(x, "x")), times, halfLife, null).doubleArray();
  }

  /** {@code times[t]} is the time stamp of step t; within a segment they must strictly increase. */
  public Sequence emaIrregular(Sequence x, double[] times, double halfLife,
      boolean[] segmentStarts) {
    checkInput(x, segmentStarts);
    FilterSteps.checkHalfLife(halfLife);
    checkTimes(times, x.steps());
    checkTimeOrder(times, segmentStarts);
    return inBlocks("emaIrregular", x, x.width(), segmentStarts, null, (from, a, b) -> {
      decayCoefficients(times, from, halfLife, segmentStarts, from,
          from == 0 ? Double.NaN : times[from - 1], a);
      Sequence xs = x.slice(from, from + a.steps());
      for (int i = 0, n = a.size(); i < n; i++) {
        b.put(i, FilterSteps.halfLifeB(a.at(i), xs.at(i)));
      }
    }, null);
  }

  /**
   * The decay exp(−ln 2 · gap / halfLife) of one gap: the a_t of {@link #decayCoefficients}
   * ({@link FilterSteps#decay}).
   */
  public static double decay(double gap, double halfLife) {
    return FilterSteps.decay(gap, halfLife);
  }

  /**
   * Decay a_t = exp(−ln 2 · Δt / halfLife) into every channel of {@code a}, Δt = times[t] −
   * times[t−1]; a_t = 0 where a series starts: at {@code starts[startsOffset + t]}, or at t = 0
   * when {@code previousTime} is NaN (otherwise Δt_0 = times[0] − previousTime, for a chunk that
   * continues a series). Time stamps are checked: strictly increasing within a series.
   */
  public static void decayCoefficients(double[] times, int timesOffset, double halfLife,
      boolean[] starts, int startsOffset, double previousTime, Sequence a) {
    FilterSteps.checkHalfLife(halfLife);
    Checks.notNull(a, "a");
    Checks.notNull(times, "times");
    checkRange(times.length, timesOffset, a.steps(), "time stamps");
    checkRange(starts, startsOffset, a.steps(), "segment flags");
    int w = a.width();
    double prev = previousTime;
    for (int t = 0; t < a.steps(); t++) {
      double tau = times[timesOffset + t];
      if (!Double.isFinite(tau)) {
        throw new NonFiniteException("expected finite time stamps, found " + tau + " at step " + t,
            "times", t, -1);
      }
      boolean first = (starts != null && starts[startsOffset + t]) || (t == 0 && Double.isNaN(prev));
      if (!first && !(tau > prev)) {
        throw new OrderException("expected strictly increasing time stamps within a series, found "
            + prev + " at step " + (t - 1) + " then " + tau + " at step " + t
            + (tau == prev ? " (duplicate)" : ""), t);
      }
      double decay = FilterSteps.halfLifeA(first, tau - prev, halfLife);
      for (int c = 0, i = t * w; c < w; c++) {
        a.put(i + c, decay);
      }
      prev = tau;
    }
  }

  // ----- adjusted (bias-corrected) EMA -----

  public double[] emaAdjusted(double[] x, double alpha) {
    return emaAdjusted(Sequence.of(Checks.notNull(x, "x")), alpha, null).doubleArray();
  }

  public Sequence emaAdjusted(Sequence x, double alpha, boolean[] segmentStarts) {
    checkAlpha(alpha);
    checkInput(x, segmentStarts);
    double keep = FilterSteps.adjustedA(alpha);
    return ratio("emaAdjusted", x, segmentStarts, (from, d) -> d.fill(keep));
  }

  /** Adjusted EMA over time stamps: weights decay by half every {@code halfLife} of time. */
  public Sequence emaAdjustedIrregular(Sequence x, double[] times, double halfLife,
      boolean[] segmentStarts) {
    checkInput(x, segmentStarts);
    FilterSteps.checkHalfLife(halfLife);
    checkTimes(times, x.steps());
    checkTimeOrder(times, segmentStarts);
    return ratio("emaAdjustedIrregular", x, segmentStarts, (from, d) -> decayCoefficients(times,
        from, halfLife, segmentStarts, from, from == 0 ? Double.NaN : times[from - 1], d));
  }

  /** Writes the decays of steps [from, from + d.steps()) into d. */
  private interface Decays {
    void fill(int from, Sequence d);
  }

  /**
   * N/W with N_t = a_t N_{t−1} + x_t, W_t = a_t W_{t−1} + 1, run as one scan of width 2·D, block
   * by block.
   */
  private Sequence ratio(String method, Sequence x, boolean[] starts, Decays decays) {
    int w = x.width();
    Sequence[] decay = new Sequence[1];
    return inBlocks(method, x, 2 * w, starts, null, (from, a, b) -> {
      int m = a.steps();
      if (decay[0] == null || decay[0].steps() < m) {
        decay[0] = work(method, x, 2 * w, m, w);
      }
      Sequence d = decay[0].slice(0, m);
      decays.fill(from, d);
      Sequence xs = x.slice(from, from + m);
      for (int t = 0; t < m; t++) {
        for (int c = 0; c < w; c++) {
          int i = t * w + c;
          int j = 2 * t * w + c;
          double v = d.at(i);
          a.put(j, v);
          a.put(j + w, v);
          b.put(j, FilterSteps.adjustedNumeratorB(xs.at(i)));
          b.put(j + w, FilterSteps.adjustedWeightB());
        }
      }
    }, (from, nw, out) -> {
      for (int t = 0, m = nw.steps(); t < m; t++) {
        for (int c = 0; c < w; c++) {
          out.put((from + t) * w + c,
              FilterSteps.adjustedValue(nw.at(2 * t * w + c), nw.at(2 * t * w + w + c)));
        }
      }
    });
  }

  /** Writes the coefficients of steps [from, from + a.steps()) into a and b. */
  private interface Coefficients {
    void fill(int from, Sequence a, Sequence b);
  }

  /** Turns the states h of steps [from, from + h.steps()) into the result's values. */
  private interface Results {
    void take(int from, Sequence h, Sequence out);
  }

  /**
   * The scan whose coefficients {@code k} writes, made and scanned one block at a time, each
   * block from the state the one before left: a result like x (allocated first, so that a call
   * that cannot fit fails before any work) and coefficient buffers of one block, instead of
   * whole copies of the input. With {@code results} null the states are the result (scan width =
   * x's); otherwise they go through a block buffer of the scan's width into {@code results}.
   */
  private Sequence inBlocks(String method, Sequence x, int scanWidth, boolean[] starts, double[] h0,
      Coefficients k, Results results) {
    int n = x.steps();
    Sequence out = work(method, x, scanWidth, n, x.width());
    if (n == 0) {
      return out;
    }
    int block = (int) Math.max(1, Math.min(n, (long) blockElements / scanWidth));
    Sequence a = work(method, x, scanWidth, block, scanWidth);
    Sequence b = work(method, x, scanWidth, block, scanWidth);
    Sequence h = results == null ? null : work(method, x, scanWidth, block, scanWidth);
    // the policy applies to the inputs, checked already (checkInput); the states carried from
    // block to block are not inputs
    ScanOptions o = ScanOptions.defaults();
    if (h0 != null) {
      o = o.withInitialState(h0);
    }
    double[] carry = h0 != null ? h0.clone() : new double[scanWidth];
    for (int from = 0; from < n; from += block) {
      int m = Math.min(block, n - from);
      Sequence ak = a.slice(0, m);
      Sequence bk = b.slice(0, m);
      k.fill(from, ak, bk);
      Sequence hk = results == null ? out.slice(from, from + m) : h.slice(0, m);
      backend.apply(ak, bk, carry, starts != null ? o.withSegmentStarts(starts, from) : o, hk);
      for (int c = 0; c < scanWidth; c++) {
        carry[c] = hk.get(m - 1, c);
      }
      if (results != null) {
        results.take(from, hk, out);
      }
    }
    return out;
  }

  /**
   * A buffer of {@code steps × width} values for {@code method} on x (scanned at
   * {@code scanWidth}); where the JVM cannot give it, a {@link ShapeException} that says what the
   * whole call needs.
   */
  private Sequence work(String method, Sequence x, int scanWidth, int steps, int width) {
    try {
      return Sequence.allocate(x.precision(), steps, width);
    } catch (OutOfMemoryError e) {
      ShapeException tooLarge = new ShapeException(needs(method, x.precision(), x.steps(),
          x.width(), scanWidth, blockElements));
      tooLarge.initCause(e);
      throw tooLarge;
    }
  }

  /** The message of a call that does not fit: the bytes it needs, the bytes the JVM may use. */
  static String needs(String method, Precision p, int steps, int width, int scanWidth,
      int blockElements) {
    long result = (long) steps * width * p.bytes();
    long block = Math.max(1, Math.min(steps, (long) blockElements / scanWidth)) * scanWidth;
    // a, b (and for the adjusted EMAs the states and the decays) of one block
    long working = (scanWidth == width ? 2 * block : 3 * block + block / 2) * p.bytes();
    Runtime rt = Runtime.getRuntime();
    return String.format(java.util.Locale.ROOT, "Filters.%s of %,d steps × %d channels in %s"
        + " needs %,d bytes (the result %,d and working buffers %,d) besides its input, more than"
        + " the JVM could give (it may use at most %,d bytes, -Xmx; %,d are in use): give the JVM"
        + " more memory, or split the series and carry the state from part to part"
        + " (Backend.apply)", method, steps, width, p, result + working, result, working,
        rt.maxMemory(), rt.totalMemory() - rt.freeMemory());
  }

  // ----- IIR, discounted sums, cumulative sum and product -----

  public double[] iir(double[] x, double c, double d) {
    return iir(Sequence.of(Checks.notNull(x, "x")), c, d, null).doubleArray();
  }

  /** y_t = c x_t + d y_{t−1}, from y = 0 before each series. */
  public Sequence iir(Sequence x, double c, double d, boolean[] segmentStarts) {
    FilterSteps.checkFinite(c, "c");
    FilterSteps.checkFinite(d, "d");
    checkInput(x, segmentStarts);
    return inBlocks("iir", x, x.width(), segmentStarts, null, (from, a, b) -> {
      a.fill(FilterSteps.iirA(d));
      Sequence xs = x.slice(from, from + a.steps());
      for (int i = 0, n = b.size(); i < n; i++) {
        b.put(i, FilterSteps.iirB(c, xs.at(i)));
      }
    }, null);
  }

  public double[] discountedSum(double[] r, double gamma) {
    Checks.notNull(r, "rewards");
    FilterSteps.checkFinite(gamma, "gamma");
    Sequence g = Sequence.allocate(Precision.FLOAT64, r.length, 1);
    g.fill(FilterSteps.discountA(gamma));
    return discountedSum(Sequence.of(r), g, null).doubleArray();
  }

  public double[] discountedSum(double[] r, double[] gamma) {
    Checks.notNull(r, "rewards");
    Checks.notNull(gamma, "gamma");
    return discountedSum(Sequence.of(r), Sequence.of(gamma), null).doubleArray();
  }

  /**
   * G_t = r_t + γ_t G_{t+1} with G = 0 after the last step of each series (a reverse scan). γ has
   * the shape of r (one discount per step and channel). The coefficients are γ and r as given
   * (a_t = {@link FilterSteps#discountA}, b_t = {@link FilterSteps#discountB}: the identities), so
   * they are scanned in place.
   */
  public Sequence discountedSum(Sequence r, Sequence gamma, boolean[] segmentStarts) {
    checkInput(r, segmentStarts);
    Checks.like("gamma", gamma, "rewards", r);
    return backend.scan(gamma, r, options(segmentStarts).withDirection(Direction.REVERSE));
  }

  public double[] cumsum(double[] x) {
    return cumsum(Sequence.of(Checks.notNull(x, "x")), null).doubleArray();
  }

  public Sequence cumsum(Sequence x, boolean[] segmentStarts) {
    checkInput(x, segmentStarts);
    // b_t = FilterSteps.cumsumB(x_t) = x_t: a copy
    return inBlocks("cumsum", x, x.width(), segmentStarts, null, (from, a, b) -> {
      a.fill(FilterSteps.cumsumA());
      x.slice(from, from + a.steps()).copyTo(b);
    }, null);
  }

  public double[] cumprod(double[] x) {
    return cumprod(Sequence.of(Checks.notNull(x, "x")), null).doubleArray();
  }

  /** h_t = x_t h_{t−1} from h = 1 before each series. */
  public Sequence cumprod(Sequence x, boolean[] segmentStarts) {
    checkInput(x, segmentStarts);
    double[] one = new double[x.width()];
    java.util.Arrays.fill(one, FilterSteps.cumprodInitial());
    // a_t = FilterSteps.cumprodA(x_t) = x_t: a copy
    return inBlocks("cumprod", x, x.width(), segmentStarts, one, (from, a, b) -> {
      x.slice(from, from + a.steps()).copyTo(a);
      b.fill(FilterSteps.cumprodB());
    }, null);
  }

  // ----- helpers -----

  private ScanOptions options(boolean[] starts) {
    return ScanOptions.defaults().withSegmentStarts(starts).withNonFinite(policy);
  }

  private void checkInput(Sequence x, boolean[] starts) {
    Checks.notNull(x, "x");
    if (starts != null && starts.length != x.steps()) {
      throw new ShapeException("expected " + x.steps() + " segment flags (one per step), found "
          + starts.length);
    }
    if (policy == NonFinitePolicy.REJECT) {
      Checks.nonFinite(ScanOptions.defaults().withNonFinite(policy), x, "x", null, null);
    }
  }

  private static void checkRange(boolean[] flags, int offset, int steps, String what) {
    if (flags != null) {
      checkRange(flags.length, offset, steps, what);
    }
  }

  private static void checkRange(int length, int offset, int steps, String what) {
    if (offset < 0 || (long) offset + steps > length) {
      throw new ShapeException("expected " + steps + " " + what + " from offset " + offset
          + ", found an array of length " + length);
    }
  }

  private static void checkTimes(double[] times, int steps) {
    Checks.notNull(times, "times");
    if (times.length != steps) {
      throw new ShapeException("expected " + steps + " time stamps (one per step), found "
          + times.length);
    }
  }

  /**
   * The checks {@link #decayCoefficients} makes, over the whole series at once, so that a message
   * names the step in the caller's series rather than in a block.
   */
  private static void checkTimeOrder(double[] times, boolean[] starts) {
    double prev = Double.NaN;
    for (int t = 0; t < times.length; t++) {
      double tau = times[t];
      if (!Double.isFinite(tau)) {
        throw new NonFiniteException("expected finite time stamps, found " + tau + " at step " + t,
            "times", t, -1);
      }
      boolean first = t == 0 || starts != null && starts[t];
      if (!first && !(tau > prev)) {
        throw new OrderException("expected strictly increasing time stamps within a series, found "
            + prev + " at step " + (t - 1) + " then " + tau + " at step " + t
            + (tau == prev ? " (duplicate)" : ""), t);
      }
      prev = tau;
    }
  }

  private static void checkAlpha(double alpha) {
    FilterSteps.checkAlpha(alpha);
  }

}
