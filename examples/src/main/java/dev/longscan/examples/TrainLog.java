package dev.longscan.examples;

import java.awt.Color;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;

/**
 * The training log of {@code longscan train}: a CSV file with one row per iteration
 * ({@code iteration,loss,accuracy,elapsed_s}; the loss exactly as Java prints a double, so that
 * two runs can be compared bit for bit; the accuracy empty for regression; seconds since the run
 * began, resumed runs included) and a PNG plot of loss and accuracy over iterations.
 */
final class TrainLog implements AutoCloseable {
  static final String HEADER = "iteration,loss,accuracy,elapsed_s";

  private final Path csv;
  private final List<double[]> rows = new ArrayList<>();
  private BufferedWriter out;

  private TrainLog(Path csv) {
    this.csv = csv;
  }

  /** A new log at {@code csv} (replacing any file there). */
  static TrainLog create(Path csv) throws IOException {
    TrainLog log = new TrainLog(csv);
    log.out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8);
    log.out.write(HEADER);
    log.out.newLine();
    log.out.flush();
    return log;
  }

  /**
   * The log at {@code csv} continued after {@code iteration}: rows up to it are kept, later ones
   * (written after the checkpoint a run resumes from) dropped. A missing file starts a new log.
   */
  static TrainLog resume(Path csv, long iteration) throws IOException {
    if (!Files.exists(csv)) {
      return create(csv);
    }
    TrainLog log = new TrainLog(csv);
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
      throw new UserError("expected " + csv + " to start with the header '" + HEADER
          + "' of a training log, found " + (lines.isEmpty() ? "an empty file"
          : "'" + lines.get(0) + "'") + "; move it away or pass another --out");
    }
    List<String> keep = new ArrayList<>();
    keep.add(HEADER);
    for (int i = 1; i < lines.size(); i++) {
      String s = lines.get(i);
      if (s.isBlank()) {
        continue;
      }
      String[] f = s.split(",", -1);
      double[] row;
      try {
        if (f.length != 4) {
          throw new NumberFormatException();
        }
        row = new double[] {Long.parseLong(f[0]), Double.parseDouble(f[1]),
            f[2].isEmpty() ? Double.NaN : Double.parseDouble(f[2]), Double.parseDouble(f[3])};
      } catch (NumberFormatException e) {
        throw new UserError("expected 'iteration,loss,accuracy,elapsed_s' on line " + (i + 1)
            + " of " + csv + ", found '" + s + "'");
      }
      if (row[0] <= iteration) {
        log.rows.add(row);
        keep.add(s);
      }
    }
    if (log.rows.size() != iteration) {
      throw new UserError("expected " + csv + " to hold the " + iteration + " iterations of the"
          + " checkpoint, found " + log.rows.size() + "; move it away to start a new log");
    }
    Path tmp = csv.resolveSibling(csv.getFileName() + ".tmp");
    Files.write(tmp, keep, StandardCharsets.UTF_8);
    Files.move(tmp, csv, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    log.out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    return log;
  }

  /** Seconds of the last row (0 when none): a resumed run's clock starts there. */
  double lastElapsed() {
    return rows.isEmpty() ? 0 : rows.get(rows.size() - 1)[3];
  }

  int size() {
    return rows.size();
  }

  void add(long iteration, double loss, double accuracy, double elapsedSeconds)
      throws IOException {
    rows.add(new double[] {iteration, loss, accuracy, elapsedSeconds});
    out.write(iteration + "," + loss + "," + (Double.isNaN(accuracy) ? "" : Double.toString(
        accuracy)) + "," + String.format(Locale.ROOT, "%.3f", elapsedSeconds));
    out.newLine();
  }

  void flush() throws IOException {
    out.flush();
  }

  /**
   * Writes the plot of the rows so far to {@code png}: loss on the left axis, accuracy (when the
   * task has one) on the right; returns false, writing nothing, when there are no rows.
   */
  boolean plot(Path png, String title) throws IOException {
    if (rows.isEmpty()) {
      return false;
    }
    System.setProperty("java.awt.headless", "true");
    int n = rows.size();
    double[] it = new double[n];
    double[] loss = new double[n];
    double[] acc = new double[n];
    boolean hasAccuracy = false;
    for (int i = 0; i < n; i++) {
      double[] r = rows.get(i);
      it[i] = r[0];
      // a non-finite value cannot be drawn; the CSV keeps it
      loss[i] = Double.isFinite(r[1]) ? r[1] : Double.NaN;
      acc[i] = r[2];
      hasAccuracy |= !Double.isNaN(r[2]);
    }
    XYChart chart = new XYChartBuilder().width(900).height(500).title(title)
        .xAxisTitle("iteration").yAxisTitle("loss").build();
    chart.getStyler().setMarkerSize(0);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    XYSeries l = chart.addSeries("loss", it, loss);
    l.setLineColor(new Color(0x1f, 0x77, 0xb4));
    if (hasAccuracy) {
      XYSeries a = chart.addSeries("accuracy", it, acc);
      a.setLineColor(new Color(0xd6, 0x27, 0x28));
      a.setYAxisGroup(1);
      chart.setYAxisGroupTitle(1, "accuracy");
      chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
    }
    Path tmp = png.resolveSibling(png.getFileName() + ".tmp");
    try (OutputStream o = Files.newOutputStream(tmp)) {
      BitmapEncoder.saveBitmap(chart, o, BitmapEncoder.BitmapFormat.PNG);
    }
    Files.move(tmp, png, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return true;
  }

  @Override
  public void close() throws IOException {
    if (out != null) {
      out.close();
    }
  }
}
