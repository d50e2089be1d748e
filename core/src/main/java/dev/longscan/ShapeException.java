package dev.longscan;

/** A null array, a length or width that does not match, or a range outside a buffer. */
public class ShapeException extends LongscanException {
  private static final long serialVersionUID = 1L;

  public ShapeException(String message) {
    super(message);
  }
}
