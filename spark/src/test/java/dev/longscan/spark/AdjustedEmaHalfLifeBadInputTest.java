package dev.longscan.spark;

import dev.longscan.ParameterException;
import java.time.Duration;
import java.util.List;

/** The bad-input table ({@link TransformBadInputs}) for {@code Scans.adjustedEmaHalfLife}. */
class AdjustedEmaHalfLifeBadInputTest extends TransformBadInputs {
  @Override
  ScanTransform scan() {
    return Scans.adjustedEmaHalfLife("x", 2.0).key("key").orderBy("t");
  }

  @Override
  String[] inputs() {
    return new String[] {"x"};
  }

  @Override
  List<Case> own() {
    return List.of(
        new Case("infinite half-life", () -> Scans.adjustedEmaHalfLife("x",
            Double.POSITIVE_INFINITY), ParameterException.class, true,
            "expected halfLife > 0 and finite, found Infinity"),
        new Case("null duration", () -> Scans.adjustedEmaHalfLife("x", (Duration) null),
            ParameterException.class, true, "expected a positive half-life duration, found null"));
  }
}
