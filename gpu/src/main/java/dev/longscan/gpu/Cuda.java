package dev.longscan.gpu;

import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuInit;

import dev.longscan.LongscanException;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/**
 * The CUDA driver, probed once per JVM: whether JCuda's native library and the NVIDIA driver's
 * libcuda load, whether cuInit succeeds, and how many devices there are. Also the checked call
 * wrapper every other class uses, so that each failure names the call, the device and the CUDA
 * error.
 */
final class Cuda {
  private Cuda() {}

  /** Result of the one-time probe. */
  static final class Probe {
    final String unavailableReason;
    final int deviceCount;
    final int driverVersion;

    Probe(String unavailableReason, int deviceCount, int driverVersion) {
      this.unavailableReason = unavailableReason;
      this.deviceCount = deviceCount;
      this.driverVersion = driverVersion;
    }
  }

  /** cudaErrorInsufficientDriver; JCuda's CUresult has no constant for it. */
  private static final int CUDA_ERROR_INSUFFICIENT_DRIVER = 35;

  private static volatile Probe probe;

  /** The probe's result; never throws (a missing native library becomes a reason). */
  static Probe probe() {
    Probe p = probe;
    if (p == null) {
      synchronized (Cuda.class) {
        if (probe == null) {
          probe = runProbe();
        }
        p = probe;
      }
    }
    return p;
  }

  private static Probe runProbe() {
    if (Boolean.getBoolean("longscan.gpu.disable")) {
      return new Probe("disabled by the system property longscan.gpu.disable=true", 0, 0);
    }
    try {
      JCudaDriver.setExceptionsEnabled(false);
      int rc = cuInit(0);
      if (rc == CUresult.CUDA_ERROR_NO_DEVICE) {
        return new Probe("the NVIDIA driver reports no CUDA device (cuInit: CUDA_ERROR_NO_DEVICE)",
            0, 0);
      }
      if (rc != CUresult.CUDA_SUCCESS) {
        return new Probe("cuInit failed: " + name(rc)
            + (rc == CUDA_ERROR_INSUFFICIENT_DRIVER
                ? " (the installed NVIDIA driver is too old for CUDA 12)" : ""), 0, 0);
      }
      int[] v = new int[1];
      cuDriverGetVersion(v);
      int[] n = new int[1];
      rc = cuDeviceGetCount(n);
      if (rc != CUresult.CUDA_SUCCESS) {
        return new Probe("cuDeviceGetCount failed: " + name(rc), 0, v[0]);
      }
      if (n[0] == 0) {
        return new Probe("the NVIDIA driver reports 0 CUDA devices", 0, v[0]);
      }
      return new Probe(null, n[0], v[0]);
    } catch (LinkageError e) {
      return new Probe(linkageReason(e), 0, 0);
    } catch (RuntimeException e) {
      return new Probe("the CUDA driver could not be initialised: " + e, 0, 0);
    }
  }

  /** A one-line reason from JCuda's (long, multi-part) native-library loading error. */
  static String linkageReason(Throwable e) {
    String msg = String.valueOf(e.getMessage());
    if (msg.contains("libcuda.so")) {
      return "the NVIDIA driver library libcuda.so.1 was not found (no NVIDIA driver installed, "
          + "or not on the library path)";
    }
    if (msg.contains("nvcuda.dll")) {
      return "the NVIDIA driver library nvcuda.dll was not found (no NVIDIA driver installed)";
    }
    int nl = msg.indexOf('\n');
    String first = nl >= 0 ? msg.substring(0, nl) : msg;
    return "the JCuda driver library could not be loaded (" + e.getClass().getSimpleName() + ": "
        + first.trim() + "); JCuda ships natives for linux-x86_64 in jcuda-natives";
  }

  /** "CUDA_ERROR_OUT_OF_MEMORY (2)". */
  static String name(int rc) {
    return CUresult.stringFor(rc) + " (" + rc + ")";
  }

  /** Throws a {@link LongscanException} naming {@code what} unless {@code rc} is success. */
  static void check(int rc, String what) {
    if (rc != CUresult.CUDA_SUCCESS) {
      throw new CudaCallException(rc, what);
    }
  }

  /** A failed driver call; the message names the call, the place and the CUDA error. */
  static final class CudaCallException extends LongscanException {
    private static final long serialVersionUID = 1L;
    final int result;

    CudaCallException(int result, String what) {
      super(what + " failed: " + name(result) + hint(result));
      this.result = result;
    }

    private static String hint(int rc) {
      if (rc == CUresult.CUDA_ERROR_NO_BINARY_FOR_GPU
          || rc == CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION) {
        return "; the kernels were built with CUDA 13 (see longscan.fatbin.properties): the GPU "
            + "needs compute capability 7.5 or newer and the NVIDIA driver release 580 or newer";
      }
      if (rc == CUresult.CUDA_ERROR_ILLEGAL_ADDRESS || rc == CUresult.CUDA_ERROR_LAUNCH_FAILED) {
        return "; the device context is no longer usable in this process";
      }
      return "";
    }
  }
}
