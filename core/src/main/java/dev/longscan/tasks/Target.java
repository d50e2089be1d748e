package dev.longscan.tasks;

/** What a task's model is trained to output, and so the model's head and loss. */
public enum Target {
  /** A class per sequence, read after the last step: softmax cross-entropy, accuracy. */
  CLASS_LAST,
  /** A value vector per sequence, read after the last step: mean squared error. */
  VALUE_LAST,
  /** A value vector per step: mean squared error over all steps. */
  VALUE_EACH
}
