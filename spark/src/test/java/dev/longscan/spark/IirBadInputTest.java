package dev.longscan.spark;

import dev.longscan.ParameterException;
import java.time.Duration;
import java.util.List;

/** The bad-input table ({@link TransformBadInputs}) for {@code Scans.iir}. */
class IirBadInputTest extends TransformBadInputs {
  @Override
  ScanTransform scan() {
    return Scans.iir("x", 0.5, 0.4).key("key").orderBy("t");
  }

  @Override
  String[] inputs() {
    return new String[] {"x"};
  }

  @Override
  List<Case> own() {
    return List.of(
        new Case("NaN c", () -> Scans.iir("x", Double.NaN, 0.4), ParameterException.class, true,
            "expected a finite c, found NaN"),
        new Case("infinite d", () -> Scans.iir("x", 0.5, Double.NEGATIVE_INFINITY),
            ParameterException.class, true, "expected a finite d, found -Infinity"));
  }
}
