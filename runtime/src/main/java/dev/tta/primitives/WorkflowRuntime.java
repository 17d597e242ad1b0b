package dev.tta.primitives;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Where and when workflows run: the executor for steps that need a thread of their own, the
 * scheduler for back-off waits and deadlines, the clock, the random source of retry jitter, and the
 * listeners. Share one per application, or build one per test with a {@link
 * dev.tta.primitives.testing.VirtualTime}.
 *
 * <p>A runtime is {@link AutoCloseable}: after {@link #close()} new runs fail with a {@link
 * WorkflowException}, while runs already started go on. It never shuts down an executor or
 * scheduler it was given; the default threads are shared by every runtime that does not bring its
 * own, and are never shut down: they are daemons that end on their own when idle or interrupted.
 */
public final class WorkflowRuntime implements AutoCloseable {

  private final Executor executor;
  private final WorkflowScheduler scheduler;
  private final WorkflowClock clock;
  private final RandomGenerator random; // null: ThreadLocalRandom
  private final Object randomLock = new Object();
  private final List<WorkflowListener> listeners;
  private final List<WorkflowInterceptor> interceptors;
  private final Events events;
  private final boolean closeable;
  // Policies shared by name (a breaker, a bulkhead, a rate limit): kind + name -> instance.
  private final ConcurrentMap<String, Shared> shared = new ConcurrentHashMap<>();
  private volatile boolean closed;
  // Whether a generated workflow may call its steps in place: no listener, not closed. One field
  // read on the direct-run path, which costs about four nanoseconds in all.
  private volatile boolean directRuns;
  // Whether it may do so while telling the interceptors (no listener, an interceptor, not closed).
  private volatile boolean observedDirectRuns;
  private final PolicyOverrides overrides;

  private WorkflowRuntime(Builder builder, boolean closeable) {
    this.executor = builder.executor != null ? builder.executor : DefaultThreads.EXECUTOR;
    this.scheduler =
        builder.scheduler != null ? builder.scheduler : DefaultThreads.schedulerFor(executor);
    this.clock = builder.clock != null ? builder.clock : WorkflowClock.SYSTEM;
    this.random = builder.random;
    this.listeners = List.copyOf(builder.listeners);
    this.interceptors = List.copyOf(builder.interceptors);
    this.events = Events.of(this.listeners, this.interceptors);
    this.closeable = closeable;
    this.directRuns = !events.enabled();
    this.observedDirectRuns = this.listeners.isEmpty() && !this.interceptors.isEmpty();
    this.overrides = builder.overrides;
  }

  /**
   * The shared default runtime: a growing pool of daemon worker threads that suits blocking steps,
   * one daemon timer thread, the system clock and no listeners. It cannot be closed.
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
    b.random = random;
    b.listeners.addAll(listeners);
    b.interceptors.addAll(interceptors);
    b.overrides = overrides;
    return b;
  }

  /**
   * The policy values that replace those of the annotations, for the workflows built on this
   * runtime; {@link PolicyOverrides#none()} unless the builder was given some.
   *
   * @return the overrides
   */
  public PolicyOverrides overrides() {
    return overrides;
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

  /**
   * The interceptors, in registration order.
   *
   * @return an unmodifiable list
   */
  public List<WorkflowInterceptor> interceptors() {
    return interceptors;
  }

  /**
   * Closes this runtime: runs started afterwards fail at once with a {@link WorkflowException}
   * whose cause is an {@link IllegalStateException}; runs in flight go on to their end. The
   * executor and scheduler are left running (a runtime never shuts down what it was given, and the
   * default threads are shared and end on their own). Closing twice is harmless; closing {@link
   * #defaults()} does nothing, as {@code shutdown()} does nothing to the JDK's common pool.
   */
  @Override
  public void close() {
    if (closeable) {
      closed = true;
      directRuns = false;
      observedDirectRuns = false;
    }
  }

  /**
   * Whether {@link #close()} was called.
   *
   * @return true once closed
   */
  public boolean isClosed() {
    return closed;
  }

  /**
   * The instance of a policy shared by {@code name} in this runtime: every declaration of the same
   * kind and name gets the same one (one API key, one backend). Made by {@code create} on first
   * use; a later declaration with other settings fails, naming both.
   *
   * @param kind the policy kind, e.g. "CircuitBreaker"
   * @param name the shared name
   * @param settings the declaration's settings; compared with {@code equals}, shown by {@code
   *     toString}
   * @param create makes the instance for the first declaration
   * @return the shared instance
   * @throws IllegalStateException if the name is taken by a declaration with other settings
   * @throws IllegalArgumentException if the name is blank
   */
  <T> T shared(String kind, String name, Object settings, Supplier<? extends T> create) {
    if (Objects.requireNonNull(name, "name").isBlank()) {
      throw new IllegalArgumentException(
          "name = \"" + name + "\": a shared @" + kind + " needs a name that is not blank");
    }
    Shared entry =
        shared.computeIfAbsent(kind + "\u0000" + name, k -> new Shared(settings, create.get()));
    if (!entry.settings.equals(settings)) {
      throw new IllegalStateException(
          "two @"
              + kind
              + " declarations named \""
              + name
              + "\" in one runtime differ: "
              + entry.settings
              + " and "
              + settings
              + "; give them one setting or different names");
    }
    @SuppressWarnings("unchecked") // one kind always holds one type of instance
    T instance = (T) entry.instance;
    return instance;
  }

  /** A shared policy instance and the settings it was made with. */
  private static final class Shared {
    final Object settings;
    final Object instance;

    Shared(Object settings, Object instance) {
      this.settings = settings;
      this.instance = instance;
    }
  }

  /**
   * Whether runs may call a generated workflow's steps in place: no listener or interceptor, and
   * open.
   */
  boolean allowsDirectRuns() {
    return directRuns;
  }

  /**
   * Whether runs may call a generated workflow's steps in place and report them to the
   * interceptors: an interceptor, no listener, and open.
   */
  boolean allowsObservedDirectRuns() {
    return observedDirectRuns;
  }

  /** One listener that forwards to all registered ones; the no-op when there are none. */
  Events events() {
    return events;
  }

  /**
   * The wait before retry {@code retry} under {@code policy}, jittered from this runtime's random.
   */
  long retryDelayNanos(RetryPolicy policy, int retry) {
    RandomGenerator source = random;
    if (source == null) {
      return policy.delayNanos(retry);
    }
    synchronized (randomLock) { // a RandomGenerator need not be thread-safe
      return policy.delayNanos(retry, source);
    }
  }

  /** Builds a {@link WorkflowRuntime}. */
  public static final class Builder {
    private Executor executor;
    private WorkflowScheduler scheduler;
    private WorkflowClock clock;
    private RandomGenerator random;
    private final List<WorkflowListener> listeners = new ArrayList<>();
    private final List<WorkflowInterceptor> interceptors = new ArrayList<>();
    private PolicyOverrides overrides = PolicyOverrides.none();

    private Builder() {}

    /**
     * Sets the executor for steps that need a thread of their own (blocking steps under a timeout,
     * blocking parallel branches and for-each elements, {@code runAsync}). A bounded pool is fine:
     * deadlines fire on the timer thread, not on the executor, and a blocking {@code run()} nested
     * in a step on one of its threads runs its own queued branches rather than waiting for a free
     * thread. A pool that rejects work fails the run whose work it rejected with a {@link
     * WorkflowException} whose cause is the {@link java.util.concurrent.RejectedExecutionException}
     * (rejections are not retried); one that queues work delays it. Either way the pool is the
     * limit on how many blocking steps run at once. The runtime never shuts it down.
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Sets the scheduler of retry waits and deadlines. By default the runtime's own daemon timer
     * thread: it runs deadlines itself (so a deadline never waits for a free executor thread) and
     * hands due retries to the executor. A scheduler given here decides where both run.
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
     * Sets the random source of retry jitter, e.g. {@code new java.util.Random(42)} for a
     * reproducible schedule; calls to it are serialized, so it need not be thread-safe. By default
     * {@link java.util.concurrent.ThreadLocalRandom} (unseeded). A {@link
     * dev.tta.primitives.testing.VirtualTime}'s runtime is seeded.
     *
     * @param random the random source
     * @return this builder
     */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
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
     * Adds an interceptor, which observes every run and step call and makes its state current
     * around each attempt (tracing, metrics, logging context). Interceptors see runs in
     * registration order and are undone in reverse.
     *
     * @param interceptor the interceptor, e.g. one of the OpenTelemetry or Micrometer modules'
     * @return this builder
     */
    public Builder interceptor(WorkflowInterceptor interceptor) {
      interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /**
     * Sets policy values that replace those of the annotations of the workflows built on this
     * runtime, for tuning in production without recompiling. Each workflow checks the keys that
     * name it when it is constructed, and fails with an {@link IllegalArgumentException} naming a
     * key that is unknown or whose value breaks the annotation's rules.
     *
     * @param overrides the overrides, e.g. {@link PolicyOverrides#fromProperties}
     * @return this builder
     */
    public Builder overrides(PolicyOverrides overrides) {
      this.overrides = Objects.requireNonNull(overrides, "overrides");
      return this;
    }

    /**
     * Builds the runtime.
     *
     * @return the runtime
     */
    public WorkflowRuntime build() {
      return new WorkflowRuntime(this, true);
    }
  }

  /**
   * The default threads, created on first use; all daemons that end when idle or interrupted, so
   * they never keep a JVM (or {@code mvn exec:java}, which interrupts and joins the threads a
   * program started) waiting.
   */
  private static final class DefaultThreads {
    static final ThreadPoolExecutor EXECUTOR = newWorkerPool();
    static final DefaultTimer TIMER = new DefaultTimer("tta-timer-");
    static final WorkflowRuntime RUNTIME = new WorkflowRuntime(new Builder(), false);

    private static ThreadPoolExecutor newWorkerPool() {
      // Grows with demand like a cached pool: blocking steps each get a thread, idle ones die.
      return new ThreadPoolExecutor(
          0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new HandOff(), daemonThreads("tta-worker-"));
    }

    static WorkflowScheduler schedulerFor(Executor executor) {
      return new DefaultScheduler(executor);
    }

    /**
     * The pool's hand-off queue. An idle worker waits in {@link #poll}; interrupted there, it ends
     * (as if its keep-alive had passed) instead of waiting on.
     */
    private static final class HandOff extends SynchronousQueue<Runnable> {
      private static final long serialVersionUID = 1L;

      @Override
      public Runnable poll(long timeout, TimeUnit unit) {
        try {
          return super.poll(timeout, unit);
        } catch (InterruptedException e) {
          return null; // the worker retires: the pool has no core threads to keep
        }
      }
    }

    /**
     * The runtime's timer, handing each due task to {@code executor}; deadlines run on the timer
     * thread itself ({@link DeadlineQueue.OwnTimer#scheduleOnTimer}).
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
                // A due task must never vanish (a lost wait hangs its caller): run it here. (Retry
                // waits do not come this way: they fail with the rejection instead.)
                task.run();
              }
            };
        return TIMER.schedule(handOff, delay, unit);
      }

      @Override
      public ScheduledFuture<?> scheduleOnTimer(Runnable task, long delay, TimeUnit unit) {
        return TIMER.schedule(task, delay, unit);
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
