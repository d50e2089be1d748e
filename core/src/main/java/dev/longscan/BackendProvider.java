package dev.longscan;

/**
 * Service-provider interface for backends that live in other modules (the GPU backend). Found
 * with {@link java.util.ServiceLoader} at run time, so a CPU-only deployment needs no GPU jar.
 * Implementations list themselves in {@code META-INF/services/dev.longscan.BackendProvider}.
 */
public interface BackendProvider {

  /** The name used in {@link Backends#select}, e.g. "gpu". */
  String name();

  /** Null when at least one device is usable here; otherwise why not (no driver, no device …). */
  String unavailableReason();

  /** Number of usable devices (0 when unavailable). */
  int deviceCount();

  /**
   * The backend for device {@code ordinal} (0-based). Instances may be shared per device; callers
   * may close them, which providers may ignore for shared instances.
   *
   * @throws BackendUnavailableException when the device cannot be used
   */
  Backend open(int ordinal);
}
