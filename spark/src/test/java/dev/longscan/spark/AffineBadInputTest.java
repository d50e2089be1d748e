package dev.longscan.spark;

import dev.longscan.ParameterException;
import java.time.Duration;
import java.util.List;

/** The bad-input table ({@link TransformBadInputs}) for {@code Scans.affine}. */
class AffineBadInputTest extends TransformBadInputs {
  @Override
  ScanTransform scan() {
    return Scans.affine("a", "b").key("key").orderBy("t");
  }

  @Override
  String[] inputs() {
    return new String[] {"a", "b"};
  }

  @Override
  List<Case> own() {
    return List.of(
        new Case("initial state of two values", scanOf(() -> input(null, null),
            () -> scan().initialState(1.0, 2.0)), ParameterException.class, true,
            "expected an initial state of 1 value for affine", "found 2 values [1.0, 2.0]"),
        new Case("non-finite initial state", () -> scan().initialState(Double.NaN),
            ParameterException.class, true, "expected a finite initial state, found NaN at channel 0"),
        new Case("empty column name", () -> Scans.affine("", "b"), ParameterException.class, true,
            "expected non-empty column names, found ''"),
        new Case("coefficient column missing", scanOf(() -> input(null, null).drop("b"),
            () -> scan().presorted()), ParameterException.class, true,
            "expected a coefficient column 'b' in the DataFrame"));
  }
}
