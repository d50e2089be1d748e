package dev.longscan;

/**
 * What a scan does with NaN and infinite inputs.
 *
 * <p>{@code PROPAGATE} (the default) computes as IEEE arithmetic does: a NaN in a_t or b_t makes
 * h_t NaN and, through the recurrence, every later h of that channel (until a segment start). No
 * input is scanned for them, so this costs nothing. {@code REJECT} checks every input before
 * anything is written and throws {@link NonFiniteException} naming the input, step and channel of
 * the first offending value; the output buffer is left untouched.
 */
public enum NonFinitePolicy {
  PROPAGATE,
  REJECT
}
