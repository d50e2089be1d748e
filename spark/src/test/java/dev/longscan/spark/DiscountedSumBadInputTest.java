package dev.longscan.spark;

import dev.longscan.ParameterException;
import java.time.Duration;
import java.util.List;

/** The bad-input table ({@link TransformBadInputs}) for {@code Scans.discountedSum}. */
class DiscountedSumBadInputTest extends TransformBadInputs {
  @Override
  ScanTransform scan() {
    return Scans.discountedSum("x", "g").key("key").orderBy("t");
  }

  @Override
  String[] inputs() {
    return new String[] {"x", "g"};
  }

  @Override
  List<Case> own() {
    return List.of(
        new Case("NaN gamma", () -> Scans.discountedSum("x", Double.NaN),
            ParameterException.class, true, "expected a finite gamma, found NaN"),
        new Case("reverse of a reverse scan", () -> scan().reverse(), ParameterException.class,
            true, "found discountedSum (which is already a reverse scan)"),
        new Case("gamma column of strings", scanOf(() -> input(null, null)
            .withColumn("g", org.apache.spark.sql.functions.lit("s")), () -> scan().presorted()),
            ParameterException.class, true, "expected a numeric coefficient column 'g'",
            "found type string"));
  }
}
