package dev.longscan.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.longscan.Backends;
import dev.longscan.Precision;
import dev.longscan.nn.Compute;
import dev.longscan.nn.LayerKind;
import dev.longscan.nn.LayerSpec;
import dev.longscan.nn.Parameter;
import dev.longscan.optim.Schedule;
import dev.longscan.tasks.Adding;
import dev.longscan.tasks.Batch;
import dev.longscan.tasks.Rng;
import dev.longscan.tasks.Target;
import dev.longscan.tasks.Task;
import dev.longscan.tasks.TwoB;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Model files and checkpoints: round trips, every damaged-file case, resumed runs. */
class ModelFileTest {
  @TempDir
  Path dir;

  static final ModelConfig CONFIG = new ModelConfig(List.of(
      LayerSpec.of(LayerKind.GILR_LSTM, TwoB.DIMENSIONS, 7),
      new LayerSpec(LayerKind.QRNN, 7, 5, 3),
      LayerSpec.of(LayerKind.SRU, 5, 5)), 2, Target.CLASS_LAST);

  static Compute compute(Precision p) {
    return Compute.cpu(p, Backends.cpu());
  }

  @Test
  void roundTripIsBitExactInBothPrecisions() {
    for (Precision p : Precision.values()) {
      Model m = Model.create(CONFIG, compute(p), 42);
      Path f = dir.resolve("m-" + p + ".lsm");
      ModelFile.save(m, f);
      Model back = ModelFile.load(f, compute(p));
      assertEquals(CONFIG, back.config());
      assertEquals(m.parameters().size(), back.parameters().size());
      for (int i = 0; i < m.parameters().size(); i++) {
        Parameter a = m.parameters().get(i);
        Parameter b = back.parameters().get(i);
        assertEquals(a.name(), b.name());
        assertArrayEquals(a.value().toDoubleArray(), b.value().toDoubleArray(), 0.0, a.name());
      }
      // the loaded model computes the same outputs
      Batch batch = new TwoB().next(Rng.seeded(1), 13, 3, p);
      assertArrayEquals(m.forward(batch.inputs(), 13).toDoubleArray(),
          back.forward(batch.inputs(), 13).toDoubleArray(), 0.0);
      // and differs from a freshly initialised one of another seed
      Model other = Model.create(CONFIG, compute(p), 43);
      assertTrue(!Arrays.equals(other.parameters().get(0).value().toDoubleArray(),
          back.parameters().get(0).value().toDoubleArray()));
      assertEquals(CONFIG, ModelFile.load(f, compute(p), CONFIG).config());
    }
  }

  private Path saved() {
    Path f = dir.resolve("m.lsm");
    ModelFile.save(Model.create(CONFIG, compute(Precision.FLOAT32), 42), f);
    return f;
  }

  private static ModelFileException fails(Path f) {
    return assertThrows(ModelFileException.class,
        () -> ModelFile.load(f, compute(Precision.FLOAT32)));
  }

  @Test
  void anotherVersionFails() throws IOException {
    Path f = saved();
    byte[] b = Files.readAllBytes(f);
    ByteBuffer.wrap(b).putInt(8, 2);
    Files.write(f, b);
    String msg = fails(f).getMessage();
    assertTrue(msg.contains("expected model format version 1, found version 2"), msg);
  }

  @Test
  void corruptedPayloadFailsOnTheChecksum() throws IOException {
    Path f = saved();
    byte[] b = Files.readAllBytes(f);
    b[b.length / 2] ^= 0x10;
    Files.write(f, b);
    String msg = fails(f).getMessage();
    assertTrue(msg.contains("CRC-32C") && msg.contains("corrupted"), msg);
  }

  @Test
  void truncatedFileFails() throws IOException {
    Path f = saved();
    byte[] b = Files.readAllBytes(f);
    for (int len : new int[] {0, 5, 15, b.length / 2, b.length - 1}) {
      Files.write(f, Arrays.copyOf(b, len));
      String msg = fails(f).getMessage();
      assertTrue(msg.contains("truncated"), len + " bytes: " + msg);
    }
  }

  @Test
  void otherFilesAndMissingFilesFail() throws IOException {
    Path f = dir.resolve("not-a-model");
    Files.writeString(f, "hello, this is not a model file at all");
    String msg = fails(f).getMessage();
    assertTrue(msg.contains("magic 'LSCMODEL'") && msg.contains("found magic 'hello, t'"), msg);
    msg = fails(dir.resolve("absent")).getMessage();
    assertTrue(msg.contains("no model file"), msg);
  }

  @Test
  void configurationMismatchNamesTheDifference() {
    Path f = saved();
    ModelConfig wider = new ModelConfig(List.of(
        LayerSpec.of(LayerKind.GILR_LSTM, TwoB.DIMENSIONS, 7),
        new LayerSpec(LayerKind.QRNN, 7, 5, 2),
        LayerSpec.of(LayerKind.SRU, 5, 5)), 2, Target.CLASS_LAST);
    ModelFileException e = assertThrows(ModelFileException.class,
        () -> ModelFile.load(f, compute(Precision.FLOAT32), wider));
    assertTrue(e.getMessage().contains("layer 1: qrnn(7 → 5, k=2) against qrnn(7 → 5, k=3)"),
        e.getMessage());
  }

  private static TrainSettings settings(String task) {
    return new TrainSettings(task, 17, 5, "adam", new Schedule(0.02, 3, 0.999), 0.5, 9, 0);
  }

  private static double[] run(Trainer t, long until) {
    List<Double> losses = new ArrayList<>();
    t.run(until, r -> losses.add(r.loss()));
    return losses.stream().mapToDouble(Double::doubleValue).toArray();
  }

  @Test
  void resumedRunGivesTheUnbrokenLossCurveBitForBit() {
    for (Task task : List.of(new TwoB(), new Adding())) {
      ModelConfig config = ModelConfig.stack(LayerKind.GILR_LSTM, 2, task.inputSize(), 6, 1,
          task.outputSize(), task.target());
      Trainer whole = Trainer.create(Model.create(config, compute(Precision.FLOAT32), 4), task,
          settings(task.name()));
      double[] unbroken = run(whole, 20);
      Trainer first = Trainer.create(Model.create(config, compute(Precision.FLOAT32), 4), task,
          settings(task.name()));
      double[] a = run(first, 8);
      Path ck = dir.resolve(task.name() + ".ckpt");
      first.saveCheckpoint(ck);
      Trainer resumed = Trainer.resume(ck, compute(Precision.FLOAT32), task, config,
          settings(task.name()));
      assertEquals(8, resumed.iteration());
      double[] b = run(resumed, 20);
      double[] joined = new double[a.length + b.length];
      System.arraycopy(a, 0, joined, 0, a.length);
      System.arraycopy(b, 0, joined, a.length, b.length);
      assertArrayEquals(unbroken, joined, 0.0, task.name());
    }
  }

  @Test
  void resumingWithOtherSettingsOrConfigurationFails() {
    Task task = new TwoB();
    ModelConfig config = ModelConfig.stack(LayerKind.GILR, 1, task.inputSize(), 4, 1, 2,
        Target.CLASS_LAST);
    Trainer t = Trainer.create(Model.create(config, compute(Precision.FLOAT32), 4), task,
        settings(task.name()));
    run(t, 2);
    Path ck = dir.resolve("c.ckpt");
    t.saveCheckpoint(ck);
    TrainSettings otherBatch = new TrainSettings(task.name(), 17, 6, "adam",
        new Schedule(0.02, 3, 0.999), 0.5, 9, 0);
    ModelFileException e = assertThrows(ModelFileException.class,
        () -> Trainer.resume(ck, compute(Precision.FLOAT32), task, config, otherBatch));
    assertTrue(e.getMessage().contains("batch=6") && e.getMessage().contains("batch=5"),
        e.getMessage());
    ModelConfig wider = ModelConfig.stack(LayerKind.GILR, 1, task.inputSize(), 5, 1, 2,
        Target.CLASS_LAST);
    e = assertThrows(ModelFileException.class,
        () -> Trainer.resume(ck, compute(Precision.FLOAT32), task, wider, settings(task.name())));
    assertTrue(e.getMessage().contains("layer 0: gilr(128 → 5) against gilr(128 → 4)"),
        e.getMessage());
    // a model file is not a checkpoint
    Path mf = dir.resolve("m.lsm");
    ModelFile.save(t.model(), mf);
    e = assertThrows(ModelFileException.class, () -> Trainer.resume(mf,
        compute(Precision.FLOAT32), task, config, settings(task.name())));
    assertTrue(e.getMessage().contains("magic 'LSCCHKPT'"), e.getMessage());
  }

  @Test
  void nonFiniteLossStopsNamingTheIteration() {
    Task task = new Adding();
    ModelConfig config = ModelConfig.stack(LayerKind.GILR, 1, task.inputSize(), 4, 1, 1,
        Target.VALUE_LAST);
    Model m = Model.create(config, compute(Precision.FLOAT32), 4);
    Trainer t = Trainer.create(m, task, settings(task.name()));
    run(t, 3);
    double[] before = m.parameters().get(0).value().toDoubleArray();
    m.parameters().get(m.parameters().size() - 1).value().set(0, 0, Double.NaN);
    TrainingException e = assertThrows(TrainingException.class, t::step);
    assertTrue(e.getMessage().contains("at iteration 4"), e.getMessage());
    assertEquals(3, t.iteration());
    assertArrayEquals(before, m.parameters().get(0).value().toDoubleArray(), 0.0);
  }
}
