package dev.longscan.spark;

import dev.longscan.Backend;
import dev.longscan.BackendUnavailableException;
import dev.longscan.Backends;
import dev.longscan.LongscanException;
import dev.longscan.ParameterException;
import java.io.Serializable;
import java.lang.System.Logger.Level;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/**
 * Which backend a task runs its chunk arithmetic on, decided in the task from the setting
 * {@code spark.longscan.backend} and the GPU address Spark assigned to the task.
 *
 * <ul>
 *   <li>{@code cpu}: core's single-thread backend, {@code Backends.singleThread()} (Spark already
 *   runs one task per core).</li>
 *   <li>{@code gpu}: the GPU backend (found through {@link java.util.ServiceLoader}, never a
 *       compile-time dependency) on the device Spark assigned to the task
 *       ({@code TaskContext.resources().get("gpu")}, first address); without an assignment (local
 *       mode, which schedules no resources, or a cluster without
 *       {@code spark.task.resource.gpu.amount}) on device {@code partition % deviceCount}. Fails
 *       the task when no GPU backend is usable.</li>
 *   <li>{@code gpu:N}: the GPU backend on device N, always.</li>
 *   <li>{@code auto} (default): the GPU when the task was assigned one, or in local mode when the
 *       machine has one; otherwise the CPU. Also the CPU, logged once per JVM, when the GPU
 *       backend fails to open.</li>
 * </ul>
 * A GPU address is the device index the discovery script reported; when
 * {@code CUDA_VISIBLE_DEVICES} is set in the executor's environment the address is looked up in
 * it, so that index k of that list is CUDA device k.
 */
final class ExecutorBackends implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final System.Logger LOG = System.getLogger(ExecutorBackends.class.getName());
  private static final Map<String, Backend> OPEN = new ConcurrentHashMap<>();
  private static final Map<String, Boolean> LOGGED = new ConcurrentHashMap<>();

  /** The normalised setting: auto, cpu, gpu or gpu:N. */
  final String setting;
  /** The provider name of the GPU backend ("gpu"; tests substitute a fake one). */
  final String gpuBackend;
  /** The resource name Spark schedules GPUs under ("gpu"). */
  final String resource;
  /** True when the application runs in local mode (one JVM, no resource scheduling). */
  final boolean localMode;

  ExecutorBackends(String setting, String gpuBackend, String resource, boolean localMode) {
    this.setting = normalise(setting);
    this.gpuBackend = gpuBackend;
    this.resource = resource;
    this.localMode = localMode;
  }

  static String normalise(String setting) {
    String s = setting == null ? "auto" : setting.trim().toLowerCase(Locale.ROOT);
    if (s.equals("auto") || s.equals("cpu") || s.equals("gpu") || s.matches("gpu:\\d+")) {
      return s;
    }
    throw new ParameterException("expected " + LongscanConf.BACKEND + " to be auto, cpu, gpu or"
        + " gpu:N, found '" + setting + "'");
  }

  /**
   * Where the tasks run in this JVM (local mode) and the setting demands a GPU ({@code gpu},
   * {@code gpu:N}): opens the backend the first task would use, once, on the driver before any
   * job, so that a missing or unusable GPU fails the scan with its cause rather than every task
   * three times: a {@link BackendUnavailableException} says what was asked for and why it cannot
   * be had (the underlying error as its cause). Elsewhere the executors decide, as their GPUs are
   * not the driver's.
   */
  void checkOnDriver() {
    if (!localMode || !setting.startsWith("gpu")) {
      return;
    }
    try {
      open(choose(0, null));
    } catch (LongscanException | LinkageError e) {
      if (e instanceof BackendUnavailableException
          && e.getMessage().startsWith(LongscanConf.BACKEND + "=")) {
        throw e; // already says what was asked for and why not
      }
      throw new BackendUnavailableException(LongscanConf.BACKEND + "=" + setting + " but the GPU"
          + " backend cannot be opened: " + e.getMessage(), e);
    }
  }

  /**
   * {@link #forTask} for phase 1: a backend the setting demands but the executor cannot open (a
   * {@link BackendUnavailableException}) is recorded in the report, and null returned, so that
   * the scan fails once, on the driver, with the reason ({@link Failures#check}), instead of
   * failing every task and its retries.
   */
  Backend forPhaseOne(int partition, PartitionReport rep) {
    try {
      Backend b = forTask(partition);
      rep.backend = b.describe();
      return b;
    } catch (BackendUnavailableException e) {
      rep.backendError = e.getMessage();
      return null;
    }
  }

  /** The backend for the running task (the CPU when called outside a task). */
  Backend forTask(int partition) {
    TaskContext tc = TaskContext.get();
    String address = null;
    if (tc != null) {
      ResourceInformation info = tc.resourcesJMap().get(resource);
      if (info != null && info.addresses().length > 0) {
        address = info.addresses()[0];
      }
    }
    String choice = choose(partition, address);
    return open(choice);
  }

  /**
   * The backend name for a task: "cpu", or the GPU backend's name with a device ordinal. Pure,
   * so that the rules above are unit-tested without a device.
   */
  String choose(int partition, String assignedAddress) {
    if (setting.equals("cpu")) {
      return "cpu";
    }
    if (setting.startsWith("gpu:")) {
      return gpuBackend + setting.substring(3);
    }
    boolean gpuRequired = setting.equals("gpu");
    String why = gpuUnavailable();
    if (why != null) {
      if (gpuRequired) {
        throw new BackendUnavailableException(LongscanConf.BACKEND + "=gpu but " + why);
      }
      logOnce("cpu:" + why, "longscan: tasks use the CPU backend (" + why + ")");
      return "cpu";
    }
    if (assignedAddress != null) {
      return gpuBackend + ":" + cudaOrdinal(assignedAddress, System.getenv("CUDA_VISIBLE_DEVICES"));
    }
    if (gpuRequired || localMode) {
      int n = deviceCount();
      return gpuBackend + ":" + Math.floorMod(partition, n);
    }
    logOnce("cpu:unassigned", "longscan: tasks use the CPU backend (no '" + resource
        + "' resource assigned to the task; set spark.executor.resource.gpu.amount and"
        + " spark.task.resource.gpu.amount, or " + LongscanConf.BACKEND + "=gpu)");
    return "cpu";
  }

  /** The CUDA ordinal for a scheduler address, given CUDA_VISIBLE_DEVICES (may be null). */
  static int cudaOrdinal(String address, String visible) {
    String a = address.trim();
    if (visible != null && !visible.isBlank()) {
      String[] ids = visible.split(",");
      for (int i = 0; i < ids.length; i++) {
        if (ids[i].trim().equals(a)) {
          return i;
        }
      }
    }
    try {
      return Integer.parseInt(a);
    } catch (NumberFormatException e) {
      throw new ParameterException("expected a GPU address that is a device index (as the"
          + " discovery script reports it), found '" + address + "'"
          + (visible != null ? " (CUDA_VISIBLE_DEVICES=" + visible + ")" : ""));
    }
  }

  /** Why the GPU backend cannot be used here, or null when it can. */
  private String gpuUnavailable() {
    try {
      dev.longscan.BackendProvider p = provider();
      if (p == null) {
        return "no GPU backend ('" + gpuBackend + "') on the class path";
      }
      String why = p.unavailableReason();
      return why == null && p.deviceCount() < 1 ? "the GPU backend sees no device" : why;
    } catch (LongscanException | LinkageError | java.util.ServiceConfigurationError e) {
      return "the GPU backend failed to load: " + e;
    }
  }

  /** The provider named {@link #gpuBackend}, or null. */
  private dev.longscan.BackendProvider provider() {
    for (dev.longscan.BackendProvider p : java.util.ServiceLoader.load(
        dev.longscan.BackendProvider.class, loader())) {
      if (p.name().equalsIgnoreCase(gpuBackend)) {
        return p;
      }
    }
    return null;
  }

  private int deviceCount() {
    dev.longscan.BackendProvider p = provider();
    int n = p == null ? 0 : p.deviceCount();
    if (n < 1) {
      throw new BackendUnavailableException("the GPU backend sees no device");
    }
    return n;
  }

  private static ClassLoader loader() {
    ClassLoader cl = Thread.currentThread().getContextClassLoader();
    return cl != null ? cl : ExecutorBackends.class.getClassLoader();
  }

  private Backend open(String choice) {
    if (choice.equals("cpu")) {
      return Backends.singleThread();
    }
    Backend b = OPEN.get(choice);
    if (b != null) {
      return b;
    }
    try {
      b = OPEN.computeIfAbsent(choice, Backends::select);
      logOnce("open:" + choice, "longscan: tasks use " + b.describe());
      return b;
    } catch (LongscanException | LinkageError e) {
      if (setting.equals("auto")) {
        logOnce("fail:" + choice, "longscan: the GPU backend '" + choice + "' failed to open ("
            + e + "); tasks use the CPU backend");
        return Backends.singleThread();
      }
      throw e;
    }
  }

  private static void logOnce(String key, String message) {
    if (LOGGED.putIfAbsent(key, Boolean.TRUE) == null) {
      LOG.log(Level.INFO, message);
    }
  }
}
