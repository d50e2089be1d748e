package dev.longscan;

/**
 * One thread, one pass over the whole sequence, arithmetic in the data's precision: the baseline
 * that parallel backends are measured against.
 */
final class SequentialBackend extends Backend {
  static final SequentialBackend INSTANCE = new SequentialBackend();

  private SequentialBackend() {}

  @Override
  public String name() {
    return "sequential";
  }

  @Override
  protected Summary doReduce(Sequence a, Sequence b, ScanOptions o) {
    int w = a.width();
    double[] sa = new double[w];
    double[] sb = new double[w];
    boolean resets = new Chunks.Scan(a, b, null, o).reduce(0, a.steps(), 0, w, sa, sb, 0, false);
    return new Summary(sa, sb, resets);
  }

  @Override
  protected void doApply(Sequence a, Sequence b, double[] carry, ScanOptions o, Sequence out) {
    new Chunks.Scan(a, b, out, o).apply(0, a.steps(), 0, a.width(), carry, 0, false);
  }

  @Override
  protected void doBackward(Sequence a, Sequence h, Sequence gradH, ScanOptions o, Sequence gradA,
      Sequence gradB, double[] gradH0) {
    double[] g0 = new double[a.width()];
    new Chunks.Grad(a, h, gradH, gradA, gradB, o)
        .apply(0, a.steps(), 0, a.width(), new double[a.width()], 0, g0, 0);
    if (gradH0 != null) {
      System.arraycopy(g0, 0, gradH0, 0, g0.length);
    }
  }
}
