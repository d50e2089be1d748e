package dev.longscan;

/**
 * Direction of a scan. {@code FORWARD}: h_t = a_t ⊙ h_{t-1} + b_t, starting from h0 before step 0.
 * {@code REVERSE}: h_t = a_t ⊙ h_{t+1} + b_t, starting from h0 after the last step (discounted
 * returns, backward passes).
 */
public enum Direction {
  FORWARD,
  REVERSE
}
