package dev.longscan.spark;

import dev.longscan.LongscanException;

/**
 * A null where a scan needs a value: in a key, order, value or coefficient column (or an element
 * of a chunk's array). The message names the column, the key and the row's position; the
 * accessors return the same facts.
 */
public final class NullValueException extends LongscanException {
  private static final long serialVersionUID = 1L;
  private final String column;
  private final String key;
  private final long position;

  NullValueException(String message, String column, String key, long position) {
    super(message);
    this.column = column;
    this.key = key;
    this.position = position;
  }

  /** The column that holds the null. */
  public String column() {
    return column;
  }

  /** The key of the row, as written in the message ({@code sym='AAPL'}), or null if unknown. */
  public String key() {
    return key;
  }

  /**
   * The row's 0-based position within its key in (key, order) order, or, where the key is
   * unknown (a null key), within the whole input.
   */
  public long position() {
    return position;
  }
}
