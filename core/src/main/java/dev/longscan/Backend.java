package dev.longscan;

/**
 * A place where linear recurrences are evaluated: the CPU (sequential or all cores), a GPU, ….
 *
 * <p>The public methods validate their arguments identically for every backend (shapes,
 * precisions, overlaps, the non-finite policy) and then call the {@code do…} method, which may
 * trust them. All buffers of one call share one precision; a and b have the same shape as the
 * output. Summaries and carries are float64.
 *
 * <p>Operations (the GPU and Spark backends implement the same set):
 * <ul>
 *   <li>{@link #scan}: h_t = a_t ⊙ h_{t-1} + b_t over the whole sequence (forward or reverse,
 *       from h0, with optional segment restarts);</li>
 *   <li>{@link #reduce}: phase 1 of the chunked scan: the chunk's {@link Summary};</li>
 *   <li>{@link #apply}: phase 3: rescan the chunk from a carry (the state entering it);</li>
 *   <li>{@link #guess} and {@link #settle}: phases 1 and 3 for a caller that keeps the chunk's
 *       states in between: scan from a zero state, then correct only the steps the carry still
 *       reaches;</li>
 *   <li>{@link #backward}: ∂L/∂a, ∂L/∂b and ∂L/∂h0 from ∂L/∂h.</li>
 * </ul>
 * Backends are thread-safe: several threads (Spark tasks) may call one instance at once.
 */
public abstract class Backend implements AutoCloseable {

  /** Short name: "cpu", "sequential", "reference", "gpu". */
  public abstract String name();

  /** A description for logs: threads, device name and ordinal, …. */
  public String describe() {
    return name();
  }

  /** Scans {@code (a, b)} into {@code out}. */
  public final void scan(Sequence a, Sequence b, ScanOptions options, Sequence out) {
    Checks.scanArgs(a, b, options, out);
    Checks.nonFinite(options, a, "a", b, "b");
    Checks.nonFiniteState(options, options.initialState(), "h0");
    if (a.steps() == 0) {
      return;
    }
    doScan(a, b, options, out);
  }

  /** Scans {@code (a, b)} into a new sequence of the same shape and precision. */
  public final Sequence scan(Sequence a, Sequence b, ScanOptions options) {
    Checks.notNull(a, "a");
    Sequence out = a.allocateLike();
    scan(a, b, options, out);
    return out;
  }

  /** Forward scan from h0 = 0 into a new sequence. */
  public final Sequence scan(Sequence a, Sequence b) {
    return scan(a, b, ScanOptions.defaults());
  }

  /**
   * The chunk's summary in the options' direction: the composition of its steps (restarts use the
   * options' h0). Empty chunk: the identity.
   */
  public final Summary reduce(Sequence a, Sequence b, ScanOptions options) {
    Checks.inputArgs(a, b, options);
    Checks.nonFinite(options, a, "a", b, "b");
    Checks.nonFiniteState(options, options.initialState(), "h0");
    if (a.steps() == 0) {
      return Summary.identity(a.width());
    }
    return doReduce(a, b, options);
  }

  /**
   * Rescans the chunk starting from {@code carry}, the state entering it in the options'
   * direction (steps that restart a segment use the options' h0 instead).
   */
  public final void apply(Sequence a, Sequence b, double[] carry, ScanOptions options,
      Sequence out) {
    carriedArgs(a, b, carry, options, out);
    Checks.nonFiniteState(options, options.initialState(), "h0");
    if (a.steps() == 0) {
      return;
    }
    doApply(a, b, carry, options, out);
  }

  /** The checks of a scan of (a, b) into out from a carry (apply, settle). */
  private static void carriedArgs(Sequence a, Sequence b, double[] carry, ScanOptions options,
      Sequence out) {
    Checks.scanArgs(a, b, options, out);
    Checks.state(carry, "carry", a.width());
    Checks.nonFinite(options, a, "a", b, "b");
    Checks.nonFiniteState(options, carry, "carry");
  }

  /**
   * The first half of a chunk's scan when the state entering it is not known yet (a chunk of a
   * longer series whose predecessors are still being summarised): writes into {@code out} this
   * backend's scan of (a, b) from a zero state — the guess — and returns the chunk's summary, as
   * {@link #reduce} would up to rounding (with non-finite multipliers, non-finite where reduce's
   * is, as a composed step). Returns null, leaving out untouched, when this backend
   * has no guess for this shape (then use {@link #reduce} and {@link #apply}); segmented options
   * always give null. {@link Backends#singleThread()} guesses one channel, and widths 16 to 256
   * in powers of two with a, b and out at one offset; the other backends return null.
   */
  public final Summary guess(Sequence a, Sequence b, ScanOptions options, Sequence out) {
    Checks.scanArgs(a, b, options, out);
    Checks.nonFinite(options, a, "a", b, "b");
    if (options.isSegmented()) {
      return null;
    }
    if (a.steps() == 0) {
      return Summary.identity(a.width());
    }
    return doGuess(a, b, options, out);
  }

  /**
   * The second half: turns {@code out}, which must hold this backend's {@link #guess} for the same
   * a, b and options, into what {@link #apply} from {@code carry} writes, bit for bit. The rescan
   * from the carry stops as soon as it reproduces the guess exactly, since from there on the two
   * are one recurrence from one state: on data whose multipliers contract, after the first few
   * dozen to few thousand steps; otherwise it rewrites the whole chunk. Settling an out that is
   * already settled changes nothing. Returns how many steps, in scan order from the chunk's
   * first, it rescanned: fewer than {@code a.steps()} means it stopped on the guess, so the same
   * call over a longer chunk that begins with these steps (in scan order) would have stopped there
   * too, with the same result in them.
   */
  public final int settle(Sequence a, Sequence b, double[] carry, ScanOptions options,
      Sequence out) {
    carriedArgs(a, b, carry, options, out);
    if (options.isSegmented()) {
      throw new ParameterException("expected options without segment starts (a segmented scan"
          + " has no guess to settle), found segment starts");
    }
    if (a.steps() == 0) {
      return 0;
    }
    return doSettle(a, b, carry, options, out);
  }

  /**
   * Gradients of a loss L through {@code h = scan(a, b, options)}, given {@code gradH} = ∂L/∂h.
   * Writes ∂L/∂a into {@code gradA}, ∂L/∂b into {@code gradB} and, when {@code gradH0} is not
   * null, ∂L/∂h0 into it (h0 is the state every segment starts from). {@code h} must be the scan's
   * output for these a, b and options.
   */
  public final void backward(Sequence a, Sequence h, Sequence gradH, ScanOptions options,
      Sequence gradA, Sequence gradB, double[] gradH0) {
    Checks.backwardArgs(a, h, gradH, options, gradA, gradB, gradH0);
    Checks.nonFinite(options, a, "a", h, "h");
    Checks.nonFinite(options, gradH, "gradH", null, null);
    Checks.nonFiniteState(options, options.initialState(), "h0");
    if (a.steps() == 0) {
      if (gradH0 != null) {
        java.util.Arrays.fill(gradH0, 0.0);
      }
      return;
    }
    doBackward(a, h, gradH, options, gradA, gradB, gradH0);
  }

  /** Default: {@link #doApply} from h0. */
  protected void doScan(Sequence a, Sequence b, ScanOptions options, Sequence out) {
    double[] h0 = options.initialState();
    doApply(a, b, h0 != null ? h0 : new double[a.width()], options, out);
  }

  /** Default: no guess (null). Never called with segments or without steps. */
  protected Summary doGuess(Sequence a, Sequence b, ScanOptions options, Sequence out) {
    return null;
  }

  /** Default: {@link #doApply}, which rewrites every step. */
  protected int doSettle(Sequence a, Sequence b, double[] carry, ScanOptions options,
      Sequence out) {
    doApply(a, b, carry, options, out);
    return a.steps();
  }

  protected abstract Summary doReduce(Sequence a, Sequence b, ScanOptions options);

  protected abstract void doApply(Sequence a, Sequence b, double[] carry, ScanOptions options,
      Sequence out);

  protected abstract void doBackward(Sequence a, Sequence h, Sequence gradH, ScanOptions options,
      Sequence gradA, Sequence gradB, double[] gradH0);

  /** For subclasses outside this package: a summary from raw coefficients, not copied. */
  protected static Summary newSummary(double[] a, double[] b, boolean resets) {
    return new Summary(a, b, resets);
  }

  /** Releases threads or device memory. The shared instances from {@link Backends} ignore it. */
  @Override
  public void close() {}

  @Override
  public String toString() {
    return describe();
  }
}
