package dev.longscan;

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
 * <p>Every method takes optional segment starts ({@code null} = one series): each segment is an
 * independent series (a key in keyed data) and starts afresh. Inputs are {@link Sequence}s of any
 * width (each channel filtered independently) or plain {@code double[]} series; the result has
 * the input's precision. Non-finite inputs follow the policy set with {@link #withNonFinite}
 * (default: propagate).
 */
public final class Filters {
  private static final double LN2 = Math.log(2.0);

  private final Backend backend;
  private final NonFinitePolicy policy;

  private Filters(Backend backend, NonFinitePolicy policy) {
    this.backend = backend;
    this.policy = policy;
  }

  /** Filters on the given backend. */
  public static Filters using(Backend backend) {
    Checks.notNull(backend, "backend");
    return new Filters(backend, NonFinitePolicy.PROPAGATE);
  }

  /** Filters on the shared parallel CPU backend. */
  public static Filters cpu() {
    return using(Backends.cpu());
  }

  /** The same filters with the given non-finite policy. */
  public Filters withNonFinite(NonFinitePolicy p) {
    Checks.notNull(p, "nonFinite policy");
    return new Filters(backend, p);
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
    Sequence a = x.allocateLike();
    Sequence b = x.allocateLike();
    emaCoefficients(x, alpha, segmentStarts, 0, false, a, b);
    return backend.scan(a, b, options(segmentStarts));
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
    double keep = 1.0 - alpha;
    for (int t = 0, i = 0; t < x.steps(); t++) {
      boolean first = (starts != null && starts[startsOffset + t]) || (t == 0 && !continuesSeries);
      for (int c = 0; c < w; c++, i++) {
        double v = x.at(i);
        a.put(i, first ? 0.0 : keep);
        b.put(i, first ? v : alpha * v);
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
    Checks.positiveFinite(halfLife, "halfLife");
    checkTimes(times, x.steps());
    Sequence a = x.allocateLike();
    Sequence b = x.allocateLike();
    decayCoefficients(times, 0, halfLife, segmentStarts, 0, Double.NaN, a);
    for (int i = 0, n = x.size(); i < n; i++) {
      b.put(i, (1.0 - a.at(i)) * x.at(i));
    }
    return backend.scan(a, b, options(segmentStarts));
  }

  /** The decay exp(−ln 2 · gap / halfLife) of one gap: the a_t of {@link #decayCoefficients}. */
  public static double decay(double gap, double halfLife) {
    return Math.exp(-LN2 * gap / halfLife);
  }

  /**
   * Decay a_t = exp(−ln 2 · Δt / halfLife) into every channel of {@code a}, Δt = times[t] −
   * times[t−1]; a_t = 0 where a series starts: at {@code starts[startsOffset + t]}, or at t = 0
   * when {@code previousTime} is NaN (otherwise Δt_0 = times[0] − previousTime, for a chunk that
   * continues a series). Time stamps are checked: strictly increasing within a series.
   */
  public static void decayCoefficients(double[] times, int timesOffset, double halfLife,
      boolean[] starts, int startsOffset, double previousTime, Sequence a) {
    Checks.positiveFinite(halfLife, "halfLife");
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
      double decay;
      if (first) {
        decay = 0.0;
      } else {
        if (!(tau > prev)) {
          throw new OrderException("expected strictly increasing time stamps within a series, found "
              + prev + " at step " + (t - 1) + " then " + tau + " at step " + t
              + (tau == prev ? " (duplicate)" : ""), t);
        }
        decay = decay(tau - prev, halfLife);
      }
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
    Sequence decay = x.allocateLike();
    decay.fill(1.0 - alpha);
    return ratio(x, decay, segmentStarts);
  }

  /** Adjusted EMA over time stamps: weights decay by half every {@code halfLife} of time. */
  public Sequence emaAdjustedIrregular(Sequence x, double[] times, double halfLife,
      boolean[] segmentStarts) {
    checkInput(x, segmentStarts);
    Checks.positiveFinite(halfLife, "halfLife");
    checkTimes(times, x.steps());
    Sequence decay = x.allocateLike();
    decayCoefficients(times, 0, halfLife, segmentStarts, 0, Double.NaN, decay);
    return ratio(x, decay, segmentStarts);
  }

  /** N/W with N_t = a_t N_{t−1} + x_t, W_t = a_t W_{t−1} + 1, run as one scan of width 2·D. */
  private Sequence ratio(Sequence x, Sequence decay, boolean[] starts) {
    int w = x.width();
    int n = x.steps();
    Sequence a = Sequence.allocate(x.precision(), n, 2 * w);
    Sequence b = Sequence.allocate(x.precision(), n, 2 * w);
    for (int t = 0; t < n; t++) {
      for (int c = 0; c < w; c++) {
        int i = t * w + c;
        int j = 2 * t * w + c;
        double d = decay.at(i);
        a.put(j, d);
        a.put(j + w, d);
        b.put(j, x.at(i));
        b.put(j + w, 1.0);
      }
    }
    Sequence nw = backend.scan(a, b, options(starts));
    Sequence out = x.allocateLike();
    for (int t = 0; t < n; t++) {
      for (int c = 0; c < w; c++) {
        out.put(t * w + c, nw.at(2 * t * w + c) / nw.at(2 * t * w + w + c));
      }
    }
    return out;
  }

  // ----- IIR, discounted sums, cumulative sum and product -----

  public double[] iir(double[] x, double c, double d) {
    return iir(Sequence.of(Checks.notNull(x, "x")), c, d, null).doubleArray();
  }

  /** y_t = c x_t + d y_{t−1}, from y = 0 before each series. */
  public Sequence iir(Sequence x, double c, double d, boolean[] segmentStarts) {
    checkFiniteParam(c, "c");
    checkFiniteParam(d, "d");
    checkInput(x, segmentStarts);
    Sequence a = x.allocateLike();
    a.fill(d);
    Sequence b = scaled(x, c);
    return backend.scan(a, b, options(segmentStarts));
  }

  public double[] discountedSum(double[] r, double gamma) {
    Checks.notNull(r, "rewards");
    checkFiniteParam(gamma, "gamma");
    Sequence g = Sequence.allocate(Precision.FLOAT64, r.length, 1);
    g.fill(gamma);
    return discountedSum(Sequence.of(r), g, null).doubleArray();
  }

  public double[] discountedSum(double[] r, double[] gamma) {
    Checks.notNull(r, "rewards");
    Checks.notNull(gamma, "gamma");
    return discountedSum(Sequence.of(r), Sequence.of(gamma), null).doubleArray();
  }

  /**
   * G_t = r_t + γ_t G_{t+1} with G = 0 after the last step of each series (a reverse scan). γ has
   * the shape of r (one discount per step and channel).
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
    Sequence a = x.allocateLike();
    a.fill(1.0);
    return backend.scan(a, copy(x), options(segmentStarts));
  }

  public double[] cumprod(double[] x) {
    return cumprod(Sequence.of(Checks.notNull(x, "x")), null).doubleArray();
  }

  /** h_t = x_t h_{t−1} from h = 1 before each series. */
  public Sequence cumprod(Sequence x, boolean[] segmentStarts) {
    checkInput(x, segmentStarts);
    double[] one = new double[x.width()];
    java.util.Arrays.fill(one, 1.0);
    return backend.scan(copy(x), x.allocateLike(), options(segmentStarts).withInitialState(one));
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

  private static void checkAlpha(double alpha) {
    if (!(alpha > 0.0 && alpha <= 1.0)) {
      throw new ParameterException("expected alpha in (0, 1], found " + alpha);
    }
  }

  private static void checkFiniteParam(double v, String name) {
    if (!Double.isFinite(v)) {
      throw new ParameterException("expected a finite " + name + ", found " + v);
    }
  }

  private static Sequence scaled(Sequence x, double k) {
    Sequence out = x.allocateLike();
    for (int i = 0, n = x.size(); i < n; i++) {
      out.put(i, k * x.at(i));
    }
    return out;
  }

  private static Sequence copy(Sequence x) {
    Sequence out = x.allocateLike();
    x.copyTo(out);
    return out;
  }
}
