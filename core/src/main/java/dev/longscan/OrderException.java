package dev.longscan;

/** Time stamps (or other ordering values) that do not strictly increase where they must. */
public class OrderException extends LongscanException {
  private static final long serialVersionUID = 1L;
  private final long step;

  public OrderException(String message, long step) {
    super(message);
    this.step = step;
  }

  /** Step at which the order was broken (the later of the two values compared). */
  public long step() {
    return step;
  }
}
