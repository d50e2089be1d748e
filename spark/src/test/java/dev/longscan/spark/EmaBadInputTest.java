package dev.longscan.spark;

import dev.longscan.ParameterException;
import java.time.Duration;
import java.util.List;

/** The bad-input table ({@link TransformBadInputs}) for {@code Scans.ema}. */
class EmaBadInputTest extends TransformBadInputs {
  @Override
  ScanTransform scan() {
    return Scans.ema("x", 0.3).key("key").orderBy("t");
  }

  @Override
  String[] inputs() {
    return new String[] {"x"};
  }

  @Override
  List<Case> own() {
    return List.of(
        new Case("alpha 0", () -> Scans.ema("x", 0.0), ParameterException.class, true,
            "expected alpha in (0, 1], found 0.0"),
        new Case("alpha NaN", () -> Scans.ema("x", Double.NaN), ParameterException.class, true,
            "expected alpha in (0, 1], found NaN"),
        new Case("reverse", () -> scan().reverse(), ParameterException.class, true,
            "expected a scan that can run in reverse (affine, cumsum, cumprod, chunks), found ema"),
        new Case("initial state", () -> scan().initialState(1.0), ParameterException.class, true,
            "expected an affine or chunked scan for initialState, found ema"));
  }
}
