package dev.longscan.examples;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.SparkContext;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;

/**
 * Where a job's time went, stage by stage, from Spark's own task metrics: wall time, the tasks'
 * summed run, CPU and GC time, how many task slots were busy on average, and the longest task.
 * Used by the jobs' {@code --profile} option to tell a job bound by its executors (busy slots
 * near the slot count, task time growing with the load) from one bound by the driver or the
 * scheduler (few busy slots).
 */
final class StageTimes extends SparkListener {
  private static final class Stage {
    String name;
    int tasks;
    long wallMs;
    long runMs;
    long cpuNs;
    long gcMs;
    long maxTaskMs;
    long deserMs;
    final Set<String> executors = new HashSet<>();
  }

  private final Map<Integer, Stage> stages = new TreeMap<>();
  private final SparkContext sc;

  private StageTimes(SparkContext sc) {
    this.sc = sc;
  }

  static StageTimes attach(SparkContext sc) {
    StageTimes t = new StageTimes(sc);
    sc.addSparkListener(t);
    return t;
  }

  private synchronized Stage stage(int id) {
    return stages.computeIfAbsent(id, k -> new Stage());
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd e) {
    TaskMetrics m = e.taskMetrics();
    synchronized (this) {
      Stage s = stage(e.stageId());
      s.tasks++;
      s.executors.add(e.taskInfo().executorId());
      s.maxTaskMs = Math.max(s.maxTaskMs, e.taskInfo().duration());
      if (m != null) {
        s.runMs += m.executorRunTime();
        s.cpuNs += m.executorCpuTime();
        s.gcMs += m.jvmGCTime();
        s.deserMs += m.executorDeserializeTime();
      }
    }
  }

  @Override
  public void onStageCompleted(SparkListenerStageCompleted e) {
    StageInfo info = e.stageInfo();
    synchronized (this) {
      Stage s = stage(info.stageId());
      s.name = info.name();
      if (info.submissionTime().isDefined() && info.completionTime().isDefined()) {
        s.wallMs = (Long) info.completionTime().get() - (Long) info.submissionTime().get();
      }
    }
  }

  /** One line per stage completed since the last call, then forgets them. */
  List<String> drain(int slots) {
    // listener events arrive asynchronously: let the bus deliver those of the finished jobs
    try {
      sc.listenerBus().waitUntilEmpty(10_000);
    } catch (java.util.concurrent.TimeoutException e) {
      // report what has arrived
    }
    return lines(slots);
  }

  private synchronized List<String> lines(int slots) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<Integer, Stage> en : stages.entrySet()) {
      Stage s = en.getValue();
      if (s.name == null) {
        continue;
      }
      double busy = s.wallMs > 0 ? (double) s.runMs / s.wallMs : 0;
      out.add(String.format(Locale.ROOT, "  stage %d (%s): %d tasks on %d executor(s), wall %.2f s;"
              + " task time: run %.1f s, cpu %.1f s, gc %.1f s, deserialize %.1f s; busy slots"
              + " %.1f of %d; longest task %.2f s", en.getKey(), s.name, s.tasks,
          s.executors.size(), s.wallMs / 1e3, s.runMs / 1e3, s.cpuNs / 1e9, s.gcMs / 1e3,
          s.deserMs / 1e3, busy, slots, s.maxTaskMs / 1e3));
    }
    stages.values().removeIf(s -> s.name != null);
    return out;
  }
}
