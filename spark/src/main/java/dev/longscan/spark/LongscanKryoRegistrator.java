package dev.longscan.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import dev.longscan.Summary;
import org.apache.spark.serializer.KryoRegistrator;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Registers with Kryo every class of longscan that crosses the wire: phase 1's reports (task
 * results), phase 2's plans (broadcast), the RDD entry point's {@link Chunk} and
 * {@link ChunkResult}, the chunk states it keeps between its phases (written to disk when they
 * leave memory), and what they hold. Use it with
 * <pre>
 *   spark.serializer=org.apache.spark.serializer.KryoSerializer
 *   spark.kryo.registrator=dev.longscan.spark.LongscanKryoRegistrator
 * </pre>
 * (several registrators may be listed, comma-separated). With
 * {@code spark.kryo.registrationRequired=true} nothing else of longscan's needs registering.
 */
public final class LongscanKryoRegistrator implements KryoRegistrator {

  @Override
  public void registerClasses(Kryo kryo) {
    kryo.register(Summary.class, new SummarySerializer());
    kryo.register(Summary[].class);
    kryo.register(PartitionReport.class);
    kryo.register(PartitionReport[].class);
    kryo.register(LocalStates.class);
    kryo.register(DataError.class);
    kryo.register(PartitionPlan.class);
    kryo.register(PartitionPlan[].class);
    kryo.register(Chunk.class, new ChunkSerializer());
    kryo.register(Chunk[].class);
    kryo.register(ChunkResult.class, new ChunkResultSerializer());
    kryo.register(ChunkResult[].class);
    kryo.register(DenseChunk.class);
    kryo.register(DenseChunk[].class);
    kryo.register(dev.longscan.algebra.DenseSummary.class);
    kryo.register(dev.longscan.algebra.DenseSummary[].class);
    // what reports hold: key snapshots (Long, Boolean, UTF8String, byte[], BigDecimal) and arrays
    kryo.register(Object[].class);
    kryo.register(Object[][].class);
    kryo.register(UTF8String.class);
    kryo.register(java.math.BigDecimal.class);
    kryo.register(java.math.BigInteger.class);
    kryo.register(double[].class);
    kryo.register(float[].class);
    kryo.register(boolean[].class);
    kryo.register(byte[].class);
    kryo.register(long[].class);
  }

  /** Summary: width, resets, a, b (float64). */
  static final class SummarySerializer extends Serializer<Summary> {
    @Override
    public void write(Kryo kryo, Output out, Summary s) {
      int w = s.width();
      out.writeInt(w, true);
      out.writeBoolean(s.resets());
      for (int c = 0; c < w; c++) {
        out.writeDouble(s.a(c));
      }
      for (int c = 0; c < w; c++) {
        out.writeDouble(s.b(c));
      }
    }

    @Override
    public Summary read(Kryo kryo, Input in, Class<Summary> type) {
      int w = in.readInt(true);
      boolean resets = in.readBoolean();
      return Summary.of(in.readDoubles(w), in.readDoubles(w), resets);
    }
  }

  /** Chunk: series, ordinal, width, precision, a, b. */
  static final class ChunkSerializer extends Serializer<Chunk> {
    @Override
    public void write(Kryo kryo, Output out, Chunk c) {
      out.writeLong(c.series());
      out.writeLong(c.ordinal());
      out.writeInt(c.width(), true);
      boolean f32 = c.precision() == dev.longscan.Precision.FLOAT32;
      out.writeBoolean(f32);
      int n = c.steps() * c.width();
      out.writeInt(n, true);
      if (f32) {
        out.writeFloats(c.a().floatArray());
        out.writeFloats(c.b().floatArray());
      } else {
        out.writeDoubles(c.a().doubleArray());
        out.writeDoubles(c.b().doubleArray());
      }
    }

    @Override
    public Chunk read(Kryo kryo, Input in, Class<Chunk> type) {
      long series = in.readLong();
      long ordinal = in.readLong();
      int width = in.readInt(true);
      boolean f32 = in.readBoolean();
      int n = in.readInt(true);
      return f32
          ? Chunk.of(series, ordinal, width, in.readFloats(n), in.readFloats(n))
          : Chunk.of(series, ordinal, width, in.readDoubles(n), in.readDoubles(n));
    }
  }

  /** ChunkResult: series, ordinal, width, precision, h. */
  static final class ChunkResultSerializer extends Serializer<ChunkResult> {
    @Override
    public void write(Kryo kryo, Output out, ChunkResult r) {
      out.writeLong(r.series());
      out.writeLong(r.ordinal());
      out.writeInt(r.width(), true);
      boolean f32 = r.precision() == dev.longscan.Precision.FLOAT32;
      out.writeBoolean(f32);
      out.writeInt(r.steps() * r.width(), true);
      if (f32) {
        out.writeFloats(r.h().floatArray());
      } else {
        out.writeDoubles(r.h().doubleArray());
      }
    }

    @Override
    public ChunkResult read(Kryo kryo, Input in, Class<ChunkResult> type) {
      long series = in.readLong();
      long ordinal = in.readLong();
      int width = in.readInt(true);
      boolean f32 = in.readBoolean();
      int n = in.readInt(true);
      return f32 ? new ChunkResult(series, ordinal, width, in.readFloats(n), null)
          : new ChunkResult(series, ordinal, width, null, in.readDoubles(n));
    }
  }
}
