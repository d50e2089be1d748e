package dev.longscan.train;

import dev.longscan.LongscanException;

/** Training cannot go on: a non-finite loss or gradient, naming the iteration. */
public class TrainingException extends LongscanException {
  private static final long serialVersionUID = 1L;

  public TrainingException(String message) {
    super(message);
  }
}
