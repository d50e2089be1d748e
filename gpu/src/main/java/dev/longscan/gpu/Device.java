package dev.longscan.gpu;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuDeviceTotalMem;
import static jcuda.driver.JCudaDriver.cuMemGetInfo;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;

import dev.longscan.BackendUnavailableException;
import dev.longscan.LongscanException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedDeque;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUmodule;

/**
 * One CUDA device as this JVM uses it: its primary context (retained once, shared by every
 * thread: each call makes it current with cuCtxSetCurrent, so pooled threads work), the kernels
 * loaded from the fatbin into that context, the device-memory pool and the idle lanes. Created
 * on first use and kept for the JVM's lifetime.
 */
final class Device {
  private static final Device[] DEVICES = new Device[64];

  final int ordinal;
  final String name;
  final int multiprocessors;
  final int major;
  final int minor;
  final long totalMemory;
  final String where;
  final Kernels kernels;
  final DevicePool pool;
  private final CUcontext context = new CUcontext();
  private final ConcurrentLinkedDeque<Lane> idle = new ConcurrentLinkedDeque<>();

  private Device(int ordinal) {
    this.ordinal = ordinal;
    CUdevice dev = new CUdevice();
    String at = "on GPU " + ordinal;
    Cuda.check(cuDeviceGet(dev, ordinal), "cuDeviceGet(" + ordinal + ")");
    byte[] nm = new byte[256];
    Cuda.check(cuDeviceGetName(nm, nm.length, dev), "cuDeviceGetName " + at);
    int len = 0;
    while (len < nm.length && nm[len] != 0) {
      len++;
    }
    name = new String(nm, 0, len, StandardCharsets.UTF_8);
    multiprocessors = attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
    major = attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
    minor = attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
    long[] tm = new long[1];
    Cuda.check(cuDeviceTotalMem(tm, dev), "cuDeviceTotalMem " + at);
    totalMemory = tm[0];
    where = "on GPU " + ordinal + " (" + name + ")";
    if (major < 7 || (major == 7 && minor < 5)) {
      throw new BackendUnavailableException("expected a GPU of compute capability 7.5 or newer "
          + where + ", found " + major + "." + minor);
    }
    Cuda.check(cuDevicePrimaryCtxRetain(context, dev), "cuDevicePrimaryCtxRetain " + where);
    enter();
    CUmodule module = new CUmodule();
    Cuda.check(cuModuleLoadData(module, Fatbin.image()), "cuModuleLoadData(longscan.fatbin) "
        + where);
    kernels = new Kernels(module, where, multiprocessors);
    pool = new DevicePool(where, totalMemory / 4);
  }

  private static int attribute(CUdevice dev, int which) {
    int[] v = new int[1];
    Cuda.check(cuDeviceGetAttribute(v, which, dev), "cuDeviceGetAttribute(" + which + ")");
    return v[0];
  }

  /**
   * The device with this ordinal, opened on first use.
   *
   * @throws BackendUnavailableException when no driver or no such device is usable
   */
  static Device get(int ordinal) {
    Cuda.Probe p = Cuda.probe();
    if (p.unavailableReason != null) {
      throw new BackendUnavailableException("GPU backend is not usable here: "
          + p.unavailableReason);
    }
    if (ordinal < 0 || ordinal >= p.deviceCount || ordinal >= DEVICES.length) {
      throw new BackendUnavailableException("expected a GPU ordinal in [0, " + p.deviceCount
          + "), found " + ordinal);
    }
    synchronized (DEVICES) {
      if (DEVICES[ordinal] == null) {
        try {
          DEVICES[ordinal] = new Device(ordinal);
        } catch (LongscanException e) {
          if (e instanceof BackendUnavailableException) {
            throw e;
          }
          throw new BackendUnavailableException("GPU " + ordinal + " could not be opened: "
              + e.getMessage(), e);
        }
      }
      return DEVICES[ordinal];
    }
  }

  /** Makes this device's context current on the calling thread. */
  void enter() {
    Cuda.check(cuCtxSetCurrent(context), "cuCtxSetCurrent " + where);
  }

  Lane acquireLane() {
    Lane l = idle.poll();
    return l != null ? l : new Lane(where);
  }

  void releaseLane(Lane lane) {
    idle.push(lane);
  }

  /** Free device memory now (bytes); the context must be current. */
  long freeMemory() {
    long[] free = new long[1];
    long[] total = new long[1];
    Cuda.check(cuMemGetInfo(free, total), "cuMemGetInfo " + where);
    return free[0];
  }

  String describe() {
    Cuda.Probe p = Cuda.probe();
    return String.format(java.util.Locale.ROOT,
        "gpu:%d (%s, compute %d.%d, %d SMs, %.1f GiB, driver CUDA %d.%d)", ordinal, name, major,
        minor, multiprocessors, totalMemory / (double) (1L << 30), p.driverVersion / 1000,
        (p.driverVersion % 1000) / 10);
  }
}
