package dev.longscan.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.longscan.Backends;
import dev.longscan.ParameterException;
import dev.longscan.Precision;
import dev.longscan.nn.Compute;
import dev.longscan.nn.LayerKind;
import dev.longscan.nn.LayerSpec;
import dev.longscan.nn.Solver;
import dev.longscan.tasks.Batch;
import dev.longscan.tasks.Rng;
import dev.longscan.tasks.Target;
import dev.longscan.tasks.TwoB;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The solver of a GRU stack: configuration checks, model files, and the model's outputs. */
class ModelSolverTest {
  @TempDir
  Path dir;

  private static ModelConfig gru(Solver s) {
    return ModelConfig.stack(LayerKind.GRU, 2, TwoB.DIMENSIONS, 5, 1, 2, Target.CLASS_LAST)
        .withSolver(s);
  }

  private static Compute cpu() {
    return Compute.cpu(Precision.FLOAT64, Backends.sequential());
  }

  private static boolean contains(byte[] file, String s) {
    return new String(file, StandardCharsets.ISO_8859_1).contains(s);
  }

  @Test
  void aDeerModelRoundTripsAndComputesWhatTheSequentialOneDoes() throws IOException {
    for (Solver s : new Solver[] {Solver.DEER, Solver.QUASI}) {
      Model m = Model.create(gru(s), cpu(), 42);
      Path f = dir.resolve("m-" + s.id() + ".lsm");
      ModelFile.save(m, f);
      assertTrue(contains(Files.readAllBytes(f), "gru/" + s.id()));
      Model back = ModelFile.load(f, cpu());
      assertEquals(gru(s), back.config());
      assertEquals(s, back.config().solver());
      Model seq = Model.create(gru(Solver.SEQUENTIAL), cpu(), 42);
      Batch batch = new TwoB().next(Rng.seeded(1), 11, 3, Precision.FLOAT64);
      double[] expected = seq.forward(batch.inputs(), 11).toDoubleArray();
      double[] actual = back.forward(batch.inputs(), 11).toDoubleArray();
      assertArrayEquals(expected, actual, s == Solver.DEER ? 1e-9 : 1e-5);
      ModelFileException e = assertThrows(ModelFileException.class,
          () -> ModelFile.load(f, cpu(), gru(Solver.SEQUENTIAL)));
      assertTrue(e.getMessage().contains("solver: sequential against " + s.id()),
          e.getMessage());
    }
  }

  @Test
  void aSequentialModelFileHasNoSolverInIt() throws IOException {
    Path f = dir.resolve("seq.lsm");
    ModelFile.save(Model.create(gru(Solver.SEQUENTIAL), cpu(), 42), f);
    Path g = dir.resolve("plain.lsm");
    ModelFile.save(Model.create(new ModelConfig(gru(Solver.SEQUENTIAL).layers(), 2,
        Target.CLASS_LAST), cpu(), 42), g);
    byte[] bytes = Files.readAllBytes(f);
    assertArrayEquals(bytes, Files.readAllBytes(g));
    assertTrue(contains(bytes, "gru") && !contains(bytes, "gru/"));
    assertEquals(Solver.SEQUENTIAL, ModelFile.load(f, cpu()).config().solver());
  }

  @Test
  void aDeerSolverNeedsAGruStack() {
    ParameterException e = assertThrows(ParameterException.class,
        () -> new ModelConfig(List.of(LayerSpec.of(LayerKind.GRU, 2, 3),
            LayerSpec.of(LayerKind.LSTM, 3, 3)), 2, Target.CLASS_LAST, Solver.DEER));
    assertTrue(e.getMessage().contains("layer 1: expected kind gru for solver deer, found lstm"),
        e.getMessage());
    assertThrows(ParameterException.class, () -> gru(Solver.SEQUENTIAL).withSolver(null));
  }
}
