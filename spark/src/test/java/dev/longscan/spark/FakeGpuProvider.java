package dev.longscan.spark;

import dev.longscan.Backend;
import dev.longscan.BackendProvider;
import dev.longscan.Backends;
import dev.longscan.ScanOptions;
import dev.longscan.Sequence;
import dev.longscan.Summary;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for the GPU backend provider, named "fakegpu", so the tests can follow the GPU
 * path (ServiceLoader lookup, device per task, per-device instances) without a device. Usable
 * only when the system property {@code longscan.fakegpu.devices} gives a device count; its
 * backends compute on the CPU (sequential kernel) and count the calls per device.
 */
public final class FakeGpuProvider implements BackendProvider {
  static final Map<Integer, AtomicLong> CALLS = new ConcurrentHashMap<>();

  @Override
  public String name() {
    return "fakegpu";
  }

  @Override
  public String unavailableReason() {
    return deviceCount() > 0 ? null : "fakegpu disabled (set -Dlongscan.fakegpu.devices=N)";
  }

  @Override
  public int deviceCount() {
    return Integer.getInteger("longscan.fakegpu.devices", 0);
  }

  @Override
  public Backend open(int ordinal) {
    return new Fake(ordinal);
  }

  static final class Fake extends Backend {
    private final int ordinal;
    private final Backend cpu = Backends.sequential();

    Fake(int ordinal) {
      this.ordinal = ordinal;
    }

    @Override
    public String name() {
      return "fakegpu";
    }

    @Override
    public String describe() {
      return "fakegpu:" + ordinal;
    }

    private void count() {
      CALLS.computeIfAbsent(ordinal, k -> new AtomicLong()).incrementAndGet();
    }

    @Override
    protected Summary doReduce(Sequence a, Sequence b, ScanOptions options) {
      count();
      return cpu.reduce(a, b, options);
    }

    @Override
    protected void doApply(Sequence a, Sequence b, double[] carry, ScanOptions options,
        Sequence out) {
      count();
      cpu.apply(a, b, carry, options, out);
    }

    @Override
    protected void doBackward(Sequence a, Sequence h, Sequence gradH, ScanOptions options,
        Sequence gradA, Sequence gradB, double[] gradH0) {
      count();
      cpu.backward(a, h, gradH, options, gradA, gradB, gradH0);
    }
  }
}
