package dev.longscan.train;

import dev.longscan.ParameterException;
import dev.longscan.Precision;
import dev.longscan.nn.Compute;
import dev.longscan.nn.LayerKind;
import dev.longscan.nn.LayerSpec;
import dev.longscan.nn.Matrix;
import dev.longscan.nn.Parameter;
import dev.longscan.nn.Solver;
import dev.longscan.tasks.Target;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One model in one file: configuration plus parameters.
 *
 * <p>Layout (big-endian): magic {@code "LSCMODEL"}, int version ({@value #VERSION}), long payload
 * length, payload, long CRC-32C of the payload. Payload: int output size, UTF target name, int
 * layer count, per layer UTF kind id and ints input size, output size, filter width; UTF
 * precision; int parameter count, per parameter UTF name, int rows, int cols and rows × cols
 * values row by row (float for FLOAT32, double for FLOAT64). A GRU layer of a model whose solver
 * is not {@link Solver#SEQUENTIAL} has the kind id {@code "gru/deer"} or {@code "gru/quasi"}, so
 * files of sequential models are unchanged (and earlier files read as sequential), while a reader
 * that predates solvers rejects such a file by naming the kind it does not know.
 */
public final class ModelFile {
  public static final int VERSION = 1;
  static final String MAGIC = "LSCMODEL";

  private ModelFile() {}

  /** Writes {@code model} to {@code path} (replacing it atomically). */
  public static void save(Model model, Path path) {
    Container.write(path, MAGIC, VERSION, out -> writeModel(model, out));
  }

  /** The model in {@code path}, with the configuration the file holds. */
  public static Model load(Path path, Compute compute) {
    try (DataInputStream in = Container.read(path, MAGIC, "model", VERSION)) {
      return readModel(in, compute, null, path);
    } catch (IOException e) {
      throw new ModelFileException(path + ": " + e.getMessage(), e);
    }
  }

  /**
   * The model in {@code path}, which must have configuration {@code expected}.
   *
   * @throws ModelFileException naming the first difference when it has another
   */
  public static Model load(Path path, Compute compute, ModelConfig expected) {
    try (DataInputStream in = Container.read(path, MAGIC, "model", VERSION)) {
      return readModel(in, compute, expected, path);
    } catch (IOException e) {
      throw new ModelFileException(path + ": " + e.getMessage(), e);
    }
  }

  static void writeModel(Model model, DataOutputStream out) throws IOException {
    ModelConfig c = model.config();
    out.writeInt(c.outputSize());
    out.writeUTF(c.target().name());
    out.writeInt(c.layers().size());
    for (LayerSpec s : c.layers()) {
      out.writeUTF(s.kind() == LayerKind.GRU && c.solver() != Solver.SEQUENTIAL
          ? s.kind().id() + "/" + c.solver().id() : s.kind().id());
      out.writeInt(s.inputSize());
      out.writeInt(s.outputSize());
      out.writeInt(s.width());
    }
    Precision p = model.compute().precision();
    out.writeUTF(p.name());
    out.writeInt(model.parameters().size());
    for (Parameter par : model.parameters()) {
      Matrix v = par.value();
      out.writeUTF(par.name());
      out.writeInt(v.rows());
      out.writeInt(v.cols());
      for (int r = 0; r < v.rows(); r++) {
        for (int col = 0; col < v.cols(); col++) {
          if (p == Precision.FLOAT32) {
            out.writeFloat((float) v.get(r, col));
          } else {
            out.writeDouble(v.get(r, col));
          }
        }
      }
    }
  }

  static Model readModel(DataInputStream in, Compute compute, ModelConfig expected, Path path)
      throws IOException {
    try {
      int outputSize = in.readInt();
      Target target = Target.valueOf(in.readUTF());
      int count = in.readInt();
      List<LayerSpec> specs = new ArrayList<>();
      Solver solver = null;
      for (int i = 0; i < count; i++) {
        String id = in.readUTF();
        int slash = id.indexOf('/');
        LayerKind kind = LayerKind.of(slash < 0 ? id : id.substring(0, slash));
        Solver s = Solver.SEQUENTIAL;
        if (slash >= 0) {
          try {
            s = Solver.of(id.substring(slash + 1));
          } catch (ParameterException e) {
            throw new ModelFileException(path + ": layer " + i + ": " + e.getMessage(), e);
          }
        }
        if (slash >= 0 && (kind != LayerKind.GRU || s == Solver.SEQUENTIAL)) {
          throw new ModelFileException(path + ": layer " + i + ": expected a kind id 'gru/deer',"
              + " 'gru/quasi' or one without '/', found '" + id + "'");
        }
        if (solver != null && s != solver) {
          throw new ModelFileException(path + ": layer " + i + ": expected solver "
              + solver.id() + " (that of layer 0), found " + s.id());
        }
        solver = s;
        specs.add(new LayerSpec(kind, in.readInt(), in.readInt(), in.readInt()));
      }
      ModelConfig config = new ModelConfig(specs, outputSize, target,
          solver == null ? Solver.SEQUENTIAL : solver);
      if (expected != null) {
        String diff = expected.difference(config);
        if (diff != null) {
          throw new ModelFileException(path + ": expected the requested model configuration,"
              + " found another one; first difference (requested against file) " + diff);
        }
      }
      Precision stored = Precision.valueOf(in.readUTF());
      Model model = Model.create(config, compute, 0);
      int params = in.readInt();
      if (params != model.parameters().size()) {
        throw new ModelFileException(path + ": expected " + model.parameters().size()
            + " parameters for " + config + ", found " + params);
      }
      for (Parameter par : model.parameters()) {
        String name = in.readUTF();
        int rows = in.readInt();
        int cols = in.readInt();
        Matrix v = par.value();
        if (!name.equals(par.name()) || rows != v.rows() || cols != v.cols()) {
          throw new ModelFileException(path + ": expected parameter " + par.name() + " of "
              + v.rows() + " × " + v.cols() + ", found " + name + " of " + rows + " × " + cols);
        }
        for (int r = 0; r < rows; r++) {
          for (int c = 0; c < cols; c++) {
            v.set(r, c, stored == Precision.FLOAT32 ? in.readFloat() : in.readDouble());
          }
        }
      }
      return model;
    } catch (EOFException e) {
      throw new ModelFileException(path + ": expected more payload than the file holds"
          + " (inconsistent length fields)", e);
    } catch (IllegalArgumentException e) {
      throw new ModelFileException(path + ": " + e.getMessage(), e);
    }
  }
}
