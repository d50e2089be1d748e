package dev.longscan.data;

import dev.longscan.LongscanException;

/** A malformed {@code .ts} file: the message names the source, line and column (1-based). */
public final class TsFormatException extends LongscanException {
  private static final long serialVersionUID = 1L;
  private final int line;
  private final int column;

  TsFormatException(String source, int line, int column, String message) {
    super(source + ":" + line + ":" + column + ": " + message);
    this.line = line;
    this.column = column;
  }

  /** The line (1-based). */
  public int line() {
    return line;
  }

  /** The column (1-based) where the offending text starts. */
  public int column() {
    return column;
  }
}
