package dev.longscan;

/** Validation at the public boundary; every message says what was expected, found, and where. */
final class Checks {
  private Checks() {}

  static <T> T notNull(T value, String name) {
    if (value == null) {
      throw new ShapeException("expected a non-null " + name + ", found null");
    }
    return value;
  }

  static void sameShape(String name, Sequence s, String refName, Sequence ref) {
    notNull(s, name);
    if (s.steps() != ref.steps() || s.width() != ref.width()) {
      throw new ShapeException("expected " + name + " of shape " + ref.steps() + " steps × "
          + ref.width() + " channels (as " + refName + "), found " + s.steps() + " × "
          + s.width());
    }
  }

  static void samePrecision(String name, Sequence s, String refName, Sequence ref) {
    if (s.precision() != ref.precision()) {
      throw new ShapeException("expected " + name + " in " + ref.precision() + " (as " + refName
          + "), found " + s.precision());
    }
  }

  static void like(String name, Sequence s, String refName, Sequence ref) {
    sameShape(name, s, refName, ref);
    samePrecision(name, s, refName, ref);
  }

  static void noOverlap(String n1, Sequence s1, String n2, Sequence s2) {
    if (s1 != null && s2 != null && s1.overlaps(s2)) {
      throw new ShapeException("expected " + n1 + " not to share memory with " + n2
          + ", found overlapping views of one array");
    }
  }

  static void state(double[] h, String name, int width) {
    notNull(h, name);
    if (h.length != width) {
      throw new ShapeException("expected " + name + " of width " + width + ", found length "
          + h.length);
    }
  }

  static void options(ScanOptions o, Sequence a) {
    notNull(o, "options");
    if (o.initialState() != null && o.initialState().length != a.width()) {
      throw new ShapeException("expected h0 of width " + a.width() + ", found length "
          + o.initialState().length);
    }
    if (o.isSegmented()) {
      int have = o.segmentStarts().length - o.segmentOffset();
      if (have < a.steps()) {
        throw new ShapeException("expected at least " + a.steps() + " segment flags from offset "
            + o.segmentOffset() + ", found " + have);
      }
    }
  }

  /** The inputs of a reduce: a, b of one shape and precision, options that fit them. */
  static void inputArgs(Sequence a, Sequence b, ScanOptions o) {
    notNull(a, "a");
    like("b", b, "a", a);
    options(o, a);
  }

  /** The inputs, and an output of their shape that shares no memory with them. */
  static void scanArgs(Sequence a, Sequence b, ScanOptions o, Sequence out) {
    inputArgs(a, b, o);
    like("out", out, "a", a);
    noOverlap("out", out, "a", a);
    noOverlap("out", out, "b", b);
  }

  static void backwardArgs(Sequence a, Sequence h, Sequence gradH, ScanOptions o, Sequence gradA,
      Sequence gradB, double[] gradH0) {
    notNull(a, "a");
    like("h", h, "a", a);
    like("gradH", gradH, "a", a);
    like("gradA", gradA, "a", a);
    like("gradB", gradB, "a", a);
    String[] outNames = {"gradA", "gradB"};
    Sequence[] outs = {gradA, gradB};
    String[] inNames = {"a", "h", "gradH"};
    Sequence[] ins = {a, h, gradH};
    for (int i = 0; i < outs.length; i++) {
      for (int j = 0; j < ins.length; j++) {
        noOverlap(outNames[i], outs[i], inNames[j], ins[j]);
      }
    }
    noOverlap("gradA", gradA, "gradB", gradB);
    if (gradH0 != null) {
      state(gradH0, "gradH0", a.width());
    }
    options(o, a);
  }

  /** Under REJECT, throws for the first non-finite value of x (then y), in time order. */
  static void nonFinite(ScanOptions o, Sequence x, String xName, Sequence y, String yName) {
    if (o.nonFinite() != NonFinitePolicy.REJECT) {
      return;
    }
    firstNonFinite(x, xName);
    if (y != null) {
      firstNonFinite(y, yName);
    }
  }

  static void nonFiniteState(ScanOptions o, double[] h, String name) {
    if (o.nonFinite() != NonFinitePolicy.REJECT || h == null) {
      return;
    }
    for (int c = 0; c < h.length; c++) {
      if (!Double.isFinite(h[c])) {
        throw new NonFiniteException(name, -1, c, h[c]);
      }
    }
  }

  private static void firstNonFinite(Sequence s, String name) {
    int n = s.size();
    int w = s.width();
    int off = s.offset();
    if (s.precision() == Precision.FLOAT32) {
      float[] v = s.floatArray();
      for (int i = 0; i < n; i++) {
        if (!Float.isFinite(v[off + i])) {
          throw new NonFiniteException(name, i / w, i % w, v[off + i]);
        }
      }
    } else {
      double[] v = s.doubleArray();
      for (int i = 0; i < n; i++) {
        if (!Double.isFinite(v[off + i])) {
          throw new NonFiniteException(name, i / w, i % w, v[off + i]);
        }
      }
    }
  }
}
