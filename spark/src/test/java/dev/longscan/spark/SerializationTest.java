package dev.longscan.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.longscan.Summary;
import java.math.BigDecimal;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.JavaSerializer;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag$;

/**
 * Every class longscan sends over the wire round-trips through Kryo with registration required,
 * and through Spark's default Java serializer.
 */
class SerializationTest {

  private static <T> T roundTrip(SerializerInstance ser, T value) {
    return ser.deserialize(ser.serialize(value, ClassTag$.MODULE$.apply(Object.class)),
        ClassTag$.MODULE$.apply(Object.class));
  }

  @Test
  void kryoWithRegistrationRequired() {
    SparkConf conf = new SparkConf()
        .set("spark.kryo.registrationRequired", "true")
        .set("spark.kryo.registrator", LongscanKryoRegistrator.class.getName());
    roundTrips(new KryoSerializer(conf).newInstance());
  }

  @Test
  void javaSerialization() {
    roundTrips(new JavaSerializer(new SparkConf()).newInstance());
  }

  private static void roundTrips(SerializerInstance ser) {
    PartitionReport rep = new PartitionReport(3);
    rep.rows = 7;
    rep.firstKey = new Object[] {UTF8String.fromString("AAPL"), 4L, true,
        new BigDecimal("1.25"), new byte[] {1, 2}};
    rep.lastKey = rep.firstKey.clone();
    rep.blocks = new Summary[] {Summary.of(new double[] {0.5, 1}, new double[] {2, 3}, true)};
    rep.chunkStarts = new boolean[] {false, true};
    rep.entryIn = new double[] {1.5};
    rep.error = new DataError(DataError.NULL_VALUE, "x", 4, 2, true, rep.firstKey);
    Object[] reps = {rep};
    PartitionReport back = (PartitionReport) ((Object[]) roundTrip(ser, reps))[0];
    assertEquals(7, back.rows);
    assertEquals(rep.blocks[0], back.blocks[0]);
    assertEquals("AAPL", back.firstKey[0].toString());
    assertEquals(new BigDecimal("1.25"), back.lastKey[3]);
    assertArrayEquals(new byte[] {1, 2}, (byte[]) back.firstKey[4]);
    assertEquals("x", back.error.column);

    PartitionPlan plan = new PartitionPlan();
    plan.carries = new double[] {1, 2, 3};
    plan.blocks = 3;
    PartitionPlan[] plans = roundTrip(ser, new PartitionPlan[] {plan});
    assertArrayEquals(plan.carries, plans[0].carries);

    Chunk c = Chunk.of(9, 4, 2, new float[] {1, 2, 3, 4}, new float[] {5, 6, 7, 8});
    Chunk cb = roundTrip(ser, c);
    assertEquals(4, cb.ordinal());
    assertEquals(9, cb.series());
    assertArrayEquals(c.b().floatArray(), cb.b().floatArray());
    ChunkResult cr = ChunkResult.of(1, 2, dev.longscan.Sequence.of(new double[] {1, 2}));
    ChunkResult crb = roundTrip(ser, cr);
    assertArrayEquals(cr.h().doubleArray(), crb.h().doubleArray());

    // what phase 1 keeps between the phases goes to disk when it leaves memory
    LocalStates ls = new LocalStates(5, rep, "single-thread");
    ls.states = new Object[] {new float[] {1, 2}, null, new double[] {3}};
    ls.headA = new Object[] {new float[] {1}, null, null};
    ls.headB = ls.headA.clone();
    ls.series = new long[] {1, 1, 2};
    ls.ordinals = new long[] {4, 5, 0};
    LocalStates lsb = roundTrip(ser, ls);
    assertEquals(5, lsb.partition);
    assertEquals(7, lsb.report.rows);
    assertArrayEquals(new float[] {1, 2}, (float[]) lsb.states[0]);
    assertEquals(null, lsb.states[1]);
    assertArrayEquals(new double[] {3}, (double[]) lsb.states[2]);
    assertArrayEquals(new float[] {1}, (float[]) lsb.headB[0]);
    assertArrayEquals(ls.ordinals, lsb.ordinals);
    assertEquals("single-thread", lsb.guessedBy);
  }
}
