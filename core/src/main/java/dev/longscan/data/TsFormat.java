package dev.longscan.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads and writes the {@code .ts} format of the UEA/UCR archives (sktime's "ts file format
 * v1.0"), for classification problems without time stamps.
 *
 * <pre>
 * # comment lines start with '#'
 * &#64;problemName EigenWorms
 * &#64;timeStamps false
 * &#64;missing false
 * &#64;univariate false
 * &#64;dimensions 6
 * &#64;equalLength true
 * &#64;seriesLength 17984
 * &#64;classLabel true 1 2 3 4 5
 * &#64;data
 * 0.1,0.2,…:0.3,0.4,…:…:1      (one case: dimensions separated by ':', the label last)
 * </pre>
 *
 * Header names are case-insensitive. {@code @problemName} and {@code @classLabel} are required
 * ({@code @classLabel false}: no label field); {@code @univariate true} means one dimension,
 * {@code @dimensions k} k dimensions, otherwise the first case sets the count;
 * {@code @equalLength true} (with {@code @seriesLength n}, if given) requires every case to have
 * that length; every dimension of one case must have the same length. '?' is a missing value
 * (NaN), allowed unless {@code @missing false}. {@code @timeStamps true} and
 * {@code @targetLabel} (regression) are not supported and say so. Every error is a
 * {@link TsFormatException} naming the line and column.
 */
public final class TsFormat {
  private TsFormat() {}

  /** Reads a file (UTF-8). */
  public static TsDataset read(Path file) {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(r, file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** Reads from {@code in}; {@code source} names it in error messages. */
  public static TsDataset read(Reader in, String source) {
    try {
      return new Parser(source).parse(new BufferedReader(in));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + source, e);
    }
  }

  /** Writes {@code data} as a {@code .ts} file; {@link #read} gives back equal values. */
  public static void write(TsDataset data, Writer out) {
    try {
      StringBuilder h = new StringBuilder();
      h.append("@problemName ").append(data.problemName()).append('\n');
      h.append("@timeStamps false\n");
      h.append("@missing ").append(data.hasMissing()).append('\n');
      h.append("@univariate ").append(data.dimensions() == 1).append('\n');
      if (data.dimensions() > 1) {
        h.append("@dimensions ").append(data.dimensions()).append('\n');
      }
      h.append("@equalLength ").append(data.equalLength()).append('\n');
      if (data.equalLength()) {
        h.append("@seriesLength ").append(data.length(0)).append('\n');
      }
      h.append("@classLabel ").append(data.labelled());
      if (data.labelled()) {
        for (String l : data.classLabels()) {
          h.append(' ').append(l);
        }
      }
      h.append("\n@data\n");
      out.write(h.toString());
      for (int i = 0; i < data.size(); i++) {
        StringBuilder b = new StringBuilder();
        double[][] s = data.series(i);
        for (int d = 0; d < s.length; d++) {
          if (d > 0) {
            b.append(':');
          }
          for (int t = 0; t < s[d].length; t++) {
            if (t > 0) {
              b.append(',');
            }
            b.append(Double.isNaN(s[d][t]) ? "?" : Double.toString(s[d][t]));
          }
        }
        if (data.labelled()) {
          b.append(':').append(data.label(i));
        }
        out.write(b.append('\n').toString());
      }
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + data.problemName(), e);
    }
  }

  private static final class Parser {
    private final String source;
    private String problemName;
    private Boolean missing;
    private Boolean univariate;
    private int dimensions = -1;
    private Boolean equalLength;
    private int seriesLength = -1;
    private List<String> classLabels;
    private boolean sawClassLabel;
    private int lineNo;

    Parser(String source) {
      this.source = source;
    }

    private TsFormatException error(int column, String message) {
      return new TsFormatException(source, lineNo, column, message);
    }

    TsDataset parse(BufferedReader in) throws IOException {
      String line;
      boolean data = false;
      List<double[][]> series = new ArrayList<>();
      List<String> labels = new ArrayList<>();
      while ((line = in.readLine()) != null) {
        lineNo++;
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
          continue;
        }
        int col = line.indexOf(trimmed.charAt(0)) + 1;
        if (!data) {
          if (!trimmed.startsWith("@")) {
            throw error(col, "expected a header line starting with '@' before @data, found '"
                + abbreviate(trimmed) + "'");
          }
          data = header(trimmed, col);
          continue;
        }
        if (trimmed.startsWith("@")) {
          throw error(col, "expected a data line after @data, found the header '"
              + abbreviate(trimmed) + "'");
        }
        dataLine(line, series, labels);
      }
      if (!data) {
        lineNo++;
        throw error(1, "expected an @data line, found the end of the file");
      }
      if (series.isEmpty()) {
        throw error(1, "expected at least one case after @data, found none");
      }
      return TsDataset.of(problemName, classLabels, series,
          classLabels == null ? null : labels);
    }

    /** Handles one header; true at @data. */
    private boolean header(String h, int col) {
      String[] parts = h.split("\\s+");
      String name = parts[0].toLowerCase(Locale.ROOT);
      int valueCol = col + parts[0].length() + 1;
      switch (name) {
        case "@problemname":
          problemName = value(parts, h, "a problem name");
          return false;
        case "@timestamps":
          if (bool(parts, h, valueCol)) {
            throw error(valueCol, "@timeStamps true is not supported (expected false)");
          }
          return false;
        case "@missing":
          missing = bool(parts, h, valueCol);
          return false;
        case "@univariate":
          univariate = bool(parts, h, valueCol);
          return false;
        case "@dimension":
        case "@dimensions":
          dimensions = positive(parts, h, valueCol);
          return false;
        case "@equallength":
          equalLength = bool(parts, h, valueCol);
          return false;
        case "@serieslength":
          seriesLength = positive(parts, h, valueCol);
          return false;
        case "@classlabel":
          sawClassLabel = true;
          if (bool(parts, h, valueCol)) {
            if (parts.length < 3) {
              throw error(valueCol, "expected @classLabel true followed by the labels, found none");
            }
            classLabels = new ArrayList<>();
            for (int i = 2; i < parts.length; i++) {
              if (classLabels.contains(parts[i])) {
                throw error(h.indexOf(parts[i], valueCol) + col, "expected distinct class labels, found '"
                    + parts[i] + "' twice");
              }
              classLabels.add(parts[i]);
            }
          }
          return false;
        case "@targetlabel":
          throw error(col, "@targetLabel (regression) is not supported: expected @classLabel");
        case "@data":
          if (problemName == null) {
            throw error(col, "expected @problemName before @data, found none");
          }
          if (!sawClassLabel) {
            throw error(col, "expected @classLabel before @data, found none");
          }
          if (Boolean.TRUE.equals(univariate)) {
            if (dimensions > 1) {
              throw error(col, "expected @dimensions 1 with @univariate true, found " + dimensions);
            }
            dimensions = 1;
          }
          return true;
        default:
          throw error(col, "expected a known header (@problemName, @timeStamps, @missing, "
              + "@univariate, @dimensions, @equalLength, @seriesLength, @classLabel, @data), found '"
              + parts[0] + "'");
      }
    }

    private String value(String[] parts, String h, String what) {
      if (parts.length != 2) {
        throw error(1, "expected " + parts[0] + " followed by " + what + ", found '" + h + "'");
      }
      return parts[1];
    }

    private boolean bool(String[] parts, String h, int col) {
      if (parts.length < 2) {
        throw error(col, "expected " + parts[0] + " true or false, found nothing");
      }
      String v = parts[1].toLowerCase(Locale.ROOT);
      if (!v.equals("true") && !v.equals("false")) {
        throw error(col, "expected " + parts[0] + " true or false, found '" + parts[1] + "'");
      }
      if (!parts[0].equalsIgnoreCase("@classLabel") && parts.length > 2) {
        throw error(col, "expected only true or false after " + parts[0] + ", found '" + h + "'");
      }
      return v.equals("true");
    }

    private int positive(String[] parts, String h, int col) {
      String v = parts.length == 2 ? parts[1] : "";
      try {
        int k = Integer.parseInt(v);
        if (k >= 1) {
          return k;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw error(col, "expected " + parts[0] + " followed by a positive integer, found '" + h
          + "'");
    }

    private void dataLine(String line, List<double[][]> series, List<String> labels) {
      List<int[]> fields = new ArrayList<>(); // {start, end} of each ':'-separated field
      int start = 0;
      for (int i = 0; i <= line.length(); i++) {
        if (i == line.length() || line.charAt(i) == ':') {
          fields.add(new int[] {start, i});
          start = i + 1;
        }
      }
      int dimFields = fields.size() - (classLabels != null ? 1 : 0);
      if (dimensions < 0) {
        dimensions = dimFields;
      }
      if (dimFields != dimensions) {
        int[] last = fields.get(fields.size() - 1);
        throw error(last[0] + 1, "expected " + dimensions + " dimension" + (dimensions == 1 ? "" : "s")
            + (classLabels != null ? " and a class label" : "") + " separated by ':', found "
            + dimFields + " dimension" + (dimFields == 1 ? "" : "s"));
      }
      double[][] c = new double[dimensions][];
      for (int d = 0; d < dimensions; d++) {
        int[] f = fields.get(d);
        c[d] = values(line, f[0], f[1]);
        int expected = d > 0 ? c[0].length
            : Boolean.TRUE.equals(equalLength) && seriesLength > 0 ? seriesLength
            : Boolean.TRUE.equals(equalLength) && !series.isEmpty() ? series.get(0)[0].length : -1;
        if (expected >= 0 && c[d].length != expected) {
          String why = d > 0 ? "as dimension 1 of this case"
              : seriesLength > 0 ? "(@seriesLength)" : "(@equalLength true, as the first case)";
          throw error(f[0] + 1, "expected " + expected + " values in dimension " + (d + 1) + " "
              + why + ", found " + c[d].length + " (ragged lengths)");
        }
      }
      if (classLabels != null) {
        int[] f = fields.get(fields.size() - 1);
        String label = line.substring(f[0], f[1]).strip();
        if (!classLabels.contains(label)) {
          throw error(f[0] + 1, "expected a class label in " + classLabels + ", found '" + label
              + "'");
        }
        labels.add(label);
      }
      series.add(c);
    }

    private double[] values(String line, int from, int to) {
      List<Double> out = new ArrayList<>();
      int start = from;
      for (int i = from; i <= to; i++) {
        if (i == to || line.charAt(i) == ',') {
          String tok = line.substring(start, i).strip();
          int col = start + 1;
          if (tok.equals("?") || tok.equalsIgnoreCase("nan")) {
            if (Boolean.FALSE.equals(missing)) {
              throw error(col, "expected a number (@missing false), found '" + tok + "'");
            }
            out.add(Double.NaN);
          } else {
            double v;
            try {
              v = Double.parseDouble(tok);
            } catch (NumberFormatException e) {
              throw error(col, "expected a number or '?', found '" + abbreviate(tok) + "'");
            }
            if (!Double.isFinite(v)) {
              throw error(col, "expected a finite number or '?', found '" + tok + "'");
            }
            out.add(v);
          }
          start = i + 1;
        }
      }
      double[] v = new double[out.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = out.get(i);
      }
      return v;
    }

    private static String abbreviate(String s) {
      return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
  }
}
