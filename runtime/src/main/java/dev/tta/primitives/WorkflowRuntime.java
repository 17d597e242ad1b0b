package dev.tta.primitives;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where and when workflows run: the executor for steps that need a thread of their own, the
 * scheduler for back-off waits and deadlines, the clock, and the listeners. Immutable; share one
 * per application, or build one per test with a {@link dev.tta.primitives.testing.VirtualTime}.
 */
public final class WorkflowRuntime {

  private final Executor executor;
  private final WorkflowScheduler scheduler;
  private final WorkflowClock clock;
  private final List<WorkflowListener> listeners;
  private final Events events;

  private WorkflowRuntime(Builder builder) {
    this.executor = builder.executor != null ? builder.executor : DefaultThreads.EXECUTOR;
    this.scheduler =
        builder.scheduler != null ? builder.scheduler : DefaultThreads.schedulerFor(executor);
    this.clock = builder.clock != null ? builder.clock : WorkflowClock.SYSTEM;
    this.listeners = List.copyOf(builder.listeners);
    this.events = Events.of(this.listeners);
  }

  /**
   * The shared default runtime: a growing pool of daemon worker threads that suits blocking steps,
   * one daemon timer thread, the system clock and no listeners.
   *
   * @return the default runtime
   */
  public static WorkflowRuntime defaults() {
    return DefaultThreads.RUNTIME;
  }

  /**
   * A builder; unset parts take the defaults of {@link #defaults()}.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder starting from this runtime's parts.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.executor = executor;
    b.scheduler = scheduler;
    b.clock = clock;
    b.listeners.addAll(listeners);
    return b;
  }

  /**
   * The executor that runs steps needing isolation.
   *
   * @return the executor
   */
  public Executor executor() {
    return executor;
  }

  /**
   * The scheduler of waits and deadlines.
   *
   * @return the scheduler
   */
  public WorkflowScheduler scheduler() {
    return scheduler;
  }

  /**
   * The clock.
   *
   * @return the clock
   */
  public WorkflowClock clock() {
    return clock;
  }

  /**
   * The listeners, in registration order.
   *
   * @return an unmodifiable list
   */
  public List<WorkflowListener> listeners() {
    return listeners;
  }

  /** One listener that forwards to all registered ones; the no-op when there are none. */
  Events events() {
    return events;
  }

  /** Builds a {@link WorkflowRuntime}. */
  public static final class Builder {
    private Executor executor;
    private WorkflowScheduler scheduler;
    private WorkflowClock clock;
    private final List<WorkflowListener> listeners = new ArrayList<>();

    private Builder() {}

    /**
     * Sets the executor for steps that need a thread of their own. It must be able to run as many
     * blocking steps at once as the workflows start (a bounded pool can starve nested workflows).
     *
     * <p>The default scheduler hands due deadlines and retries to this executor too. If it rejects
     * one (a bounded pool with every thread busy), the timer thread runs the task itself, so a due
     * task never vanishes. A pool that queues instead (e.g. {@link
     * java.util.concurrent.Executors#newFixedThreadPool}) delays a queued deadline until a thread
     * frees up: the late call still fails with its {@link java.util.concurrent.TimeoutException},
     * but if every thread is held by a late step that ignores interruption, the caller hears of it
     * only when that step ends. A bounded pool therefore wants threads to spare, or a {@link
     * java.util.concurrent.SynchronousQueue} so that it rejects rather than queues.
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Sets the scheduler; by default a daemon timer thread that hands each due task to the
     * executor, or runs it itself if the executor rejects it.
     *
     * @param scheduler the scheduler
     * @return this builder
     */
    public Builder scheduler(WorkflowScheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Sets the clock; by default {@link WorkflowClock#SYSTEM}.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(WorkflowClock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Adds a listener.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(WorkflowListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Builds the runtime.
     *
     * @return the runtime
     */
    public WorkflowRuntime build() {
      return new WorkflowRuntime(this);
    }
  }

  /** The default threads, created on first use; all daemons so they never keep a JVM alive. */
  private static final class DefaultThreads {
    static final ThreadPoolExecutor EXECUTOR = newWorkerPool();
    static final ScheduledThreadPoolExecutor TIMER = newTimer();
    static final WorkflowRuntime RUNTIME = new WorkflowRuntime(new Builder());

    private static ThreadPoolExecutor newWorkerPool() {
      // Grows with demand like a cached pool: blocking steps each get a thread, idle ones die.
      return new ThreadPoolExecutor(
          0,
          Integer.MAX_VALUE,
          60,
          TimeUnit.SECONDS,
          new SynchronousQueue<>(),
          daemonThreads("tta-worker-"));
    }

    private static ScheduledThreadPoolExecutor newTimer() {
      ScheduledThreadPoolExecutor timer =
          new ScheduledThreadPoolExecutor(1, daemonThreads("tta-timer-"));
      timer.setRemoveOnCancelPolicy(true);
      return timer;
    }

    static WorkflowScheduler schedulerFor(Executor executor) {
      return new DefaultScheduler(executor);
    }

    /**
     * The shared daemon timer, handing each due task to {@code executor}. A deadline queue may
     * leave its task pending here when it goes idle: the thread wakes for it once and finds
     * nothing.
     */
    private static final class DefaultScheduler implements DeadlineQueue.OwnTimer {
      private final Executor executor;

      DefaultScheduler(Executor executor) {
        this.executor = executor;
      }

      @Override
      public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
        Runnable handOff =
            () -> {
              try {
                executor.execute(task);
              } catch (RejectedExecutionException e) {
                // A due task must never vanish (a lost deadline or retry wait hangs its caller):
                // with no thread to spare, run it here.
                task.run();
              }
            };
        return TIMER.schedule(handOff, Math.max(0, delay), unit);
      }
    }

    private static ThreadFactory daemonThreads(String prefix) {
      AtomicInteger count = new AtomicInteger();
      return runnable -> {
        Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
        thread.setDaemon(true);
        return thread;
      };
    }
  }
}
