package dev.longscan;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicBoolean;

/** Factories for backends and selection by name ("auto", "cpu", "gpu", "gpu:1", …). */
public final class Backends {
  private static final System.Logger LOG = System.getLogger(Backends.class.getName());
  private static final AtomicBoolean AUTO_LOGGED = new AtomicBoolean();
  private static volatile Backend sharedCpu;

  private Backends() {}

  /** The shared parallel CPU backend, one thread per available processor. Closing it is a no-op. */
  public static Backend cpu() {
    Backend b = sharedCpu;
    if (b == null) {
      synchronized (Backends.class) {
        if (sharedCpu == null) {
          sharedCpu = new CpuBackend(Runtime.getRuntime().availableProcessors(),
              CpuBackend.DEFAULT_CHUNK_ELEMENTS, true);
        }
        b = sharedCpu;
      }
    }
    return b;
  }

  /** A new parallel CPU backend with its own {@code threads} threads; close it when done. */
  public static Backend cpu(int threads) {
    return cpu(threads, CpuBackend.DEFAULT_CHUNK_ELEMENTS);
  }

  /**
   * A new parallel CPU backend; {@code chunkElements} is the target number of values per chunk
   * (chunks hold whole steps). Results depend on the chunking, never on the thread count.
   */
  public static Backend cpu(int threads, int chunkElements) {
    if (threads < 1) {
      throw new ParameterException("expected threads >= 1, found " + threads);
    }
    if (chunkElements < 1) {
      throw new ParameterException("expected chunkElements >= 1, found " + chunkElements);
    }
    return new CpuBackend(threads, chunkElements, false);
  }

  /**
   * The shared dense scan on every available processor: h_t = J_t h_{t-1} + b_t with n×n matrices
   * J_t ({@link DenseScan#cpu()}).
   */
  public static DenseScan dense() {
    return DenseScan.cpu();
  }

  /** One thread, one pass, arithmetic in the data's precision. */
  public static Backend sequential() {
    return SequentialBackend.INSTANCE;
  }

  /**
   * One thread, the fastest kernels for each shape (the parallel backend's on one thread for one
   * channel or wide inputs without segments, else the sequential loop): for callers that already
   * run one call per core, such as Spark tasks. Results of one channel differ from the sequential
   * backend's in rounding (chunked carries), within the parity suite's tolerances.
   */
  public static Backend singleThread() {
    return SingleThreadBackend.INSTANCE;
  }

  /** One thread, one pass, float64 arithmetic whatever the data's precision: the test oracle. */
  public static Backend reference() {
    return ReferenceBackend.INSTANCE;
  }

  /**
   * A backend by name: {@code cpu}, {@code sequential}, {@code reference}, a provider's name
   * ({@code gpu}), a provider's name with a device ordinal ({@code gpu:1}), or {@code auto} (the
   * first usable provider's device 0, else {@code cpu}; the reason is logged once).
   *
   * @throws BackendUnavailableException when an explicitly named backend cannot run here
   * @throws ParameterException for an unknown name
   */
  public static Backend select(String spec) {
    Checks.notNull(spec, "backend name");
    String s = spec.trim().toLowerCase(Locale.ROOT);
    switch (s) {
      case "cpu":
        return cpu();
      case "sequential":
        return sequential();
      case "reference":
        return reference();
      case "auto":
        return auto();
      default:
        break;
    }
    String name = s;
    int ordinal = 0;
    int colon = s.indexOf(':');
    if (colon >= 0) {
      name = s.substring(0, colon);
      try {
        ordinal = Integer.parseInt(s.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new ParameterException("expected a device ordinal after ':' in backend '" + spec
            + "', found '" + s.substring(colon + 1) + "'");
      }
    }
    for (BackendProvider p : providers()) {
      if (p.name().equalsIgnoreCase(name)) {
        String why = p.unavailableReason();
        if (why != null) {
          throw new BackendUnavailableException("backend '" + spec + "' is not usable here: " + why);
        }
        if (ordinal < 0 || ordinal >= p.deviceCount()) {
          throw new BackendUnavailableException("expected a device ordinal in [0, "
              + p.deviceCount() + ") for backend '" + name + "', found " + ordinal);
        }
        return p.open(ordinal);
      }
    }
    if (name.equals("gpu")) {
      throw new BackendUnavailableException("backend 'gpu' is not on the class path: add "
          + "dev.longscan:longscan-gpu (and its JCuda natives) to use it");
    }
    throw new ParameterException("expected a backend name among " + names() + ", found '" + spec
        + "'");
  }

  private static Backend auto() {
    StringBuilder why = new StringBuilder();
    for (BackendProvider p : providers()) {
      String reason;
      try {
        reason = p.unavailableReason();
        if (reason == null && p.deviceCount() > 0) {
          Backend b = p.open(0);
          if (AUTO_LOGGED.compareAndSet(false, true)) {
            LOG.log(Level.INFO, "longscan backend auto: using " + b.describe());
          }
          return b;
        }
      } catch (LongscanException | LinkageError e) {
        reason = e.getMessage();
      }
      why.append(p.name()).append(": ").append(reason).append("; ");
    }
    if (AUTO_LOGGED.compareAndSet(false, true)) {
      LOG.log(Level.INFO, "longscan backend auto: using the CPU ("
          + (why.length() == 0 ? "no GPU backend on the class path" : why.toString().trim())
          + ")");
    }
    return cpu();
  }

  /** The names {@link #select} accepts here. */
  public static List<String> names() {
    List<String> names = new ArrayList<>(List.of("auto", "cpu", "sequential", "reference"));
    for (BackendProvider p : providers()) {
      names.add(p.name());
    }
    return names;
  }

  static List<BackendProvider> providers() {
    List<BackendProvider> list = new ArrayList<>();
    ClassLoader cl = Thread.currentThread().getContextClassLoader();
    for (BackendProvider p : ServiceLoader.load(BackendProvider.class,
        cl != null ? cl : Backends.class.getClassLoader())) {
      list.add(p);
    }
    return list;
  }
}
