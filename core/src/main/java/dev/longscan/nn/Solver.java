package dev.longscan.nn;

import dev.longscan.ParameterException;
import dev.longscan.deer.Deer;

/**
 * How a GRU layer evaluates its recurrence: step by step ({@link #SEQUENTIAL}, the {@code gru}
 * layer), or for all steps at once by Newton iterations ({@link #DEER}, full Jacobians on the
 * dense scan; {@link #QUASI}, their diagonals on the elementwise scan) with the default tolerance
 * of the precision and at most {@value Deer#DEFAULT_MAX_ITERATIONS} iterations; see
 * {@link dev.longscan.deer.Deer}. {@link #id()} is the name on the command line and in model
 * files.
 */
public enum Solver {
  SEQUENTIAL("sequential"),
  DEER("deer"),
  QUASI("quasi");

  private final String id;

  Solver(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  /** The solver named {@code id} (case-insensitive). */
  public static Solver of(String id) {
    for (Solver s : values()) {
      if (id != null && s.id.equalsIgnoreCase(id.trim())) {
        return s;
      }
    }
    throw new ParameterException("expected a solver among sequential, deer, quasi, found '" + id
        + "'");
  }

  Deer deer() {
    return this == QUASI ? Deer.quasi() : this == DEER ? Deer.newton() : Deer.sequential();
  }

  @Override
  public String toString() {
    return id;
  }
}
