package dev.longscan.spark;

import dev.longscan.ParameterException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Typed access to the key, order and value columns of an {@link InternalRow}, resolved once on
 * the driver from the schema (so a missing column or a wrong type fails before any job runs) and
 * shipped to the executors with the task.
 *
 * <p>Key values are kept as small stable snapshots ({@code Long}, {@code Boolean}, {@code byte[]}
 * for binary, {@link UTF8String} for strings, {@link BigDecimal}) so that they can be compared on
 * the driver after crossing the wire, with the same order Spark's sort uses.
 */
final class Columns {
  private Columns() {}

  /** Index of {@code name} in {@code schema}, or a ParameterException listing the columns. */
  static int ordinal(StructType schema, String name, String role) {
    if (name == null) {
      throw new ParameterException("expected " + article(role) + " " + role
          + " column name, found null");
    }
    String[] names = schema.fieldNames();
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(name)) {
        return i;
      }
    }
    // Spark resolves column names case-insensitively by default; accept a unique such match
    int found = -1;
    for (int i = 0; i < names.length; i++) {
      if (names[i].equalsIgnoreCase(name)) {
        if (found >= 0) {
          throw new ParameterException("expected one " + role + " column named '" + name
              + "', found several that differ only in case: " + Arrays.toString(names));
        }
        found = i;
      }
    }
    if (found < 0) {
      throw new ParameterException("expected " + article(role) + " " + role + " column '" + name
          + "' in the DataFrame, found only " + describe(schema));
    }
    return found;
  }

  static String article(String word) {
    return "aeiou".indexOf(Character.toLowerCase(word.charAt(0))) >= 0 ? "an" : "a";
  }

  static String describe(StructType schema) {
    List<String> parts = new ArrayList<>();
    for (StructField f : schema.fields()) {
      parts.add(f.name() + ": " + f.dataType().simpleString());
    }
    return "[" + String.join(", ", parts) + "]";
  }

  static boolean isNumeric(DataType t) {
    return t instanceof ByteType || t instanceof ShortType || t instanceof IntegerType
        || t instanceof LongType || t instanceof FloatType || t instanceof DoubleType
        || t instanceof DecimalType;
  }

  /** Rows [0, n) of an integral column as longs: width 0 long, 1 int, 2 short, 3 byte. */
  static void readLongs(ColumnVector v, int n, long[] out, int width) {
    switch (width) {
      case 0:
        for (int i = 0; i < n; i++) {
          out[i] = v.getLong(i);
        }
        break;
      case 1:
        for (int i = 0; i < n; i++) {
          out[i] = v.getInt(i);
        }
        break;
      case 2:
        for (int i = 0; i < n; i++) {
          out[i] = v.getShort(i);
        }
        break;
      default:
        for (int i = 0; i < n; i++) {
          out[i] = v.getByte(i);
        }
    }
  }

  // ---------------------------------------------------------------- values

  /** A numeric column read as a double. */
  static final class Value implements Serializable {
    private static final long serialVersionUID = 1L;
    final String name;
    final int ordinal;
    private final int kind; // 0 double, 1 float, 2 long, 3 int, 4 short, 5 byte, 6 decimal
    private final int precision;
    private final int scale;

    Value(StructType schema, String name, String role) {
      this.ordinal = ordinal(schema, name, role);
      StructField f = schema.fields()[ordinal];
      this.name = f.name();
      DataType t = f.dataType();
      if (t instanceof DoubleType) {
        kind = 0;
      } else if (t instanceof FloatType) {
        kind = 1;
      } else if (t instanceof LongType) {
        kind = 2;
      } else if (t instanceof IntegerType) {
        kind = 3;
      } else if (t instanceof ShortType) {
        kind = 4;
      } else if (t instanceof ByteType) {
        kind = 5;
      } else if (t instanceof DecimalType) {
        kind = 6;
      } else {
        throw new ParameterException("expected a numeric " + role + " column '" + name
            + "' (double, float, long, int, short, byte or decimal), found type "
            + t.simpleString());
      }
      if (t instanceof DecimalType) {
        precision = ((DecimalType) t).precision();
        scale = ((DecimalType) t).scale();
      } else {
        precision = 0;
        scale = 0;
      }
    }

    boolean isNull(InternalRow r) {
      return r.isNullAt(ordinal);
    }

    boolean isDecimal() {
      return kind == 6;
    }

    /** Rows [0, n) of the column as doubles into out (not for decimals). */
    void read(ColumnVector v, int n, double[] out) {
      switch (kind) {
        case 0:
          for (int i = 0; i < n; i++) {
            out[i] = v.getDouble(i);
          }
          break;
        case 1:
          for (int i = 0; i < n; i++) {
            out[i] = v.getFloat(i);
          }
          break;
        case 2:
          for (int i = 0; i < n; i++) {
            out[i] = v.getLong(i);
          }
          break;
        case 3:
          for (int i = 0; i < n; i++) {
            out[i] = v.getInt(i);
          }
          break;
        case 4:
          for (int i = 0; i < n; i++) {
            out[i] = v.getShort(i);
          }
          break;
        case 5:
          for (int i = 0; i < n; i++) {
            out[i] = v.getByte(i);
          }
          break;
        default:
          throw new IllegalStateException("decimal column " + name + " read in bulk");
      }
    }

    double get(InternalRow r) {
      switch (kind) {
        case 0:
          return r.getDouble(ordinal);
        case 1:
          return r.getFloat(ordinal);
        case 2:
          return r.getLong(ordinal);
        case 3:
          return r.getInt(ordinal);
        case 4:
          return r.getShort(ordinal);
        case 5:
          return r.getByte(ordinal);
        default:
          return r.getDecimal(ordinal, precision, scale).toDouble();
      }
    }
  }

  // ---------------------------------------------------------------- order / time

  /**
   * The order column: integral, date and timestamp columns are compared exactly as longs
   * (timestamps in microseconds, dates in days); float and double columns as doubles. For the
   * decay of time-aware filters the value is also read as a double in the column's unit.
   */
  static final class Time implements Serializable {
    private static final long serialVersionUID = 1L;
    final String name;
    final int ordinal;
    final boolean integral;
    private final int kind; // 0 long, 1 int, 2 short, 3 byte, 4 date, 5 timestamp, 6 ntz, 7 double, 8 float

    Time(StructType schema, String name) {
      this.ordinal = ordinal(schema, name, "order");
      StructField f = schema.fields()[ordinal];
      this.name = f.name();
      DataType t = f.dataType();
      if (t instanceof LongType) {
        kind = 0;
      } else if (t instanceof IntegerType) {
        kind = 1;
      } else if (t instanceof ShortType) {
        kind = 2;
      } else if (t instanceof ByteType) {
        kind = 3;
      } else if (t instanceof DateType) {
        kind = 4;
      } else if (t instanceof TimestampType) {
        kind = 5;
      } else if (t instanceof TimestampNTZType) {
        kind = 6;
      } else if (t instanceof DoubleType) {
        kind = 7;
      } else if (t instanceof FloatType) {
        kind = 8;
      } else {
        throw new ParameterException("expected an order column '" + name + "' of a numeric, date"
            + " or timestamp type, found type " + t.simpleString());
      }
      integral = kind <= 6;
    }

    boolean isTimestamp() {
      return kind == 5 || kind == 6;
    }

    boolean isDate() {
      return kind == 4;
    }

    /** The unit that a plain-number half-life is read in, for messages and docs. */
    String unit() {
      return isTimestamp() ? "seconds" : isDate() ? "days" : "units of the order column";
    }

    boolean isNull(InternalRow r) {
      return r.isNullAt(ordinal);
    }

    long getLong(InternalRow r) {
      switch (kind) {
        case 0:
        case 5:
        case 6:
          return r.getLong(ordinal);
        case 1:
        case 4:
          return r.getInt(ordinal);
        case 2:
          return r.getShort(ordinal);
        default:
          return r.getByte(ordinal);
      }
    }

    /** Rows [0, n) of the column: integral kinds as longs into l, the others as doubles into d. */
    void read(ColumnVector v, int n, long[] l, double[] d) {
      if (kind == 7) {
        for (int i = 0; i < n; i++) {
          d[i] = v.getDouble(i);
        }
      } else if (kind == 8) {
        for (int i = 0; i < n; i++) {
          d[i] = v.getFloat(i);
        }
      } else {
        // long, timestamps: 8 bytes; int, date: 4; short: 2; byte: 1
        readLongs(v, n, l, kind == 0 || kind == 5 || kind == 6 ? 0 : kind == 1 || kind == 4 ? 1
            : kind);
      }
    }

    double getDouble(InternalRow r) {
      if (kind == 7) {
        return r.getDouble(ordinal);
      }
      if (kind == 8) {
        return r.getFloat(ordinal);
      }
      return getLong(r);
    }

    /**
     * The gap from order value (l0, d0) to a larger one (l1, d1): for integral, date and
     * timestamp columns the exact difference of the longs (days, microseconds), which is below
     * 2^64 since l1 &gt; l0, rounded once to the nearest double; for floating-point columns
     * d1 − d0. Converting the values to doubles first would lose the gap's low bits (epoch
     * nanoseconds are about 1.7e18, where doubles are 256 apart).
     */
    double gap(long l0, double d0, long l1, double d1) {
      return integral ? unsignedToDouble(l1 - l0) : d1 - d0;
    }

    /** A value for messages (exact long for integral kinds, else the double). */
    String display(long l, double d) {
      if (!integral) {
        return Double.toString(d);
      }
      switch (kind) {
        case 4:
          return LocalDate.ofEpochDay(l).toString();
        case 5:
          return Instant.ofEpochSecond(Math.floorDiv(l, 1_000_000L),
              Math.floorMod(l, 1_000_000L) * 1000L).toString();
        case 6:
          return LocalDateTime.ofEpochSecond(Math.floorDiv(l, 1_000_000L),
              (int) Math.floorMod(l, 1_000_000L) * 1000, ZoneOffset.UTC).toString();
        default:
          return Long.toString(l);
      }
    }
  }

  /** The unsigned 64-bit value of {@code v}, rounded to the nearest double. */
  static double unsignedToDouble(long v) {
    if (v >= 0) {
      return v;
    }
    // halve with the lost bit kept as a sticky bit, so that the one rounding is still correct
    return ((double) ((v >>> 1) | (v & 1))) * 2.0;
  }

  // ---------------------------------------------------------------- keys

  /** One key column: null test, stable snapshot, equality and Spark's ascending order. */
  abstract static class KeyCol implements Serializable {
    private static final long serialVersionUID = 1L;
    final String name;
    final int ordinal;

    KeyCol(String name, int ordinal) {
      this.name = name;
      this.ordinal = ordinal;
    }

    final boolean isNull(InternalRow r) {
      return r.isNullAt(ordinal);
    }

    /** A stable copy of the value (safe to keep after the row object is reused). */
    abstract Object snapshot(InternalRow r);

    abstract boolean same(InternalRow r, Object snap);

    /** Order of two snapshots, as Spark sorts them ascending. */
    abstract int compare(Object x, Object y);

    String display(Object v) {
      return String.valueOf(v);
    }

    static KeyCol of(StructType schema, String column) {
      int ord = ordinal(schema, column, "key");
      StructField f = schema.fields()[ord];
      DataType t = f.dataType();
      String n = f.name();
      if (t instanceof LongType || t instanceof TimestampType || t instanceof TimestampNTZType) {
        return new LongKey(n, ord, 0);
      } else if (t instanceof IntegerType || t instanceof DateType) {
        return new LongKey(n, ord, 1);
      } else if (t instanceof ShortType) {
        return new LongKey(n, ord, 2);
      } else if (t instanceof ByteType) {
        return new LongKey(n, ord, 3);
      } else if (t instanceof BooleanType) {
        return new BoolKey(n, ord);
      } else if (t instanceof StringType) {
        return new StringKey(n, ord, ((StringType) t).collationId());
      } else if (t instanceof BinaryType) {
        return new BinaryKey(n, ord);
      } else if (t instanceof DecimalType) {
        return new DecimalKey(n, ord, (DecimalType) t);
      }
      throw new ParameterException("expected a key column '" + column + "' of type string,"
          + " integral, boolean, date, timestamp, decimal or binary, found type "
          + t.simpleString() + (t instanceof DoubleType || t instanceof FloatType
              ? " (floating-point keys are ambiguous: cast or round them first)" : ""));
    }
  }

  static final class LongKey extends KeyCol {
    private static final long serialVersionUID = 1L;
    private final int width; // 0 long, 1 int, 2 short, 3 byte

    LongKey(String name, int ordinal, int width) {
      super(name, ordinal);
      this.width = width;
    }

    /** Rows [0, n) of the column as longs into out. */
    void read(ColumnVector v, int n, long[] out) {
      readLongs(v, n, out, width);
    }

    private long get(InternalRow r) {
      switch (width) {
        case 0:
          return r.getLong(ordinal);
        case 1:
          return r.getInt(ordinal);
        case 2:
          return r.getShort(ordinal);
        default:
          return r.getByte(ordinal);
      }
    }

    @Override
    Object snapshot(InternalRow r) {
      return get(r);
    }

    @Override
    boolean same(InternalRow r, Object snap) {
      return get(r) == (Long) snap;
    }

    @Override
    int compare(Object x, Object y) {
      return Long.compare((Long) x, (Long) y);
    }
  }

  static final class BoolKey extends KeyCol {
    private static final long serialVersionUID = 1L;

    BoolKey(String name, int ordinal) {
      super(name, ordinal);
    }

    @Override
    Object snapshot(InternalRow r) {
      return r.getBoolean(ordinal);
    }

    @Override
    boolean same(InternalRow r, Object snap) {
      return r.getBoolean(ordinal) == (Boolean) snap;
    }

    @Override
    int compare(Object x, Object y) {
      return Boolean.compare((Boolean) x, (Boolean) y);
    }
  }

  static final class StringKey extends KeyCol {
    private static final long serialVersionUID = 1L;
    private final int collation;

    StringKey(String name, int ordinal, int collation) {
      super(name, ordinal);
      this.collation = collation;
    }

    @Override
    Object snapshot(InternalRow r) {
      return r.getUTF8String(ordinal).clone();
    }

    @Override
    boolean same(InternalRow r, Object snap) {
      UTF8String s = r.getUTF8String(ordinal);
      return collation == 0 ? s.equals(snap) : s.semanticEquals((UTF8String) snap, collation);
    }

    @Override
    int compare(Object x, Object y) {
      UTF8String a = (UTF8String) x;
      UTF8String b = (UTF8String) y;
      return collation == 0 ? a.binaryCompare(b) : a.semanticCompare(b, collation);
    }

    @Override
    String display(Object v) {
      return "'" + v + "'";
    }
  }

  static final class BinaryKey extends KeyCol {
    private static final long serialVersionUID = 1L;

    BinaryKey(String name, int ordinal) {
      super(name, ordinal);
    }

    @Override
    Object snapshot(InternalRow r) {
      return r.getBinary(ordinal).clone();
    }

    @Override
    boolean same(InternalRow r, Object snap) {
      return Arrays.equals(r.getBinary(ordinal), (byte[]) snap);
    }

    @Override
    int compare(Object x, Object y) {
      return Arrays.compareUnsigned((byte[]) x, (byte[]) y);
    }

    @Override
    String display(Object v) {
      byte[] b = (byte[]) v;
      StringBuilder sb = new StringBuilder("0x");
      for (int i = 0; i < Math.min(b.length, 32); i++) {
        sb.append(String.format("%02x", b[i] & 0xff));
      }
      return b.length > 32 ? sb.append("…").toString() : sb.toString();
    }
  }

  static final class DecimalKey extends KeyCol {
    private static final long serialVersionUID = 1L;
    private final int precision;
    private final int scale;

    DecimalKey(String name, int ordinal, DecimalType t) {
      super(name, ordinal);
      precision = t.precision();
      scale = t.scale();
    }

    @Override
    Object snapshot(InternalRow r) {
      return r.getDecimal(ordinal, precision, scale).toJavaBigDecimal();
    }

    @Override
    boolean same(InternalRow r, Object snap) {
      return r.getDecimal(ordinal, precision, scale).toJavaBigDecimal().compareTo((BigDecimal) snap)
          == 0;
    }

    @Override
    int compare(Object x, Object y) {
      return ((BigDecimal) x).compareTo((BigDecimal) y);
    }
  }

  /** All key columns of a scan (possibly none: one series). */
  static final class Keys implements Serializable {
    private static final long serialVersionUID = 1L;
    final KeyCol[] cols;

    Keys(StructType schema, String[] names) {
      cols = new KeyCol[names.length];
      for (int i = 0; i < names.length; i++) {
        cols[i] = KeyCol.of(schema, names[i]);
      }
    }

    boolean present() {
      return cols.length > 0;
    }

    /** Index of the first key column that is null in r, or -1. */
    int firstNull(InternalRow r) {
      for (int i = 0; i < cols.length; i++) {
        if (cols[i].isNull(r)) {
          return i;
        }
      }
      return -1;
    }

    Object[] snapshot(InternalRow r) {
      Object[] s = new Object[cols.length];
      for (int i = 0; i < cols.length; i++) {
        s[i] = cols[i].snapshot(r);
      }
      return s;
    }

    boolean same(InternalRow r, Object[] snap) {
      for (int i = 0; i < cols.length; i++) {
        if (!cols[i].same(r, snap[i])) {
          return false;
        }
      }
      return true;
    }

    boolean same(Object[] x, Object[] y) {
      return compare(x, y) == 0;
    }

    int compare(Object[] x, Object[] y) {
      for (int i = 0; i < cols.length; i++) {
        int c = cols[i].compare(x[i], y[i]);
        if (c != 0) {
          return c;
        }
      }
      return 0;
    }

    /** For messages: {@code sym='AAPL'} or {@code (sym='AAPL', venue=3)}. */
    String display(Object[] snap) {
      if (snap == null) {
        return "(no key)";
      }
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < cols.length; i++) {
        if (i > 0) {
          sb.append(", ");
        }
        sb.append(cols[i].name).append('=').append(snap[i] == null ? "null"
            : cols[i].display(snap[i]));
      }
      return cols.length > 1 ? "(" + sb + ")" : sb.toString();
    }
  }

}
