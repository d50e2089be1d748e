package dev.longscan.docs;

import dev.longscan.Backends;
import dev.longscan.Precision;
import dev.longscan.nn.Compute;
import dev.longscan.nn.LayerKind;
import dev.longscan.optim.Schedule;
import dev.longscan.tasks.Target;
import dev.longscan.tasks.TwoB;
import dev.longscan.train.Model;
import dev.longscan.train.ModelConfig;
import dev.longscan.train.ModelFile;
import dev.longscan.train.TrainSettings;
import dev.longscan.train.Trainer;
import java.nio.file.Path;

/**
 * The Java blocks of docs/models.md, compiled but not run (a full 2b training run at T = 1024 is
 * far too long for the test suite; the training tests in {@code dev.longscan.train} run the same
 * calls at small sizes). {@link DocSnippetsTest} checks that the page shows these regions verbatim.
 */
final class ModelSnippets {
  private ModelSnippets() {}

  static void trainFromJava() {
    // doc-snippet: models-train
    Compute cc = Compute.cpu(Precision.FLOAT32, Backends.cpu());   // parallel scans
    ModelConfig config = ModelConfig.stack(LayerKind.GILR_LSTM, 2, TwoB.DIMENSIONS, 64, 1, 2,
        Target.CLASS_LAST);
    Model model = Model.create(config, cc, 1);
    TrainSettings s = new TrainSettings("2b", 1024, 32, "adam", Schedule.constant(0.01),
        1.0 /* clip */, 7 /* data seed */, 0);
    Trainer trainer = Trainer.create(model, new TwoB(), s);
    trainer.run(5000, r -> System.out.println(r));        // stops when converged
    trainer.saveCheckpoint(Path.of("run.ckpt"));          // later: Trainer.resume(...)
    ModelFile.save(model, Path.of("model.lsm"));          // later: ModelFile.load(path, cc, config)
    // end-doc-snippet
  }
}
