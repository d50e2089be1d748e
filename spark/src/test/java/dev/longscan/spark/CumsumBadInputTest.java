package dev.longscan.spark;

import dev.longscan.ParameterException;
import java.time.Duration;
import java.util.List;

/** The bad-input table ({@link TransformBadInputs}) for {@code Scans.cumsum}. */
class CumsumBadInputTest extends TransformBadInputs {
  @Override
  ScanTransform scan() {
    return Scans.cumsum("x").key("key").orderBy("t");
  }

  @Override
  String[] inputs() {
    return new String[] {"x"};
  }

  @Override
  List<Case> own() {
    return List.of(
        new Case("null key column name", () -> scan().key((String) null),
            ParameterException.class, true, "expected non-empty key column names, found [null]"),
        new Case("missing key column", scanOf(() -> input(null, null),
            () -> scan().key("sym")), ParameterException.class, true,
            "expected a key column 'sym' in the DataFrame, found only [key: string"),
        new Case("width of a long-format scan", () -> scan().width(2), ParameterException.class,
            true, "expected a chunked scan for width, found cumsum"));
  }
}
