package dev.longscan.spark;

import dev.longscan.ParameterException;
import java.util.function.Function;

/**
 * The {@code spark.longscan.*} configuration keys, read from the session's runtime
 * configuration when a scan starts (so {@code spark.conf().set(...)} between scans works) or, for
 * the RDD entry points, from the {@code SparkConf}. Each key's default is in its constant's
 * comment and in docs/spark.md.
 */
public final class LongscanConf {
  private LongscanConf() {}

  /**
   * {@value}: where tasks run their chunk arithmetic: {@code auto} (default: the GPU assigned to
   * the task, or in local mode the machine's GPU, when the GPU backend is on the class path and
   * usable; otherwise the CPU), {@code cpu}, {@code gpu} (fail when no GPU backend is usable) or
   * {@code gpu:N} (device N).
   */
  public static final String BACKEND = "spark.longscan.backend";

  /**
   * {@value}: long format only: rows per block handed to the backend (default 65536). Phase 3
   * keeps one block of rows per task in memory; a GPU wants large blocks (2^20 and more), the
   * CPU is as fast with small ones. Blocks never cross partitions.
   */
  public static final String CHUNK_SIZE = "spark.longscan.chunkSize";

  /**
   * {@value}: keep block summaries and carries in float64 on their way through the driver
   * (default {@code true}). {@code false} rounds them to float32, which only helps to reproduce a
   * float32 single-machine run more closely; results are otherwise less accurate.
   */
  public static final String FP64_CARRIES = "spark.longscan.fp64Carries";

  /**
   * {@value}: chunks through the RDD entry point ({@link Scans#scanChunks}): phase 1 scans each
   * chunk from a zero state on backends that can correct such a guess later (the CPU) and keeps
   * those states and a copy of each chunk's first steps, persisted {@code MEMORY_AND_DISK} until
   * the result RDD is garbage collected on the driver; phase 3 then corrects only the steps the
   * carry still reaches, reading the input only for chunks where those are more than the kept
   * steps, so contractive chunks are read once (default {@code true}). {@code false}: phase 1
   * only summarises and phase 3 rescans every chunk from its carry, caching nothing (the input
   * is read twice).
   */
  public static final String KEEP_STATES = "spark.longscan.keepStates";

  /**
   * {@value}: long format, forward scans of {@code presorted()} input on the CPU (backend
   * {@code auto} or {@code cpu}): phase 3 runs as an expression inside Spark's generated code,
   * one row at a time from each partition's carry, instead of through an RDD of rows and the
   * backend's blocks (default {@code true}; measured in docs/benchmarks.md). {@code false}: the
   * block path, as for every other scan.
   */
  public static final String INLINE_PHASE3 = "spark.longscan.inlinePhase3";

  /** {@value}: the Spark resource name tasks take their GPU address from (default "gpu"). */
  public static final String GPU_RESOURCE = "spark.longscan.gpu.resource";

  /**
   * {@value}: the name of the GPU backend provider to look up with ServiceLoader (default
   * "gpu"; the tests use a stand-in).
   */
  public static final String GPU_BACKEND = "spark.longscan.gpu.backend";

  static final String DEFAULT_BACKEND = "auto";
  static final int DEFAULT_CHUNK_SIZE = 1 << 16;
  static final boolean DEFAULT_FP64_CARRIES = true;
  static final boolean DEFAULT_KEEP_STATES = true;
  static final boolean DEFAULT_INLINE_PHASE3 = true;
  static final String DEFAULT_GPU_RESOURCE = "gpu";
  static final String DEFAULT_GPU_BACKEND = "gpu";

  /** The resolved settings of one scan. */
  static final class Settings {
    final String backend;
    final int chunkSize;
    final boolean fp64Carries;
    final boolean keepStates;
    final boolean inlinePhase3;
    final String gpuResource;
    final String gpuBackend;

    Settings(Function<String, String> conf) {
      backend = ExecutorBackends.normalise(get(conf, BACKEND, DEFAULT_BACKEND));
      String cs = get(conf, CHUNK_SIZE, Integer.toString(DEFAULT_CHUNK_SIZE));
      int n;
      try {
        n = Integer.parseInt(cs.trim());
      } catch (NumberFormatException e) {
        n = -1;
      }
      if (n < 1 || n > (1 << 28)) {
        throw new ParameterException("expected " + CHUNK_SIZE + " to be an integer in [1, 2^28],"
            + " found '" + cs + "'");
      }
      chunkSize = n;
      fp64Carries = flag(conf, FP64_CARRIES, DEFAULT_FP64_CARRIES);
      keepStates = flag(conf, KEEP_STATES, DEFAULT_KEEP_STATES);
      inlinePhase3 = flag(conf, INLINE_PHASE3, DEFAULT_INLINE_PHASE3);
      gpuResource = get(conf, GPU_RESOURCE, DEFAULT_GPU_RESOURCE).trim();
      gpuBackend = get(conf, GPU_BACKEND, DEFAULT_GPU_BACKEND).trim();
    }

    private static boolean flag(Function<String, String> conf, String key, boolean dflt) {
      String f = get(conf, key, Boolean.toString(dflt)).trim();
      if (!f.equalsIgnoreCase("true") && !f.equalsIgnoreCase("false")) {
        throw new ParameterException("expected " + key + " to be true or false, found '" + f
            + "'");
      }
      return Boolean.parseBoolean(f);
    }

    private static String get(Function<String, String> conf, String key, String dflt) {
      String v = conf.apply(key);
      return v == null ? dflt : v;
    }

    ExecutorBackends backends(boolean localMode) {
      return new ExecutorBackends(backend, gpuBackend, gpuResource, localMode);
    }
  }
}
