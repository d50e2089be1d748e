package dev.longscan;

/** A backend was asked for explicitly but cannot run here (no driver, no device, not on the class path). */
public class BackendUnavailableException extends LongscanException {
  private static final long serialVersionUID = 1L;

  public BackendUnavailableException(String message) {
    super(message);
  }

  public BackendUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
