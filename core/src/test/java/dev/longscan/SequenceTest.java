package dev.longscan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SequenceTest {
  @Test
  void slicesAreViewsWithoutCopies() {
    double[] data = new double[30];
    Sequence s = Sequence.of(data, 3);
    assertEquals(10, s.steps());
    Sequence v = s.slice(2, 5);
    assertSame(data, v.doubleArray());
    assertEquals(6, v.offset());
    v.set(1, 2, 9.0);
    assertEquals(9.0, data[3 * 3 + 2]);
    assertEquals(9.0, s.get(3, 2));
    assertTrue(v.overlaps(s));
    assertFalse(s.slice(0, 2).overlaps(s.slice(2, 4)));
    assertEquals(0, s.slice(4, 4).steps());
  }

  @Test
  void copiesConvertBetweenPrecisions() {
    Sequence f = Sequence.of(new float[] {1.5f, -2f, 3.25f, 4f}, 2);
    Sequence d = Sequence.allocate(Precision.FLOAT64, 2, 2);
    f.copyTo(d);
    assertArrayEquals(new double[] {1.5, -2, 3.25, 4}, d.toDoubleArray());
    assertArrayEquals(new float[] {1.5f, -2f, 3.25f, 4f}, d.toFloatArray());
  }

  @Test
  void badShapesNameWhatWasExpected() {
    ShapeException e = assertThrows(ShapeException.class, () -> Sequence.of(new double[7], 2));
    assertTrue(e.getMessage().contains("multiple of width 2") && e.getMessage().contains("7"),
        e.getMessage());
    e = assertThrows(ShapeException.class, () -> Sequence.of(new float[4], 0));
    assertTrue(e.getMessage().contains("width >= 1"), e.getMessage());
    e = assertThrows(ShapeException.class, () -> Sequence.of((double[]) null));
    assertTrue(e.getMessage().contains("null"), e.getMessage());
    Sequence s = Sequence.allocate(Precision.FLOAT32, 5, 2);
    e = assertThrows(ShapeException.class, () -> s.slice(3, 6));
    assertTrue(e.getMessage().contains("to=6"), e.getMessage());
    e = assertThrows(ShapeException.class, () -> s.get(5, 0));
    assertTrue(e.getMessage().contains("step 5"), e.getMessage());
    e = assertThrows(ShapeException.class, s::doubleArray);
    assertTrue(e.getMessage().contains("FLOAT64"), e.getMessage());
    e = assertThrows(ShapeException.class,
        () -> Sequence.allocate(Precision.FLOAT64, Integer.MAX_VALUE, 2));
    assertTrue(e.getMessage().contains("split the series"), e.getMessage());
  }
}
