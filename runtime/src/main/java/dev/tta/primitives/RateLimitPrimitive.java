package dev.tta.primitives;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Bounds how many calls of a primitive start per interval, under a {@link RateLimitPolicy}: in any
 * half-open interval {@code [t, t + per)} of the runtime's clock at most {@code permits} calls
 * start, a burst of {@code permits} at once included.
 *
 * <p>The rule is a sliding log of the last {@code permits} start times: a call may start at time
 * {@code t} when the oldest of them is at or before {@code t - per}. A call that may start now runs
 * at once on the caller's thread (one uncontended lock and a clock read more than the plain call).
 * Otherwise it learns when its permit comes, first come first served: if that is further off than
 * {@link RateLimitPolicy#maxWait()} it fails at once with a {@link RateLimitExceededException} (the
 * listeners hear {@link WorkflowListener#onRejected}) and the delegate is never called; else it
 * waits without holding a thread (the returned future is pending; one timer on the runtime's {@link
 * WorkflowScheduler} serves all waiting calls) and starts on the thread the timer runs on, or on
 * the runtime's executor when the delegate {@linkplain WorkflowPrimitive#isBlocking() blocks}. The
 * log records when each call really started, so a late timer never lets more calls start in an
 * interval.
 *
 * <p>Cancelling a waiting call takes it out of the line and gives its permit back (the calls behind
 * it move up); a waiting call whose run was cancelled never starts and gives its permit back too.
 * No wait is scheduled for a call whose run is cancelled.
 *
 * <p>Each {@link #of} has a log of its own; {@link #shared} gives every limit of one name in one
 * {@link WorkflowRuntime} the same log. A rejection names the shared name, or else the step.
 *
 * @param <I> input type
 * @param <O> output type
 */
public final class RateLimitPrimitive<I, O> implements WorkflowPrimitive<I, O>, Structure {

  private static final String KIND = "RateLimit";

  private final WorkflowPrimitive<? super I, ? extends O> delegate;
  private final RateLimitPolicy policy;
  private final Limiter limiter;
  private final boolean reportsAsWorkflow; // around a composition: a class-level @RateLimit

  private RateLimitPrimitive(
      WorkflowPrimitive<? super I, ? extends O> delegate, RateLimitPolicy policy, Limiter limiter) {
    this.delegate = delegate;
    this.policy = policy;
    this.limiter = limiter;
    this.reportsAsWorkflow = Structure.reportsAsWorkflow(delegate);
  }

  /**
   * A rate limit with a log of its own around {@code delegate}.
   *
   * @param delegate the work
   * @param policy the policy
   * @param <I> input type
   * @param <O> output type
   * @return the primitive
   */
  public static <I, O> RateLimitPrimitive<I, O> of(
      WorkflowPrimitive<? super I, ? extends O> delegate, RateLimitPolicy policy) {
    Objects.requireNonNull(delegate, "delegate");
    Objects.requireNonNull(policy, "policy");
    return new RateLimitPrimitive<>(delegate, policy, new Limiter(policy, null));
  }

  /**
   * A rate limit around {@code delegate} that shares its permits with every rate limit named {@code
   * name} in {@code runtime}: calls of all of them together are bounded by {@code policy}.
   *
   * @param delegate the work
   * @param policy the policy; every declaration of the name must have the same
   * @param name the shared name; rejections carry it
   * @param runtime the runtime the permits belong to
   * @param <I> input type
   * @param <O> output type
   * @return the primitive
   * @throws IllegalStateException if {@code name} is shared in {@code runtime} with another policy
   * @throws IllegalArgumentException if {@code name} is blank
   */
  public static <I, O> RateLimitPrimitive<I, O> shared(
      WorkflowPrimitive<? super I, ? extends O> delegate,
      RateLimitPolicy policy,
      String name,
      WorkflowRuntime runtime) {
    Objects.requireNonNull(delegate, "delegate");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(runtime, "runtime"); // the runtime checks the name
    Limiter limiter = runtime.shared(KIND, name, policy, () -> new Limiter(policy, name));
    return new RateLimitPrimitive<>(delegate, policy, limiter);
  }

  /**
   * The policy.
   *
   * @return the policy
   */
  public RateLimitPolicy policy() {
    return policy;
  }

  /**
   * How many calls wait for their permit now (across every primitive sharing the permits).
   *
   * @return the calls waiting
   */
  public int waiting() {
    return limiter.waitingCount();
  }

  @Override
  public CompletableFuture<O> execute(I input, WorkflowContext context) {
    if (limiter.tryAcquire(context.runtime().clock())) {
      return Futures.call(delegate, input, context);
    }
    return limiter.reserve(this, input, context);
  }

  /**
   * For a generated workflow's direct run, which calls a step in place without a future: takes a
   * permit if one is free now and nobody waits for one. The start is recorded; nothing is to be
   * given back.
   *
   * @param runtime the run's runtime, whose clock dates the start
   * @return whether the call may start now; {@code false}: make it through {@link #execute}
   */
  public boolean enterInPlace(WorkflowRuntime runtime) {
    return limiter.tryAcquire(runtime.clock());
  }

  @Override
  public String name() {
    return delegate.name();
  }

  /** As blocking as the delegate: a call with a permit now runs on the caller's thread. */
  @Override
  public boolean isBlocking() {
    return delegate.isBlocking();
  }

  @Override
  public boolean reportsAsWorkflow() {
    return reportsAsWorkflow;
  }

  /** The name a rejection carries: the shared name, else the step's (or the workflow's). */
  private String limiterName(WorkflowContext context) {
    return limiter.sharedName != null ? limiter.sharedName : Structure.reportedName(this, context);
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? (b > 0 ? Long.MAX_VALUE : Long.MIN_VALUE) : sum;
  }

  /**
   * The log of start times and the line of waiting calls of one rate limit, all under its monitor.
   * The log keeps the start times of the last {@code per}, at most {@code permits} of them, in a
   * circular array that grows as needed, oldest at {@code head}. Waiting calls hold the time their
   * permit is expected (for the max-wait decision of those behind); they start only when the log
   * allows it, checked by one timer set for the moment the oldest start leaves the interval.
   */
  private static final class Limiter {
    private final int permits;
    private final long perNanos;
    private final long maxWaitNanos; // -1: as long as it takes
    private final Duration maxWait;
    private final String sharedName; // null: the step's own
    private long[] log; // guarded by this: circular, grown up to permits as starts come
    private int head; // guarded by this: the oldest start kept
    private int size; // guarded by this: the starts kept, at most permits
    private final List<Waiting<?, ?>> line = new ArrayList<>(); // guarded by this
    private long tokens; // guarded by this: timers armed so far
    private long timerToken; // guarded by this: the live timer's; 0 = none
    private ScheduledFuture<?> timer; // guarded by this

    Limiter(RateLimitPolicy policy, String sharedName) {
      this.permits = policy.permits();
      this.perNanos = RetryPolicy.saturatedNanos(policy.per());
      this.maxWait = policy.maxWait();
      this.maxWaitNanos = maxWait == null ? -1 : RetryPolicy.saturatedNanos(maxWait);
      this.sharedName = sharedName;
      this.log = new long[Math.min(permits, 16)]; // a huge limit costs only the starts it sees
    }

    synchronized int waitingCount() {
      return line.size();
    }

    /** Records a start now if nobody waits and the log allows one. */
    synchronized boolean tryAcquire(WorkflowClock clock) {
      return line.isEmpty() && commit(clock.nanoTime());
    }

    /** The {@code i}th oldest start kept. */
    private long start(int i) {
      int at = head + i;
      return log[at >= log.length ? at - log.length : at];
    }

    /**
     * Records a start at {@code now} if the log allows one: fewer than {@code permits} starts in
     * {@code (now - per, now]}. Starts at or before {@code now - per} are forgotten first; they
     * limit nothing any more.
     */
    private boolean commit(long now) {
      while (size > 0 && now - log[head] >= perNanos) {
        head = head + 1 == log.length ? 0 : head + 1;
        size--;
      }
      if (size == permits) {
        return false;
      }
      if (size == log.length) {
        long[] grown = new long[(int) Math.min(permits, 2L * log.length)];
        for (int i = 0; i < size; i++) {
          grown[i] = start(i);
        }
        log = grown;
        head = 0;
      }
      int tail = head + size;
      log[tail >= log.length ? tail - log.length : tail] = now;
      size++;
      return true;
    }

    /** The earliest time the log allows the next start. */
    private long logAllows(long now) {
      return size < permits ? now : Math.max(now, saturatedAdd(log[head], perNanos));
    }

    /**
     * When a call joining the line behind the {@code ahead} first calls in it could expect to
     * start: its permit is the one the call {@code permits} places before it frees.
     */
    private long expected(int ahead, long now, long previous) {
      int before = size + ahead - permits; // index of that call in log ++ line
      long due;
      if (before < 0) {
        due = now; // a start forgotten, or none: it limits nothing
      } else if (before < size) {
        due = saturatedAdd(start(before), perNanos);
      } else {
        due = saturatedAdd(line.get(before - size).due, perNanos);
      }
      return Math.max(due, Math.max(now, previous));
    }

    /** Recomputes the expected times of the waiting calls after one left the line. */
    private void reproject(long now) {
      long previous = now;
      for (int i = 0; i < line.size(); i++) {
        Waiting<?, ?> call = line.get(i);
        call.due = expected(i, now, previous);
        previous = call.due;
      }
    }

    /** No permit at first sight: start the call, line it up, or reject it. */
    <I, O> CompletableFuture<O> reserve(
        RateLimitPrimitive<I, O> primitive, I input, WorkflowContext context) {
      if (CancelScope.isCancelled(context.scope())) {
        return CompletableFuture.failedFuture(cancelled(primitive, context));
      }
      WorkflowRuntime runtime = context.runtime();
      Waiting<I, O> call = null;
      boolean now = false; // a permit came free meanwhile
      long wait = 0; // of a rejected call: what it would have needed
      boolean arm = false;
      synchronized (this) {
        long at = runtime.clock().nanoTime();
        if (line.isEmpty() && commit(at)) {
          now = true;
        } else {
          int ahead = line.size();
          long due = expected(ahead, at, ahead == 0 ? at : line.get(ahead - 1).due);
          if (maxWaitNanos < 0 || due - at <= maxWaitNanos) {
            call = new Waiting<>(primitive, input, context, this, due);
            line.add(call);
            arm = ahead == 0;
          } else {
            wait = due - at;
          }
        }
      }
      if (now) {
        return Futures.call(primitive.delegate, input, context);
      }
      if (call != null) {
        if (arm) {
          arm(runtime);
        }
        return call;
      }
      RateLimitExceededException rejection =
          new RateLimitExceededException(
              primitive.limiterName(context), Duration.ofNanos(wait), maxWait);
      Events events = runtime.events();
      if (events.enabled()) {
        events.onRejected(context, Structure.reportedName(primitive, context), rejection);
      }
      return CompletableFuture.failedFuture(rejection);
    }

    /** Sets the timer for the moment the log next allows a start, on the first waiter's runtime. */
    private void arm(WorkflowRuntime runtime) {
      long token;
      long delay;
      synchronized (this) {
        if (line.isEmpty() || timerToken != 0) {
          return; // nobody waits, or a timer is set
        }
        token = ++tokens;
        timerToken = token;
        long now = runtime.clock().nanoTime();
        delay = logAllows(now) - now;
      }
      ScheduledFuture<?> armed;
      try {
        armed =
            runtime.scheduler().schedule(() -> fire(runtime, token), delay, TimeUnit.NANOSECONDS);
      } catch (Throwable t) { // a broken scheduler: the waiting calls cannot be woken
        List<Waiting<?, ?>> stranded;
        synchronized (this) {
          stranded = new ArrayList<>(line);
          line.clear();
          timerToken = 0;
        }
        for (Waiting<?, ?> call : stranded) {
          call.settleExceptionally(t);
        }
        return;
      }
      synchronized (this) {
        if (timerToken == token) {
          timer = armed;
          return;
        }
      }
      armed.cancel(false); // disarmed meanwhile
    }

    /** The timer: start the waiting calls the log allows now, then set it again if some wait. */
    private void fire(WorkflowRuntime runtime, long token) {
      List<Waiting<?, ?>> start = new ArrayList<>();
      List<Waiting<?, ?>> dropped = null;
      WorkflowRuntime next = null;
      synchronized (this) {
        if (timerToken != token) {
          return; // a timer disarmed too late to stop it
        }
        timerToken = 0;
        timer = null;
        long now = runtime.clock().nanoTime();
        int taken = 0;
        while (taken < line.size()) {
          Waiting<?, ?> call = line.get(taken);
          if (call.isClaimed() || CancelScope.isCancelled(call.context.scope())) {
            if (dropped == null) {
              dropped = new ArrayList<>();
            }
            dropped.add(call); // its permit goes back: it is never committed
          } else if (commit(now)) {
            start.add(call);
          } else {
            break;
          }
          line.get(taken).lined = false;
          taken++;
        }
        line.subList(0, taken).clear();
        if (dropped != null) {
          reproject(now);
        }
        if (!line.isEmpty()) {
          next = line.get(0).context.runtime();
        }
      }
      if (dropped != null) {
        for (Waiting<?, ?> call : dropped) {
          call.settleExceptionally(cancelled(call.primitive, call.context));
        }
      }
      if (next != null) {
        arm(next);
      }
      for (Waiting<?, ?> call : start) {
        call.begin();
      }
    }

    /** Takes a cancelled call out of the line: its permit goes to the calls behind it. */
    void leave(Waiting<?, ?> call) {
      ScheduledFuture<?> disarm = null;
      synchronized (this) {
        if (!call.lined) {
          return;
        }
        call.lined = false;
        line.remove(call);
        reproject(call.context.runtime().clock().nanoTime());
        if (line.isEmpty() && timerToken != 0) {
          timerToken = 0;
          disarm = timer;
          timer = null;
        }
      }
      if (disarm != null) {
        disarm.cancel(false);
      }
    }
  }

  private static CancellationException cancelled(
      WorkflowPrimitive<?, ?> primitive, WorkflowContext context) {
    return new CancellationException(
        "run cancelled before '" + Structure.reportedName(primitive, context) + "'");
  }

  /** A call waiting for its permit: its result future and its place in the line. */
  private static final class Waiting<I, O> extends StoppableFuture<O> {
    private final RateLimitPrimitive<I, O> primitive;
    private final I input;
    private final WorkflowContext context;
    private final Limiter limiter;
    private long due; // guarded by limiter: when its permit is expected
    private boolean lined = true; // guarded by limiter
    private volatile CompletableFuture<? extends O> call;

    Waiting(
        RateLimitPrimitive<I, O> primitive,
        I input,
        WorkflowContext context,
        Limiter limiter,
        long due) {
      this.primitive = primitive;
      this.input = input;
      this.context = context;
      this.limiter = limiter;
      this.due = due;
    }

    /** Its permit came: start the delegate, unless the call was cancelled meanwhile. */
    void begin() {
      if (isClaimed()) {
        return;
      }
      WorkflowPrimitive<? super I, ? extends O> delegate = primitive.delegate;
      CompletableFuture<? extends O> started =
          delegate.isBlocking()
              ? IsolatedCall.start(
                  delegate, input, context, context.runtime().executor(), true, true)
              : Futures.call(delegate, input, context);
      call = started;
      if (isClaimed()) {
        stopLate(started); // cancelled while it started
      } else {
        settleFrom(started);
      }
    }

    /** Leaves the line (its permit goes back), or cancels the delegate's call in flight. */
    @Override
    void stop(boolean interrupt) {
      limiter.leave(this);
      CompletableFuture<? extends O> running = call;
      if (running != null) {
        running.cancel(interrupt);
      }
    }
  }
}
