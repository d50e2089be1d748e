package dev.longscan.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.longscan.Backend;
import dev.longscan.Backends;
import dev.longscan.Precision;
import dev.longscan.ScanOptions;
import dev.longscan.Sequence;
import dev.longscan.Summary;
import dev.longscan.TestData;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every operation of {@link Backend} runs on the GPU: the public operations and the protected
 * {@code do…} hooks are enumerated by reflection, so an operation added to the interface fails
 * here until the GPU backend implements it and this test exercises it.
 */
class GpuOperationsTest {

  /** Public instance methods of Backend that are not operations. */
  private static final Set<String> NOT_OPERATIONS = Set.of("name", "describe", "close",
      "toString");

  /** Non-abstract hooks GpuBackend inherits on purpose, and the hook they route to. */
  private static final Map<String, String> INHERITED_HOOKS = Map.of("doScan", "doApply",
      "doSettle", "doApply");

  /**
   * Hooks whose default declines: the GPU has no guess ({@code guess} returns null), because
   * settling one would rescan the whole chunk on the device; callers reduce and apply instead.
   * Its exercise checks the null and that the output is untouched.
   */
  private static final Set<String> DECLINED_HOOKS = Set.of("doGuess");

  /** The GPU exercise of each public operation (keys must equal Backend's operations). */
  private static Map<String, Consumer<GpuBackend>> exercises() {
    Map<String, Consumer<GpuBackend>> m = new LinkedHashMap<>();
    m.put("scan", GpuOperationsTest::scan);
    m.put("reduce", GpuOperationsTest::reduce);
    m.put("apply", GpuOperationsTest::apply);
    m.put("backward", GpuOperationsTest::backward);
    m.put("guess", GpuOperationsTest::guess);
    m.put("settle", GpuOperationsTest::settle);
    return m;
  }

  private static Set<String> publicOperations() {
    Set<String> ops = new TreeSet<>();
    for (Method m : Backend.class.getDeclaredMethods()) {
      int mod = m.getModifiers();
      if (Modifier.isPublic(mod) && !Modifier.isStatic(mod) && !m.isSynthetic()
          && !NOT_OPERATIONS.contains(m.getName())) {
        ops.add(m.getName());
      }
    }
    return ops;
  }

  @Test
  void everyHookIsImplementedByTheGpuBackend() {
    for (Method m : Backend.class.getDeclaredMethods()) {
      int mod = m.getModifiers();
      if (!Modifier.isProtected(mod) || Modifier.isStatic(mod)) {
        continue;
      }
      boolean overridden;
      try {
        GpuBackend.class.getDeclaredMethod(m.getName(), m.getParameterTypes());
        overridden = true;
      } catch (NoSuchMethodException e) {
        overridden = false;
      }
      if (Modifier.isAbstract(mod)) {
        assertTrue(overridden, "GpuBackend must implement " + m);
      } else if (!overridden && !INHERITED_HOOKS.containsKey(m.getName())
          && !DECLINED_HOOKS.contains(m.getName())) {
        fail("Backend has a new hook " + m + ": implement it in GpuBackend, or list it in "
            + "INHERITED_HOOKS with the GPU hook its default calls");
      }
    }
    for (Map.Entry<String, String> e : INHERITED_HOOKS.entrySet()) {
      boolean declared = Arrays.stream(GpuBackend.class.getDeclaredMethods())
          .anyMatch(m -> m.getName().equals(e.getValue()));
      assertTrue(declared, e.getKey() + " routes to " + e.getValue() + ", which GpuBackend must "
          + "implement");
    }
  }

  @Test
  void everyPublicOperationHasAGpuExercise() {
    assertEquals(publicOperations(), new TreeSet<>(exercises().keySet()),
        "Backend's public operations changed: give each new one a GPU exercise here");
  }

  /**
   * Each exercise compares the GPU's results with the reference backend's; with every hook the
   * operations route to implemented by GpuBackend (above), that is the GPU computing them.
   */
  @Test
  @Tag("gpu")
  void everyPublicOperationGivesTheReferenceResultsOnTheGpu() {
    GpuBackend be = GpuTestSupport.shared();
    for (Consumer<GpuBackend> exercise : exercises().values()) {
      exercise.accept(be);
    }
  }

  private static final int N = 10_007;

  private static void scan(GpuBackend be) {
    for (int w : new int[] {1, 33}) {
      Sequence a = TestData.multipliers(Precision.FLOAT32, N, w, 1);
      Sequence b = TestData.values(Precision.FLOAT32, N, w, 2);
      Sequence out = TestData.poisoned(Precision.FLOAT32, N, w);
      be.scan(a, b, ScanOptions.defaults(), out);
      TestData.assertClose(Backends.reference().scan(TestData.widen(a), TestData.widen(b)), out,
          TestData.tolerance(Precision.FLOAT32), "gpu scan width " + w);
    }
  }

  private static void reduce(GpuBackend be) {
    for (int w : new int[] {1, 33}) {
      Sequence a = TestData.multipliers(Precision.FLOAT64, N, w, 3);
      Sequence b = TestData.values(Precision.FLOAT64, N, w, 4);
      ScanOptions o = ScanOptions.reverse();
      Summary s = be.reduce(a, b, o);
      Summary r = Backends.reference().reduce(a, b, o);
      TestData.assertClose(r.a(), s.a(), 1e-12, "gpu reduce a, width " + w);
      TestData.assertClose(r.b(), s.b(), 1e-12, "gpu reduce b, width " + w);
      assertEquals(r.resets(), s.resets());
    }
  }

  private static void apply(GpuBackend be) {
    for (int w : new int[] {1, 33}) {
      Sequence a = TestData.multipliers(Precision.FLOAT64, N, w, 5);
      Sequence b = TestData.values(Precision.FLOAT64, N, w, 6);
      double[] carry = TestData.state(w, 7);
      Sequence out = TestData.poisoned(Precision.FLOAT64, N, w);
      be.apply(a, b, carry, ScanOptions.defaults(), out);
      Sequence ref = Backends.reference().scan(a, b,
          ScanOptions.defaults().withInitialState(carry));
      TestData.assertClose(ref, out, TestData.tolerance(Precision.FLOAT64), "gpu apply " + w);
    }
  }

  /** The GPU declines to guess: null, and out untouched. */
  private static void guess(GpuBackend be) {
    Sequence a = TestData.multipliers(Precision.FLOAT32, N, 1, 12);
    Sequence b = TestData.values(Precision.FLOAT32, N, 1, 13);
    Sequence out = TestData.poisoned(Precision.FLOAT32, N, 1);
    assertEquals(null, be.guess(a, b, ScanOptions.defaults(), out));
    assertTrue(Double.isNaN(out.get(0, 0)) && Double.isNaN(out.get(N - 1, 0)));
  }

  /** Settling (of whatever out holds) is a whole rescan from the carry on the GPU. */
  private static void settle(GpuBackend be) {
    for (int w : new int[] {1, 33}) {
      Sequence a = TestData.multipliers(Precision.FLOAT32, N, w, 14);
      Sequence b = TestData.values(Precision.FLOAT32, N, w, 15);
      double[] carry = TestData.state(w, 16);
      Sequence out = TestData.poisoned(Precision.FLOAT32, N, w);
      be.settle(a, b, carry, ScanOptions.defaults(), out);
      Sequence ref = Backends.reference().scan(TestData.widen(a), TestData.widen(b),
          ScanOptions.defaults().withInitialState(carry));
      TestData.assertClose(ref, out, TestData.tolerance(Precision.FLOAT32), "gpu settle " + w);
    }
  }

  private static void backward(GpuBackend be) {
    for (int w : new int[] {1, 33}) {
      Sequence a = TestData.multipliers(Precision.FLOAT64, N, w, 8);
      Sequence b = TestData.values(Precision.FLOAT64, N, w, 9);
      Sequence g = TestData.values(Precision.FLOAT64, N, w, 10);
      ScanOptions o = ScanOptions.defaults().withInitialState(TestData.state(w, 11));
      Sequence h = Backends.reference().scan(a, b, o);
      Sequence ga = TestData.poisoned(Precision.FLOAT64, N, w);
      Sequence gb = TestData.poisoned(Precision.FLOAT64, N, w);
      double[] g0 = new double[w];
      Arrays.fill(g0, Double.NaN);
      be.backward(a, h, g, o, ga, gb, g0);
      Sequence ra = a.allocateLike();
      Sequence rb = a.allocateLike();
      double[] r0 = new double[w];
      Backends.reference().backward(a, h, g, o, ra, rb, r0);
      TestData.assertClose(ra, ga, 1e-11, "gpu gradA " + w);
      TestData.assertClose(rb, gb, 1e-11, "gpu gradB " + w);
      TestData.assertClose(r0, g0, 1e-11, "gpu gradH0 " + w);
    }
  }
}
