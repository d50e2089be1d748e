package dev.longscan.spark;

import dev.longscan.ParameterException;
import java.time.Duration;
import java.util.List;

/** The bad-input table ({@link TransformBadInputs}) for {@code Scans.emaHalfLife}. */
class EmaHalfLifeBadInputTest extends TransformBadInputs {
  @Override
  ScanTransform scan() {
    return Scans.emaHalfLife("x", 2.0).key("key").orderBy("t");
  }

  @Override
  String[] inputs() {
    return new String[] {"x"};
  }

  @Override
  List<Case> own() {
    return List.of(
        new Case("half-life 0", () -> Scans.emaHalfLife("x", 0.0), ParameterException.class,
            true, "expected halfLife > 0 and finite, found 0.0"),
        new Case("negative duration", () -> Scans.emaHalfLife("x", Duration.ofSeconds(-1)),
            ParameterException.class, true, "expected a positive half-life duration, found PT-1S"),
        new Case("duration over plain numbers", scanOf(() -> input(null, null),
            () -> Scans.emaHalfLife("x", Duration.ofSeconds(5)).key("key").orderBy("t")),
            ParameterException.class, true, "expected a date or timestamp order column for a"
                + " half-life given as a Duration, found column 't' of plain numbers"),
        new Case("no order column", scanOf(() -> input(null, null),
            () -> Scans.emaHalfLife("x", 2.0).key("key").presorted()), ParameterException.class,
            true, "expected an order column (orderBy(...)) holding the time stamps for"
                + " emaHalfLife, found none"));
  }
}
