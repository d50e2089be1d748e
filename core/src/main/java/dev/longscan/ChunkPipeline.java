package dev.longscan;

import dev.longscan.algebra.Algebra;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The CPU chunk pipeline, written once for every element algebra: chunks claimed in scan order by
 * up to {@code threads} workers (the caller is one of them), and the carry chain between them.
 * For chunk i a worker reduces its chunk to a summary, waits for the carry entering it, applies the
 * summary to it and publishes the carry leaving it (the only serial part, O(width) for the
 * diagonal algebra, O(batch·n²) for the dense one), then rescans its chunk from its carry.
 */
final class ChunkPipeline {
  private final int threads;
  private final ExecutorService pool;

  ChunkPipeline(int threads, String threadName) {
    this.threads = threads;
    if (threads > 1) {
      AtomicInteger n = new AtomicInteger();
      ThreadPoolExecutor tpe = new ThreadPoolExecutor(threads - 1, threads - 1, 30,
          TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, threadName + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
          });
      tpe.allowCoreThreadTimeOut(true);
      pool = tpe;
    } else {
      pool = null;
    }
  }

  int threads() {
    return threads;
  }

  /**
   * The serial part of the pipeline: {@code states} holds the carry entering the i-th chunk in
   * order at {@code i * width}; the carry leaving it is its summary applied to that one.
   */
  static final class Chain<E> {
    final Algebra<E> algebra;
    final double[] states;
    final int w;
    final AtomicInteger published = new AtomicInteger();
    volatile boolean aborted;

    Chain(Algebra<E> algebra, int nChunks, double[] enter) {
      this.algebra = algebra;
      this.w = algebra.width();
      states = new double[(nChunks + 1) * w];
      System.arraycopy(enter, 0, states, 0, w);
    }

    /** Waits for the carry entering the i-th chunk, applies {@code summary}, publishes. */
    void advance(int i, E summary) {
      await(i);
      algebra.apply(summary, states, i * w, states, (i + 1) * w);
      published.set(i + 1);
    }

    /** Waits until the chunks before the i-th in order are published. */
    void await(int i) {
      int spins = 0;
      while (published.get() < i) {
        if (aborted) {
          throw new IllegalStateException("aborted: another chunk failed");
        }
        if (++spins < 2000) {
          Thread.onSpinWait();
        } else {
          Thread.yield();
        }
      }
    }
  }

  interface ChunkBody {
    void run(int i);
  }

  interface WorkerFactory {
    ChunkBody newWorker();
  }

  /**
   * Runs body(i) for i = 0..n-1, claimed in increasing order by up to {@code threads} workers
   * (the caller is one of them). A worker only ever waits on a chunk with a smaller index, which
   * was claimed earlier by a running worker, so the pipeline cannot deadlock even when the pool
   * is busy with other calls; a pool task that starts after every chunk was claimed does nothing.
   */
  void run(int n, Chain<?> chain, WorkerFactory factory) {
    AtomicInteger next = new AtomicInteger();
    Gate gate = new Gate();
    Runnable work = () -> {
      ChunkBody body = factory.newWorker();
      for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
        body.run(i);
      }
    };
    Runnable helper = () -> {
      if (!gate.enter()) {
        return;
      }
      Throwable failed = null;
      try {
        work.run();
      } catch (RuntimeException | Error e) {
        failed = e;
        next.set(n);
        if (chain != null) {
          chain.aborted = true;
        }
      } finally {
        gate.exit(failed);
      }
    };
    for (int k = 1, workers = Math.min(threads, n); k < workers; k++) {
      pool.execute(helper);
    }
    Throwable failed = null;
    try {
      work.run();
    } catch (RuntimeException | Error e) {
      failed = e;
      next.set(n);
      if (chain != null) {
        chain.aborted = true;
      }
    }
    Throwable other = gate.closeAndAwait();
    Throwable f = failed != null ? failed : other;
    if (f instanceof RuntimeException) {
      throw (RuntimeException) f;
    }
    if (f instanceof Error) {
      throw (Error) f;
    }
  }

  /** Tracks the pool tasks of one call: the caller waits for those that started. */
  private static final class Gate {
    private int running;
    private boolean closed;
    private Throwable failure;

    synchronized boolean enter() {
      if (closed) {
        return false;
      }
      running++;
      return true;
    }

    synchronized void exit(Throwable t) {
      running--;
      if (t != null && failure == null) {
        failure = t;
      }
      notifyAll();
    }

    synchronized Throwable closeAndAwait() {
      closed = true;
      boolean interrupted = false;
      while (running > 0) {
        try {
          wait();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      return failure;
    }
  }

  void shutdown() {
    if (pool != null) {
      pool.shutdown();
    }
  }
}
