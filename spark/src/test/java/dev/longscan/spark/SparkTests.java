package dev.longscan.spark;

import org.apache.spark.sql.SparkSession;

/**
 * The one local-mode SparkSession the tests of this JVM share (starting one costs seconds):
 * two task threads, up to three attempts per task (so injected first-attempt failures are
 * retried), Kryo with registration required and longscan's registrator, few shuffle partitions.
 */
final class SparkTests {
  private static SparkSession session;

  private SparkTests() {}

  static synchronized SparkSession session() {
    if (session == null) {
      session = SparkSession.builder()
          .master("local[2,3]")
          .appName("longscan-spark-tests")
          .config("spark.ui.enabled", "false")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
          .config("spark.kryo.registrationRequired", "true")
          .config("spark.kryo.registrator", LongscanKryoRegistrator.class.getName())
          .config("spark.sql.shuffle.partitions", "7")
          .config("spark.default.parallelism", "4")
          .getOrCreate();
      SparkSession s = session;
      Runtime.getRuntime().addShutdownHook(new Thread(s::stop));
    }
    return session;
  }

  /** Stops the shared session (for a test class that needs a different master). */
  static synchronized void stop() {
    if (session != null) {
      session.stop();
      session = null;
    }
  }
}
