package dev.longscan;

/** A scalar parameter outside its valid range (alpha, half-life, chunk size, thread count ...). */
public class ParameterException extends LongscanException {
  private static final long serialVersionUID = 1L;

  public ParameterException(String message) {
    super(message);
  }
}
