package dev.longscan;

/**
 * A NaN or infinite value in an input, raised only under {@link NonFinitePolicy#REJECT}. Carries
 * the input's name and the step and channel of the first offending value.
 */
public class NonFiniteException extends LongscanException {
  private static final long serialVersionUID = 1L;
  private final String input;
  private final long step;
  private final int channel;

  public NonFiniteException(String input, long step, int channel, double value) {
    super("expected finite values in '" + input + "', found " + value + " at step " + step
        + (channel >= 0 ? ", channel " + channel : ""));
    this.input = input;
    this.step = step;
    this.channel = channel;
  }

  public NonFiniteException(String message, String input, long step, int channel) {
    super(message);
    this.input = input;
    this.step = step;
    this.channel = channel;
  }

  /** Name of the input that held the value. */
  public String input() {
    return input;
  }

  /** Step (time index) of the first non-finite value. */
  public long step() {
    return step;
  }

  /** Channel of the first non-finite value, or -1 where channels do not apply. */
  public int channel() {
    return channel;
  }
}
