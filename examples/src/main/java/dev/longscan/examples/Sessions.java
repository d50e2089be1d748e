package dev.longscan.examples;

import dev.longscan.spark.LongscanKryoRegistrator;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The SparkSession of a job: the master given by spark-submit when there is one, else the one
 * asked for (local mode by default); Kryo with longscan's registrator.
 */
final class Sessions {
  private Sessions() {}

  static SparkSession start(String appName, String master, String backend) {
    SparkConf conf = new SparkConf();
    SparkSession.Builder b = SparkSession.builder().appName(appName);
    if (!conf.contains("spark.master")) {
      b.master(master)
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1")
          // Spark's progress bar, when a person is watching
          .config("spark.ui.showConsoleProgress", Boolean.toString(System.console() != null));
    }
    if (!conf.contains("spark.serializer")) {
      b.config("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
    }
    String reg = conf.get("spark.kryo.registrator", "");
    if (!reg.contains(LongscanKryoRegistrator.class.getName())) {
      b.config("spark.kryo.registrator", reg.isEmpty() ? LongscanKryoRegistrator.class.getName()
          : reg + "," + LongscanKryoRegistrator.class.getName());
    }
    if (backend != null) {
      b.config("spark.longscan.backend", backend);
    }
    return b.getOrCreate();
  }
}
