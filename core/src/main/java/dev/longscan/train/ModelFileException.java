package dev.longscan.train;

import dev.longscan.LongscanException;

/**
 * A model or checkpoint file that cannot be used: not such a file, another format version,
 * truncated, corrupted (checksum), or a configuration other than the one requested.
 */
public class ModelFileException extends LongscanException {
  private static final long serialVersionUID = 1L;

  public ModelFileException(String message) {
    super(message);
  }

  public ModelFileException(String message, Throwable cause) {
    super(message, cause);
  }
}
