package dev.longscan;

/**
 * Root of every exception longscan throws on purpose. Each message says what was expected, what
 * was found, and where (argument name, step, channel, key, partition).
 */
public class LongscanException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LongscanException(String message) {
    super(message);
  }

  public LongscanException(String message, Throwable cause) {
    super(message, cause);
  }
}
