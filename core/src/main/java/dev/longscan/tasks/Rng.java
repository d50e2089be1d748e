package dev.longscan.tasks;

/**
 * A seeded SplitMix64 generator (G. Steele, D. Lea, C. Flood, "Fast splittable pseudorandom
 * number generators", OOPSLA 2014) whose whole state is one long, so a training checkpoint can
 * save it and a resumed run draw the same minibatches. Not thread-safe.
 */
public final class Rng {
  private static final long GAMMA = 0x9E3779B97F4A7C15L;
  private long state;

  private Rng(long state) {
    this.state = state;
  }

  /** A generator seeded with {@code seed}. */
  public static Rng seeded(long seed) {
    return new Rng(mix(seed));
  }

  /** A generator continuing from {@link #state()}. */
  public static Rng fromState(long state) {
    return new Rng(state);
  }

  /** The state; {@link #fromState} continues the same stream. */
  public long state() {
    return state;
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  public long nextLong() {
    state += GAMMA;
    return mix(state);
  }

  /** Uniform in [0, 1). */
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Uniform in [0, bound). */
  public int nextInt(int bound) {
    if (bound < 1) {
      throw new IllegalArgumentException("expected bound >= 1, found " + bound);
    }
    return (int) ((nextLong() >>> 33) % bound);
  }

  public boolean nextBoolean() {
    return nextLong() < 0;
  }
}
