package dev.longscan.examples;

import dev.longscan.Backend;
import dev.longscan.Backends;
import dev.longscan.LongscanException;
import dev.longscan.Precision;
import dev.longscan.nn.LayerKind;
import dev.longscan.tasks.Task;
import java.util.Locale;

/** The option values {@code train} and {@code evaluate} share, each checked with its name. */
final class ModelOptions {
  private ModelOptions() {}

  static Task task(String name) {
    try {
      return Task.named(name.trim().toLowerCase(Locale.ROOT));
    } catch (LongscanException e) {
      throw new UserError("--task: " + e.getMessage(), e);
    }
  }

  static LayerKind kind(String name) {
    LayerKind k;
    try {
      k = LayerKind.of(name);
    } catch (LongscanException e) {
      throw new UserError("--model: " + e.getMessage(), e);
    }
    if (k == LayerKind.DENSE) {
      throw new UserError("--model: expected a sequence layer kind (gilr, gilr-lstm, sru, qrnn,"
          + " lstm, gru), found 'dense', which has no recurrence");
    }
    return k;
  }

  static Precision precision(String s) {
    try {
      return ScanCommand.parsePrecision(s);
    } catch (LongscanException e) {
      throw new UserError(e.getMessage(), e);
    }
  }

  /** The model layers' scans run on the CPU, in parallel or step by step. */
  static void checkBackend(String s) {
    String b = s.trim().toLowerCase(Locale.ROOT);
    if (!b.equals("cpu") && !b.equals("sequential")) {
      throw new UserError("expected --backend cpu or sequential, found '" + s + "'");
    }
  }

  static Backend backend(String s) {
    checkBackend(s);
    return Backends.select(s.trim().toLowerCase(Locale.ROOT));
  }
}
