package dev.longscan;

/**
 * One thread with the fastest kernels for each shape, for callers that already run one call per
 * core (a Spark task): scans of one channel without segments and of wide inputs (at least 32
 * channels) without segments run as the parallel CPU backend
 * does on one thread (one pass either way: eight-step blocks for one channel, the vector row
 * loops for widths 16 to 256 in powers of two, the row loop for other wide inputs), everything
 * else as the sequential backend (one pass: for the other shapes the chunked pipeline would only
 * add a reduce pass per chunk). Deterministic: the same inputs give the same bits on every call.
 *
 * <p>It also {@link #guess guesses} and {@link #settle settles} one channel and the literal widths
 * at one offset, without segments: the guess is the same one pass from a zero state, its summary
 * reads a only until the product of the multipliers has flushed to zero, and the settle rescans
 * in stretches of 32 steps until a stretch ends on the guessed bits (Spark's chunked scans keep
 * the guesses between their phases, so each chunk is read about once).
 *
 * <p>Segmented inputs (keyed series) keep the sequential loop, although the parallel backend's
 * blocked segmented kernels are several times faster: in Spark, keyed scans are bound by row
 * handling, not by the kernel, and the plain loop's outputs of a contractive recurrence stop
 * depending on where a call started after a few dozen steps, whereas blocked outputs depend on the
 * block alignment everywhere. Spark's range partitioning samples the input anew for every query,
 * so two queries over the same keyed data may cut it differently; with the plain loop their
 * results still agreed bit for bit (spark's FaultToleranceTest compares two such queries), with
 * the blocked kernels they did not.
 */
final class SingleThreadBackend extends Backend {
  static final SingleThreadBackend INSTANCE = new SingleThreadBackend();

  private final CpuBackend blocked =
      new CpuBackend(1, CpuBackend.DEFAULT_CHUNK_ELEMENTS, true);

  private SingleThreadBackend() {}

  @Override
  public String name() {
    return "single-thread";
  }

  @Override
  public String describe() {
    return "single-thread (cpu kernels on the calling thread)";
  }

  private static boolean blocked(Sequence a, ScanOptions o) {
    return !o.isSegmented() && (a.width() == 1 || CpuBackend.splitByChannel(a.width()));
  }

  @Override
  protected Summary doReduce(Sequence a, Sequence b, ScanOptions o) {
    // one pass either way; the sequential reduce already uses the blocked one-channel kernel
    return SequentialBackend.INSTANCE.doReduce(a, b, o);
  }

  @Override
  protected void doApply(Sequence a, Sequence b, double[] carry, ScanOptions o, Sequence out) {
    Chunks.Scan job = new Chunks.Scan(a, b, out, o);
    if (job.settled) {
      // one pass on this thread: the blocked kernel or a vector row loop over all the steps
      job.apply(0, a.steps(), 0, a.width(), carry, 0, true);
    } else if (blocked(a, o)) {
      blocked.doApply(a, b, carry, o, out);
    } else {
      SequentialBackend.INSTANCE.doApply(a, b, carry, o, out);
    }
  }

  /** One channel, or a literal width at one offset, without segments: the guess is one pass. */
  @Override
  protected Summary doGuess(Sequence a, Sequence b, ScanOptions o, Sequence out) {
    Chunks.Scan job = new Chunks.Scan(a, b, out, o);
    if (!job.settled) {
      return null;
    }
    job.guess(0, a.steps());
    return job.guessSummary();
  }

  @Override
  protected int doSettle(Sequence a, Sequence b, double[] carry, ScanOptions o, Sequence out) {
    Chunks.Scan job = new Chunks.Scan(a, b, out, o);
    return job.settled ? job.settle(0, a.steps(), carry, true)
        : super.doSettle(a, b, carry, o, out);
  }

  @Override
  protected void doBackward(Sequence a, Sequence h, Sequence gradH, ScanOptions o, Sequence gradA,
      Sequence gradB, double[] gradH0) {
    // no blocked backward kernel: the chunked pipeline would only add a pass
    SequentialBackend.INSTANCE.doBackward(a, h, gradH, o, gradA, gradB, gradH0);
  }
}
