package dev.longscan.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.longscan.Precision;
import dev.longscan.Sequence;
import java.io.StringReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TsFormatTest {
  @TempDir
  Path dir;

  static final String HEAD = "# a comment\n@problemName Tiny\n@timeStamps false\n@missing true\n"
      + "@univariate false\n@dimensions 2\n@equalLength true\n@seriesLength 3\n"
      + "@classLabel true a b\n@data\n";

  static TsDataset parse(String text) {
    return TsFormat.read(new StringReader(text), "t.ts");
  }

  @Test
  void readsTheFormat() {
    TsDataset d = parse(HEAD + "1,2,3:4,5,6:a\n\n# between cases\n0.5,?,-1e-3:7,8,9:b\n");
    assertEquals("Tiny", d.problemName());
    assertEquals(2, d.dimensions());
    assertEquals(2, d.size());
    assertEquals(List.of("a", "b"), d.classLabels());
    assertArrayEquals(new double[] {4, 5, 6}, d.series(0)[1]);
    assertTrue(Double.isNaN(d.series(1)[0][1]));
    assertEquals(-1e-3, d.series(1)[0][2]);
    assertEquals("b", d.label(1));
    assertEquals(1, d.labelIndex(1));
    assertTrue(d.hasMissing());
    Sequence x = d.inputs(Precision.FLOAT64, 1, 0); // [T, B·D]: case 1 then case 0
    assertEquals(3, x.steps());
    assertEquals(4, x.width());
    assertEquals(7, x.get(0, 1));
    assertEquals(6, x.get(2, 3));
  }

  @Test
  void roundTripsThroughAFile() throws Exception {
    Random r = new Random(42);
    List<double[][]> series = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    String[] classes = {"1", "2", "3", "4", "5"};
    for (int i = 0; i < 7; i++) {
      int len = 5 + r.nextInt(9); // unequal lengths
      double[][] c = new double[6][len];
      for (int d = 0; d < 6; d++) {
        for (int t = 0; t < len; t++) {
          c[d][t] = r.nextInt(20) == 0 ? Double.NaN : r.nextGaussian() * Math.pow(10, r.nextInt(7) - 3);
        }
      }
      series.add(c);
      labels.add(classes[r.nextInt(5)]);
    }
    TsDataset d = TsDataset.of("Worms", List.of(classes), series, labels);
    Path f = dir.resolve("worms.ts");
    try (Writer w = Files.newBufferedWriter(f, StandardCharsets.UTF_8)) {
      TsFormat.write(d, w);
    }
    TsDataset back = TsFormat.read(f);
    assertEquals(d.problemName(), back.problemName());
    assertEquals(d.classLabels(), back.classLabels());
    assertFalse(back.equalLength());
    assertEquals(7, back.size());
    for (int i = 0; i < 7; i++) {
      assertEquals(d.label(i), back.label(i));
      for (int k = 0; k < 6; k++) {
        assertArrayEquals(series.get(i)[k], back.series(i)[k], 0.0);
      }
    }
    // an unlabelled univariate equal-length set
    List<double[][]> uni = List.of(new double[][] {{1, 2.5}}, new double[][] {{-3, 4e10}});
    TsDataset u = TsDataset.of("Uni", null, uni, null);
    java.io.StringWriter sw = new java.io.StringWriter();
    TsFormat.write(u, sw);
    assertTrue(sw.toString().contains("@univariate true\n"), sw.toString());
    TsDataset ub = parse(sw.toString());
    assertFalse(ub.labelled());
    assertArrayEquals(new double[] {-3, 4e10}, ub.series(1)[0], 0.0);
  }

  static TsFormatException bad(String text) {
    return assertThrows(TsFormatException.class, () -> parse(text));
  }

  @Test
  void badHeader() {
    TsFormatException e = bad("@problemName X\n@equalLength maybe\n@classLabel true a\n@data\n1:a\n");
    assertEquals("t.ts:2:14: expected @equalLength true or false, found 'maybe'", e.getMessage());
    assertEquals(2, e.line());
    assertEquals(14, e.column());
    e = bad("@problemName X\n@colour blue\n@data\n");
    assertEquals(2, e.line());
    assertTrue(e.getMessage().contains("expected a known header"), e.getMessage());
    e = bad("@problemName X\n@data\n1,2:a\n");
    assertEquals("t.ts:2:1: expected @classLabel before @data, found none", e.getMessage());
    e = bad("@problemName X\n@classLabel true a\n1,2:a\n");
    assertEquals(3, e.line());
    assertTrue(e.getMessage().contains("expected a header line"), e.getMessage());
    e = bad("@problemName X\n@timeStamps true\n");
    assertTrue(e.getMessage().contains("not supported"), e.getMessage());
    e = bad("@problemName X\n@seriesLength -4\n");
    assertEquals(2, e.line());
    e = bad("@problemName X\n@classLabel true a\n");
    assertEquals("t.ts:3:1: expected an @data line, found the end of the file", e.getMessage());
  }

  @Test
  void raggedLengths() {
    TsFormatException e = bad(HEAD + "1,2,3:4,5,6:a\n1,2,3:4,5:b\n");
    assertEquals("t.ts:12:7: expected 3 values in dimension 2 as dimension 1 of this case, found 2"
        + " (ragged lengths)", e.getMessage());
    e = bad(HEAD + "1,2:4,5:a\n");
    assertEquals("t.ts:11:1: expected 3 values in dimension 1 (@seriesLength), found 2"
        + " (ragged lengths)", e.getMessage());
    e = bad("@problemName X\n@equalLength true\n@classLabel false\n@data\n1,2,3\n1,2\n");
    assertEquals(6, e.line());
    assertTrue(e.getMessage().contains("ragged"), e.getMessage());
  }

  @Test
  void wrongDimensionCount() {
    TsFormatException e = bad(HEAD + "1,2,3:a\n");
    assertEquals("t.ts:11:7: expected 2 dimensions and a class label separated by ':', found 1"
        + " dimension", e.getMessage());
    e = bad("@problemName X\n@classLabel true a\n@data\n1:2:a\n1:a\n");
    assertEquals(5, e.line());
  }

  @Test
  void unknownLabel() {
    TsFormatException e = bad(HEAD + "1,2,3:4,5,6:c\n");
    assertEquals("t.ts:11:13: expected a class label in [a, b], found 'c'", e.getMessage());
  }

  @Test
  void nonNumericValue() {
    TsFormatException e = bad(HEAD + "1,2,3:4,five,6:a\n");
    assertEquals("t.ts:11:9: expected a number or '?', found 'five'", e.getMessage());
    e = bad(HEAD.replace("@missing true", "@missing false") + "1,?,3:4,5,6:a\n");
    assertEquals("t.ts:11:3: expected a number (@missing false), found '?'", e.getMessage());
    e = bad(HEAD + "1,,3:4,5,6:a\n");
    assertEquals(11, e.line());
    assertEquals(3, e.column());
  }
}
