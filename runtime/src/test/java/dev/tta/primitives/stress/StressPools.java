package dev.tta.primitives.stress;

import dev.tta.primitives.WorkflowListener;
import dev.tta.primitives.WorkflowRuntime;
import dev.tta.primitives.WorkflowScheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The threads of one scenario, all owned by it and shut down by {@link #close()}: a growing worker
 * pool (the runtime's executor, like the default one), a timer (the runtime's scheduler, handing
 * due tasks to the workers like the default one) and an "io" pool that completes the futures of
 * asynchronous steps, standing for the outside world.
 *
 * <p>Every task handed to any of them is counted until it has run (or a scheduled one was cancelled
 * before it started): when the count is zero and the test itself starts nothing, no thread can
 * start a step any more, so "nothing happened after X" can be checked once {@link #awaitIdle}
 * returns, with no sleep.
 */
final class StressPools implements AutoCloseable {

  private final ThreadPoolExecutor workers;
  private final ScheduledThreadPoolExecutor timer;
  private final ScheduledThreadPoolExecutor io;
  private final Object lock = new Object();
  private long pending; // guarded by lock

  private final Executor executor = this::execute;
  private final WorkflowScheduler scheduler = this::schedule;

  StressPools(String name, long workerKeepAliveMillis) {
    workers =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            workerKeepAliveMillis,
            TimeUnit.MILLISECONDS,
            new SynchronousQueue<>(),
            daemonThreads(name + "-worker-"));
    timer = new ScheduledThreadPoolExecutor(1, daemonThreads(name + "-timer-"));
    timer.setRemoveOnCancelPolicy(true);
    timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    io = new ScheduledThreadPoolExecutor(2, daemonThreads(name + "-io-"));
    io.setRemoveOnCancelPolicy(true);
    io.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  /** Daemon threads named {@code prefix} and a number: a stuck one never keeps the JVM alive. */
  static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** A runtime on these threads with {@code listeners}. */
  WorkflowRuntime runtime(WorkflowListener... listeners) {
    WorkflowRuntime.Builder builder =
        WorkflowRuntime.builder().executor(executor).scheduler(scheduler);
    for (WorkflowListener listener : listeners) {
      builder.listener(listener);
    }
    return builder.build();
  }

  /** The worker pool, for its thread counts. */
  ThreadPoolExecutor workers() {
    return workers;
  }

  /** A future that the io pool completes with {@code value.get()} after {@code micros}. */
  <T> CompletableFuture<T> completeSoon(Supplier<? extends T> value, long micros) {
    CompletableFuture<T> future = new CompletableFuture<>();
    Runnable complete =
        () -> {
          try {
            future.complete(value.get());
          } catch (Throwable t) {
            future.completeExceptionally(t);
          }
        };
    started();
    try {
      io.schedule(counted(complete), micros, TimeUnit.MICROSECONDS);
    } catch (RejectedExecutionException e) {
      finished();
      throw e;
    }
    return future;
  }

  /** A future that the io pool fails with {@code failure} after {@code micros}. */
  <T> CompletableFuture<T> failSoon(Throwable failure, long micros) {
    CompletableFuture<T> future = new CompletableFuture<>();
    started();
    try {
      io.schedule(
          counted(() -> future.completeExceptionally(failure)), micros, TimeUnit.MICROSECONDS);
    } catch (RejectedExecutionException e) {
      finished();
      throw e;
    }
    return future;
  }

  /** Tasks handed to these threads that have not finished yet. */
  long pending() {
    synchronized (lock) {
      return pending;
    }
  }

  /**
   * Waits until every task handed to these threads has run.
   *
   * @return true if they did within {@code timeoutMillis}
   */
  boolean awaitIdle(long timeoutMillis) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    synchronized (lock) {
      while (pending != 0) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(lock, left);
      }
      return true;
    }
  }

  private void started() {
    synchronized (lock) {
      pending++;
    }
  }

  private void finished() {
    synchronized (lock) {
      if (--pending == 0) {
        lock.notifyAll();
      }
    }
  }

  private Runnable counted(Runnable task) {
    return () -> {
      try {
        task.run();
      } finally {
        finished();
      }
    };
  }

  private void execute(Runnable task) {
    started();
    try {
      workers.execute(counted(task));
    } catch (RejectedExecutionException e) {
      finished();
      throw e;
    }
  }

  /** As the default scheduler: the due task goes to the workers, or runs here if they reject it. */
  private ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
    Handle handle = new Handle();
    Runnable handOff =
        () -> {
          if (!handle.state.compareAndSet(Handle.SCHEDULED, Handle.STARTED)) {
            return; // cancelled before it started: cancel() counted it out
          }
          try {
            execute(task);
          } catch (RejectedExecutionException e) {
            task.run();
          } finally {
            finished();
          }
        };
    started();
    try {
      handle.inner = timer.schedule(handOff, Math.max(0, delay), unit);
    } catch (RejectedExecutionException e) {
      finished();
      throw e;
    }
    return handle;
  }

  /** The runtime's handle of a scheduled task: cancelling it before it starts counts it out. */
  private final class Handle implements ScheduledFuture<Object> {
    static final int SCHEDULED = 0;
    static final int STARTED = 1;
    static final int CANCELLED = 2;

    final AtomicInteger state = new AtomicInteger(SCHEDULED);
    volatile ScheduledFuture<?> inner;

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      if (!state.compareAndSet(SCHEDULED, CANCELLED)) {
        return false;
      }
      ScheduledFuture<?> scheduled = inner;
      if (scheduled != null) {
        scheduled.cancel(false);
      }
      finished();
      return true;
    }

    @Override
    public boolean isCancelled() {
      return state.get() == CANCELLED;
    }

    @Override
    public boolean isDone() {
      ScheduledFuture<?> scheduled = inner;
      return state.get() == CANCELLED || (scheduled != null && scheduled.isDone());
    }

    @Override
    public Object get() throws InterruptedException, ExecutionException {
      return inner.get();
    }

    @Override
    public Object get(long timeout, TimeUnit unit)
        throws InterruptedException, ExecutionException, TimeoutException {
      return inner.get(timeout, unit);
    }

    @Override
    public long getDelay(TimeUnit unit) {
      ScheduledFuture<?> scheduled = inner;
      return scheduled == null ? 0 : scheduled.getDelay(unit);
    }

    @Override
    public int compareTo(Delayed other) {
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }
  }

  /** Shuts every pool down, interrupting what still runs after a grace period. */
  @Override
  public void close() {
    List<String> stuck = new ArrayList<>();
    for (ThreadPoolExecutor pool : List.of(timer, io, workers)) {
      pool.shutdown();
    }
    try {
      for (ThreadPoolExecutor pool : List.of(timer, io, workers)) {
        if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
          pool.shutdownNow();
          if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
            stuck.add(pool.toString());
          }
        }
      }
    } catch (InterruptedException e) {
      for (ThreadPoolExecutor pool : List.of(timer, io, workers)) {
        pool.shutdownNow();
      }
      Thread.currentThread().interrupt();
    }
    if (!stuck.isEmpty()) {
      System.out.println("[stress] pools still running after shutdownNow: " + stuck);
    }
  }
}
