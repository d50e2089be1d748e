package dev.longscan.spark;

import dev.longscan.ParameterException;
import java.time.Duration;
import java.util.List;

/** The bad-input table ({@link TransformBadInputs}) for {@code Scans.adjustedEma}. */
class AdjustedEmaBadInputTest extends TransformBadInputs {
  @Override
  ScanTransform scan() {
    return Scans.adjustedEma("x", 0.3).key("key").orderBy("t");
  }

  @Override
  String[] inputs() {
    return new String[] {"x"};
  }

  @Override
  List<Case> own() {
    return List.of(
        new Case("alpha above 1", () -> Scans.adjustedEma("x", 1.5), ParameterException.class,
            true, "expected alpha in (0, 1], found 1.5"),
        new Case("no order column, not presorted", scanOf(() -> input(null, null),
            () -> Scans.adjustedEma("x", 0.3).key("key")), ParameterException.class, true,
            "expected an order column (orderBy(...)) for adjustedEma, found none"));
  }
}
