package io.aifocus.jobs.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Spark's own metrics, summed per job description (the pipeline labels its stages with
 * {@code SparkContext.setJobDescription}): jobs, stages, tasks, job wall time, executor run and CPU time, GC, input
 * and output records and bytes, shuffle, spill.
 */
public final class SparkStageMetrics extends SparkListener {
  /** Totals of one label. Mutable while collecting; {@link #snapshot()} hands out copies. */
  public static final class Totals {
    public long jobs;
    public long stages;
    public long tasks;
    public long jobWallMs;
    public long executorRunMs;
    public long executorCpuNs;
    public long gcMs;
    public long recordsRead;
    public long bytesRead;
    public long recordsWritten;
    public long bytesWritten;
    public long shuffleReadBytes;
    public long shuffleWriteBytes;
    public long spilledBytes;

    /** Adds {@code other} into these totals. */
    public void add(Totals other) {
      jobs += other.jobs;
      stages += other.stages;
      tasks += other.tasks;
      jobWallMs += other.jobWallMs;
      executorRunMs += other.executorRunMs;
      executorCpuNs += other.executorCpuNs;
      gcMs += other.gcMs;
      recordsRead += other.recordsRead;
      bytesRead += other.bytesRead;
      recordsWritten += other.recordsWritten;
      bytesWritten += other.bytesWritten;
      shuffleReadBytes += other.shuffleReadBytes;
      shuffleWriteBytes += other.shuffleWriteBytes;
      spilledBytes += other.spilledBytes;
    }

    Totals copy() {
      Totals t = new Totals();
      t.jobs = jobs;
      t.stages = stages;
      t.tasks = tasks;
      t.jobWallMs = jobWallMs;
      t.executorRunMs = executorRunMs;
      t.executorCpuNs = executorCpuNs;
      t.gcMs = gcMs;
      t.recordsRead = recordsRead;
      t.bytesRead = bytesRead;
      t.recordsWritten = recordsWritten;
      t.bytesWritten = bytesWritten;
      t.shuffleReadBytes = shuffleReadBytes;
      t.shuffleWriteBytes = shuffleWriteBytes;
      t.spilledBytes = spilledBytes;
      return t;
    }
  }

  static final String UNLABELLED = "(no description)";
  /** The local property SparkContext.setJobDescription sets. */
  static final String JOB_DESCRIPTION = "spark.job.description";

  private final Map<String, Totals> byLabel = new LinkedHashMap<>();
  private final Map<Integer, String> stageLabel = new HashMap<>();
  private final Map<Integer, String> jobLabel = new HashMap<>();
  private final Map<Integer, Long> jobStart = new HashMap<>();

  @Override
  public synchronized void onJobStart(SparkListenerJobStart e) {
    String label = e.properties() == null ? null : e.properties().getProperty(JOB_DESCRIPTION);
    label = label == null ? UNLABELLED : label;
    jobLabel.put(e.jobId(), label);
    jobStart.put(e.jobId(), e.time());
    totals(label).jobs++;
    for (Object id : scala.jdk.javaapi.CollectionConverters.asJava(e.stageIds())) {
      stageLabel.put((Integer) id, label);
    }
  }

  @Override
  public synchronized void onJobEnd(SparkListenerJobEnd e) {
    String label = jobLabel.remove(e.jobId());
    Long start = jobStart.remove(e.jobId());
    if (label != null && start != null) {
      totals(label).jobWallMs += e.time() - start;
    }
  }

  @Override
  public synchronized void onStageCompleted(SparkListenerStageCompleted e) {
    totals(stageLabel.getOrDefault(e.stageInfo().stageId(), UNLABELLED)).stages++;
  }

  @Override
  public synchronized void onTaskEnd(SparkListenerTaskEnd e) {
    TaskMetrics m = e.taskMetrics();
    Totals t = totals(stageLabel.getOrDefault(e.stageId(), UNLABELLED));
    t.tasks++;
    if (m == null) {
      return;
    }
    t.executorRunMs += m.executorRunTime();
    t.executorCpuNs += m.executorCpuTime();
    t.gcMs += m.jvmGCTime();
    t.recordsRead += m.inputMetrics().recordsRead();
    t.bytesRead += m.inputMetrics().bytesRead();
    t.recordsWritten += m.outputMetrics().recordsWritten();
    t.bytesWritten += m.outputMetrics().bytesWritten();
    t.shuffleReadBytes += m.shuffleReadMetrics().totalBytesRead();
    t.shuffleWriteBytes += m.shuffleWriteMetrics().bytesWritten();
    t.spilledBytes += m.diskBytesSpilled();
  }

  private Totals totals(String label) {
    return byLabel.computeIfAbsent(label, k -> new Totals());
  }

  /** Waits until Spark delivered every event so far, then returns the totals per label in first-seen order. */
  public Map<String, Totals> snapshot(SparkContext sc) {
    drain(sc);
    synchronized (this) {
      Map<String, Totals> copy = new LinkedHashMap<>();
      byLabel.forEach((k, v) -> copy.put(k, v.copy()));
      return copy;
    }
  }

  /** Forgets everything collected so far (between engines). */
  public void reset(SparkContext sc) {
    drain(sc);
    synchronized (this) {
      byLabel.clear();
      stageLabel.clear();
    }
  }

  private static void drain(SparkContext sc) {
    try {
      sc.listenerBus().waitUntilEmpty(60_000);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("Spark's listener bus did not drain in 60 s", e);
    }
  }

  static List<String> labels(Map<String, Totals> totals) {
    return new ArrayList<>(totals.keySet());
  }
}
