package dev.longscan;

import java.io.Serializable;

/**
 * How a scan runs: direction, initial state, segment starts and the non-finite policy. Immutable;
 * each {@code with…} returns a new instance. The defaults are a forward scan from h0 = 0, one
 * segment, NaN and infinities propagated.
 *
 * <p><b>Segments.</b> {@code segmentStarts[t]} marks step t (in time order, whatever the
 * direction) as the first step of a new series: in a forward scan h_t = a_t ⊙ h0 + b_t there,
 * ignoring h_{t-1} (and ignoring the carry passed to {@link Backend#apply} when t = 0). In a
 * reverse scan the series boundary is the same, so the last step of each series restarts from h0:
 * h_t = a_t ⊙ h0 + b_t where {@code segmentStarts[t+1]} is true. Every segment starts from the same
 * h0. Arrays are not copied; the caller must not change them during a call.
 */
public final class ScanOptions implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final ScanOptions DEFAULTS =
      new ScanOptions(Direction.FORWARD, null, null, 0, NonFinitePolicy.PROPAGATE);

  private final Direction direction;
  private final double[] initialState;
  private final boolean[] segmentStarts;
  private final int segmentOffset;
  private final NonFinitePolicy nonFinite;

  private ScanOptions(Direction direction, double[] initialState, boolean[] segmentStarts,
      int segmentOffset, NonFinitePolicy nonFinite) {
    this.direction = direction;
    this.initialState = initialState;
    this.segmentStarts = segmentStarts;
    this.segmentOffset = segmentOffset;
    this.nonFinite = nonFinite;
  }

  /** Forward, h0 = 0, one segment, non-finite values propagated. */
  public static ScanOptions defaults() {
    return DEFAULTS;
  }

  /** Same as {@code defaults().withDirection(Direction.REVERSE)}. */
  public static ScanOptions reverse() {
    return DEFAULTS.withDirection(Direction.REVERSE);
  }

  public ScanOptions withDirection(Direction d) {
    Checks.notNull(d, "direction");
    return new ScanOptions(d, initialState, segmentStarts, segmentOffset, nonFinite);
  }

  /** Initial state h0 (one value per channel), or null for zeros. Not copied. */
  public ScanOptions withInitialState(double[] h0) {
    return new ScanOptions(direction, h0, segmentStarts, segmentOffset, nonFinite);
  }

  /** Segment starts for steps 0.. (see the class comment), or null for one segment. Not copied. */
  public ScanOptions withSegmentStarts(boolean[] starts) {
    return withSegmentStarts(starts, 0);
  }

  /** Segment starts read from {@code starts[offset + t]} for step t. Not copied. */
  public ScanOptions withSegmentStarts(boolean[] starts, int offset) {
    if (starts != null && (offset < 0 || offset > starts.length)) {
      throw new ShapeException("expected segment offset in [0, " + starts.length + "], found "
          + offset);
    }
    return new ScanOptions(direction, initialState, starts, starts == null ? 0 : offset, nonFinite);
  }

  public ScanOptions withNonFinite(NonFinitePolicy policy) {
    Checks.notNull(policy, "nonFinite policy");
    return new ScanOptions(direction, initialState, segmentStarts, segmentOffset, policy);
  }

  public Direction direction() {
    return direction;
  }

  public boolean isReverse() {
    return direction == Direction.REVERSE;
  }

  /** h0, or null meaning zeros. */
  public double[] initialState() {
    return initialState;
  }

  /** h0 value for channel c (0 when no h0 was given). */
  public double initialState(int c) {
    return initialState == null ? 0.0 : initialState[c];
  }

  public boolean[] segmentStarts() {
    return segmentStarts;
  }

  public int segmentOffset() {
    return segmentOffset;
  }

  public boolean isSegmented() {
    return segmentStarts != null;
  }

  /** True when step t (time order) starts a segment. */
  public boolean isSegmentStart(int t) {
    return segmentStarts != null && segmentStarts[segmentOffset + t];
  }

  /**
   * True when step t restarts from h0 in this scan's direction, ignoring the carry: a segment
   * start for forward scans; for reverse scans the step just before one in time, that is when
   * {@code segmentStarts[offset + t + 1]} is true (read only where the array reaches that far, so
   * a chunk's caller can pass one more flag than it has steps to say that the next chunk starts a
   * new segment).
   */
  public boolean restartsAt(int t) {
    if (segmentStarts == null) {
      return false;
    }
    if (direction == Direction.FORWARD) {
      return segmentStarts[segmentOffset + t];
    }
    int i = segmentOffset + t + 1;
    return i < segmentStarts.length && segmentStarts[i];
  }

  public NonFinitePolicy nonFinite() {
    return nonFinite;
  }

  /** The same options for the view of steps starting at {@code from} (segment starts shifted). */
  public ScanOptions shifted(int from) {
    if (segmentStarts == null || from == 0) {
      return this;
    }
    return new ScanOptions(direction, initialState, segmentStarts, segmentOffset + from, nonFinite);
  }

  @Override
  public String toString() {
    return "ScanOptions[" + direction + (initialState != null ? ", h0" : "")
        + (segmentStarts != null ? ", segmented" : "") + ", " + nonFinite + "]";
  }
}
