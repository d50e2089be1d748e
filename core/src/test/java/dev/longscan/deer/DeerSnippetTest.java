package dev.longscan.deer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.longscan.Precision;
import dev.longscan.Sequence;
import dev.longscan.data.TsDataset;
import dev.longscan.data.TsFormat;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

/** The code block of docs/deer.md, compiled and run. */
class DeerSnippetTest {
  @Test
  void snippet() {
    // doc-snippet: deer-api
    int n = 8;      // state size
    int m = 2;      // inputs per step
    int batch = 16;
    int steps = 1_000;
    double[] theta = Cells.randomParameters(Cells.gruParameters(n, m), 1.0, n, 42);
    Cell gru = Cells.gru(n, m, theta);                 // or Cells.tanhRnn, Cells.lstm, your own Cell
    Sequence x = Sequence.allocate(Precision.FLOAT32, steps, batch * m); // [T, B·m]
    double[] y0 = new double[batch * n];                                 // [B·n]

    DeerResult r = Deer.newton().solve(gru, x, y0);    // or Deer.quasi(), Deer.damped(), Deer.sequential()
    if (!r.converged()) {
      throw new IllegalStateException(r.toString());  // says why: residual trace, first NaN/∞
    }
    Sequence y = r.solution();                         // [T, B·n], float32 as x
    int iterations = r.iterations();

    // options: tolerances, budget, initial guess, warm start (e.g. last training step's solution)
    Deer solver = Deer.newton().withTolerance(1e-5, 1e-4).withMaxIterations(50)
        .withInitialGuess(Deer.InitialGuess.REPEAT_Y0);
    DeerResult again = solver.solve(gru, x, y0, y);

    // gradients of a loss L(y), given ∂L/∂y: one reverse dense scan, then the cell's products
    Sequence gradY = Sequence.allocate(Precision.FLOAT64, steps, batch * n);
    DeerGradients g = solver.gradients(gru, x, y0, y, gradY);
    double[] gradTheta = g.parameters();   // ∂L/∂θ
    Sequence gradX = g.inputs();           // ∂L/∂x, [T, B·m]

    // a UEA/UCR .ts file as the same [T, B·D] layout
    TsDataset data = TsFormat.read(new StringReader("@problemName Tiny\n@classLabel true a b\n"
        + "@data\n1,2,3:4,5,6:a\n0.5,?,1:7,8,9:b\n"), "tiny.ts");
    Sequence xs = data.inputs(Precision.FLOAT32, 0, 1);  // 3 steps × (2 cases · 2 channels)
    // end-doc-snippet

    assertTrue(iterations >= 1);
    assertTrue(again.converged());
    assertEquals(theta.length, gradTheta.length);
    assertEquals(steps, gradX.steps());
    assertEquals(4, xs.width());
    assertEquals(1, data.labelIndex(1));
  }
}
