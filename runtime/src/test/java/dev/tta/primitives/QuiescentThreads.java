package dev.tta.primitives;

import java.time.Duration;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test helper: a thread pool and a timer that the test owns and that can tell when every task given
 * to them has ended (or was cancelled before it started). Work only moves between these threads (a
 * task hands the next one over before it ends), so once nothing is pending nothing more can happen
 * unless the test starts it: the way to prove that something does <em>not</em> happen after a
 * cancel, without sleeping.
 */
final class QuiescentThreads implements AutoCloseable {

  private final ThreadPoolExecutor pool;
  private final ScheduledThreadPoolExecutor timer;
  private final Object lock = new Object();
  private int pending; // guarded by lock

  QuiescentThreads(int threads) {
    AtomicInteger count = new AtomicInteger();
    this.pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            1,
            TimeUnit.MINUTES,
            new LinkedBlockingQueue<>(),
            r -> daemon(r, "test-pool-" + count.incrementAndGet()));
    this.timer = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "test-timer"));
    this.timer.setRemoveOnCancelPolicy(true);
  }

  private static Thread daemon(Runnable r, String name) {
    Thread thread = new Thread(r, name);
    thread.setDaemon(true);
    return thread;
  }

  /** The pool, counting each task from its submission to its end. */
  Executor executor() {
    return this::execute;
  }

  /** The timer, handing each due task to {@link #executor()} as the default scheduler does. */
  WorkflowScheduler scheduler() {
    return this::schedule;
  }

  /** A runtime builder on these threads. */
  WorkflowRuntime.Builder runtime() {
    return WorkflowRuntime.builder().executor(executor()).scheduler(scheduler());
  }

  private void execute(Runnable task) {
    begin();
    try {
      pool.execute(
          () -> {
            try {
              task.run();
            } finally {
              end();
            }
          });
    } catch (RuntimeException | Error e) {
      end();
      throw e;
    }
  }

  private ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
    // 0 = waiting, 1 = started, 2 = cancelled before it started: counted until it leaves 0.
    AtomicInteger state = new AtomicInteger();
    begin();
    ScheduledFuture<?> scheduled;
    try {
      scheduled =
          timer.schedule(
              () -> {
                if (state.compareAndSet(0, 1)) {
                  try {
                    execute(task);
                  } finally {
                    end();
                  }
                }
              },
              Math.max(0, delay),
              unit);
    } catch (RuntimeException | Error e) {
      end();
      throw e;
    }
    return new Handle(scheduled, state);
  }

  private void begin() {
    synchronized (lock) {
      pending++;
    }
  }

  private void end() {
    synchronized (lock) {
      if (--pending == 0) {
        lock.notifyAll();
      }
    }
  }

  /**
   * Waits until no task is pending on these threads.
   *
   * @return whether that happened within {@code patience}
   */
  boolean awaitQuiescence(Duration patience) throws InterruptedException {
    long deadline = System.nanoTime() + patience.toNanos();
    synchronized (lock) {
      while (pending != 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(lock, left);
      }
      return true;
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    pool.shutdownNow();
  }

  /** A scheduled task's handle; a cancel before the task started ends its count. */
  private final class Handle implements ScheduledFuture<Object> {
    private final ScheduledFuture<?> scheduled;
    private final AtomicInteger state;

    Handle(ScheduledFuture<?> scheduled, AtomicInteger state) {
      this.scheduled = scheduled;
      this.state = state;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = scheduled.cancel(mayInterruptIfRunning);
      if (state.compareAndSet(0, 2)) {
        end();
      }
      return cancelled;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return scheduled.getDelay(unit);
    }

    @Override
    public int compareTo(Delayed other) {
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public boolean isCancelled() {
      return scheduled.isCancelled();
    }

    @Override
    public boolean isDone() {
      return scheduled.isDone();
    }

    @Override
    public Object get() throws InterruptedException, ExecutionException {
      return scheduled.get();
    }

    @Override
    public Object get(long timeout, TimeUnit unit)
        throws InterruptedException, ExecutionException, TimeoutException {
      return scheduled.get(timeout, unit);
    }
  }
}
