package dev.longscan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every rule at the public boundary: the exception type, and a message that says what and where. */
class ValidationTest {
  private final Backend be = Backends.cpu();
  private final Sequence a = Sequence.allocate(Precision.FLOAT32, 10, 2);
  private final Sequence b = Sequence.allocate(Precision.FLOAT32, 10, 2);
  private final ScanOptions o = ScanOptions.defaults();

  private static <T extends Throwable> void fails(Class<T> type, Executable call,
      String... fragments) {
    T e = assertThrows(type, call);
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' lacks '" + f + "'");
    }
  }

  @Test
  void shapesAndPrecisions() {
    fails(ShapeException.class, () -> be.scan(a, Sequence.allocate(Precision.FLOAT32, 9, 2), o,
        a.allocateLike()), "b of shape 10 steps × 2 channels", "found 9 × 2");
    fails(ShapeException.class, () -> be.scan(a, b, o, Sequence.allocate(Precision.FLOAT32, 10, 3)),
        "out of shape 10 steps × 2", "found 10 × 3");
    fails(ShapeException.class, () -> be.scan(a, Sequence.allocate(Precision.FLOAT64, 10, 2), o,
        a.allocateLike()), "b in FLOAT32", "found FLOAT64");
    fails(ShapeException.class, () -> be.scan(a, null, o, a.allocateLike()), "non-null b");
    fails(ShapeException.class, () -> be.scan(a, b, null, a.allocateLike()), "non-null options");
    // every operation that writes an output names a missing one
    fails(ShapeException.class, () -> be.scan(a, b, o, null), "non-null out");
    fails(ShapeException.class, () -> be.apply(a, b, new double[2], o, null), "non-null out");
    fails(ShapeException.class, () -> be.guess(a, b, o, null), "non-null out");
    fails(ShapeException.class, () -> be.settle(a, b, new double[2], o, null), "non-null out");
  }

  @Test
  void overlappingOutputs() {
    float[] shared = new float[40];
    Sequence x = Sequence.of(shared, 2).slice(0, 10);
    Sequence y = Sequence.of(shared, 2).slice(5, 15);
    fails(ShapeException.class, () -> be.scan(x, b, o, y), "out not to share memory with a");
    Sequence ga = Sequence.of(shared, 2).slice(0, 10);
    fails(ShapeException.class, () -> be.backward(a, a.allocateLike(), a.allocateLike(), o, ga,
        Sequence.of(shared, 2).slice(9, 19), null), "gradA not to share memory with gradB");
  }

  @Test
  void statesAndFlags() {
    fails(ShapeException.class, () -> be.scan(a, b, o.withInitialState(new double[3]),
        a.allocateLike()), "h0 of width 2", "found length 3");
    fails(ShapeException.class, () -> be.apply(a, b, new double[5], o, a.allocateLike()),
        "carry of width 2", "found length 5");
    fails(ShapeException.class, () -> be.apply(a, b, null, o, a.allocateLike()), "non-null carry");
    fails(ShapeException.class, () -> be.scan(a, b, o.withSegmentStarts(new boolean[12], 4),
        a.allocateLike()), "at least 10 segment flags from offset 4", "found 8");
    fails(ShapeException.class, () -> o.withSegmentStarts(new boolean[3], 4),
        "segment offset in [0, 3]", "found 4");
    fails(ShapeException.class, () -> be.backward(a, a.allocateLike(), a.allocateLike(), o,
        a.allocateLike(), a.allocateLike(), new double[1]), "gradH0 of width 2", "found length 1");
  }

  @Test
  void nonFiniteStatesUnderRejectNameTheChannel() {
    ScanOptions strict = o.withNonFinite(NonFinitePolicy.REJECT);
    NonFiniteException e = assertThrows(NonFiniteException.class,
        () -> be.scan(a, b, strict.withInitialState(new double[] {0, Double.NaN}),
            a.allocateLike()));
    assertEquals("h0", e.input());
    assertEquals(1, e.channel());
    e = assertThrows(NonFiniteException.class, () -> be.apply(a, b,
        new double[] {Double.NEGATIVE_INFINITY, 0}, strict, a.allocateLike()));
    assertEquals("carry", e.input());
    assertEquals(0, e.channel());
    Sequence g = a.allocateLike();
    g.set(7, 1, Double.NaN);
    e = assertThrows(NonFiniteException.class, () -> be.backward(a, a.allocateLike(), g, strict,
        a.allocateLike(), a.allocateLike(), null));
    assertEquals("gradH", e.input());
    assertEquals(7, e.step());
    assertTrue(e.getMessage().contains("step 7, channel 1"), e.getMessage());
  }

  @Test
  void summariesAndCarries() {
    fails(ShapeException.class, () -> Summary.of(new double[2], new double[3], false),
        "a.length=2", "b.length=3");
    fails(ShapeException.class, () -> Summary.identity(2).apply(new double[3]),
        "state of width 2", "found 3");
    fails(ShapeException.class, () -> Affine.exclusiveScan(java.util.List.of(), new double[2], 3),
        "h0 of width 3", "found 2");
  }
}
