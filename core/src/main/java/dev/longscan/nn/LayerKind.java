package dev.longscan.nn;

import dev.longscan.ParameterException;
import java.util.Locale;

/** The layer types; {@link #id()} is the name on the command line and in model files. */
public enum LayerKind {
  /** y = x W + b. */
  DENSE("dense"),
  /** Gated impulse linear recurrence (Martin &amp; Cundy §3.1). */
  GILR("gilr"),
  /** An LSTM whose gates read a GILR surrogate of the previous output (Martin &amp; Cundy §3.2). */
  GILR_LSTM("gilr-lstm"),
  /** Simple recurrent unit (Lei et al. 2017). */
  SRU("sru"),
  /** Quasi-recurrent network with fo-pooling (Bradbury et al. 2017). */
  QRNN("qrnn"),
  /** The plain LSTM, evaluated step by step (baseline). */
  LSTM("lstm"),
  /** The plain GRU, evaluated step by step (baseline). */
  GRU("gru");

  private final String id;

  LayerKind(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  /** The kind named {@code id} (case-insensitive). */
  public static LayerKind of(String id) {
    for (LayerKind k : values()) {
      if (k.id.equalsIgnoreCase(id.trim())) {
        return k;
      }
    }
    StringBuilder names = new StringBuilder();
    for (LayerKind k : values()) {
      names.append(names.length() == 0 ? "" : ", ").append(k.id);
    }
    throw new ParameterException("expected a layer kind among " + names + ", found '" + id + "'");
  }

  @Override
  public String toString() {
    return id.toLowerCase(Locale.ROOT);
  }
}
