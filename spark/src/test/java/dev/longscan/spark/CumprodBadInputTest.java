package dev.longscan.spark;

import dev.longscan.ParameterException;
import java.time.Duration;
import java.util.List;

/** The bad-input table ({@link TransformBadInputs}) for {@code Scans.cumprod}. */
class CumprodBadInputTest extends TransformBadInputs {
  @Override
  ScanTransform scan() {
    return Scans.cumprod("x").key("key").orderBy("t");
  }

  @Override
  String[] inputs() {
    return new String[] {"x"};
  }

  @Override
  List<Case> own() {
    return List.of(
        new Case("null nonFinite policy", () -> scan().nonFinite(null), ParameterException.class,
            true, "expected a nonFinite policy, found null"),
        new Case("empty output name", () -> scan().output(""), ParameterException.class, true,
            "expected an output column name, found ''"));
  }
}
