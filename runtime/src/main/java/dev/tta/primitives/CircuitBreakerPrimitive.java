package dev.tta.primitives;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

/**
 * Stops calling a primitive that keeps failing, under a {@link CircuitBreakerPolicy}.
 *
 * <p><b>Closed</b>, calls pass and the outcomes of the last {@code window} of them are kept; once
 * at least {@code minimumCalls} are kept and the fraction of failures among them reaches {@code
 * failureRate}, the breaker opens. <b>Open</b>, calls fail at once with a {@link
 * CircuitOpenException} and the delegate is not called, for {@code openFor}; the first call after
 * that finds the breaker <b>half-open</b>: {@code halfOpenCalls} trial calls pass (further calls
 * meanwhile are refused), and when all of them succeed the breaker closes with a fresh window; any
 * failure among them re-opens it. A call's outcome counts only in the state it was let through in:
 * a call that finishes after the breaker moved on is not counted.
 *
 * <p>Never counted, neither as a failure nor as a success: a {@link CancellationException} (and a
 * call whose future was cancelled), a {@link BulkheadFullException}, a {@link
 * RateLimitExceededException}, and the runtime's executor refusing the work. A refused or cancelled
 * trial call gives its place to the next call. A call of a run that is cancelled does not call the
 * delegate and fails with a {@link CancellationException}.
 *
 * <p>All runs of this primitive share one breaker; with {@link #shared} every primitive of one name
 * in one runtime does. Open time and call durations are read from the runtime's {@link
 * WorkflowClock} (the runtime of the call that opens the breaker, or finds its open time over), so
 * a test on {@code VirtualTime} moves the breaker by advancing the clock. The clock is not read on
 * the closed path unless {@code slowerThan} is set. State changes are reported to {@link
 * WorkflowListener#onCircuitStateChange} and refusals to {@link WorkflowListener#onRejected}.
 *
 * <p>Thread-safe. Admitting a call while closed takes no lock; a call that finishes adds its
 * outcome to the window under a short lock, so each outcome is judged in one order with the others
 * and {@link #stats()} is always one consistent moment ({@code failedCalls <= calls}).
 *
 * @param <I> input type
 * @param <O> output type
 */
public final class CircuitBreakerPrimitive<I, O> implements WorkflowPrimitive<I, O>, Structure {

  private static final int SUCCESS = 0;
  private static final int FAILURE = 1;
  private static final int SLOW = 2; // succeeded, but too slowly: a failure
  private static final int IGNORED = -1;

  private final WorkflowPrimitive<? super I, ? extends O> delegate;
  private final Breaker breaker;
  private final boolean reportsAsWorkflow; // around a composition: a class-level breaker

  private CircuitBreakerPrimitive(
      WorkflowPrimitive<? super I, ? extends O> delegate, Breaker breaker) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.breaker = breaker;
    this.reportsAsWorkflow = Structure.reportsAsWorkflow(delegate);
  }

  /**
   * A breaker of its own in front of {@code delegate}, named after it.
   *
   * @param delegate the work to protect
   * @param policy the policy
   * @param <I> input type
   * @param <O> output type
   * @return the primitive
   */
  public static <I, O> CircuitBreakerPrimitive<I, O> of(
      WorkflowPrimitive<? super I, ? extends O> delegate, CircuitBreakerPolicy policy) {
    Objects.requireNonNull(delegate, "delegate");
    return new CircuitBreakerPrimitive<>(
        delegate, new Breaker(null, Objects.requireNonNull(policy, "policy")));
  }

  /**
   * A breaker shared by {@code name} in {@code runtime}: every primitive made this way with one
   * name and one runtime, whatever its delegate, counts its calls in and is stopped by the same
   * breaker (one backend, one API key). Events and refusals name the breaker {@code name}.
   *
   * @param delegate the work to protect
   * @param policy the policy; must equal that of the other primitives sharing the name
   * @param name the shared name
   * @param runtime the runtime the name is shared in
   * @param <I> input type
   * @param <O> output type
   * @return the primitive
   * @throws IllegalStateException if the name is taken in {@code runtime} by a breaker with another
   *     policy (the message names both)
   * @throws IllegalArgumentException if {@code name} is blank
   */
  public static <I, O> CircuitBreakerPrimitive<I, O> shared(
      WorkflowPrimitive<? super I, ? extends O> delegate,
      CircuitBreakerPolicy policy,
      String name,
      WorkflowRuntime runtime) {
    Objects.requireNonNull(delegate, "delegate");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(runtime, "runtime"); // the runtime checks the name
    Breaker breaker =
        runtime.shared("CircuitBreaker", name, policy, () -> new Breaker(name, policy));
    return new CircuitBreakerPrimitive<>(delegate, breaker);
  }

  /**
   * The policy.
   *
   * @return the policy
   */
  public CircuitBreakerPolicy policy() {
    return breaker.policy;
  }

  /**
   * The state now. An open breaker whose open time is over reports {@link CircuitState#OPEN} until
   * a call finds it so and lets the first trial call through.
   *
   * @return the state
   */
  public CircuitState state() {
    return breaker.phase.get().state;
  }

  /**
   * A snapshot of the state and counts.
   *
   * @return the snapshot
   */
  public CircuitBreakerStats stats() {
    return breaker.phase.get().stats(breaker.rejected.sum());
  }

  @Override
  public CompletableFuture<O> execute(I input, WorkflowContext context) {
    if (CancelScope.isCancelled(context.scope())) {
      return CompletableFuture.failedFuture(
          new CancellationException("run cancelled: no new call of '" + name() + "'"));
    }
    Phase phase = breaker.phase.get();
    if (phase instanceof Closed) {
      return call(phase, input, context);
    }
    return notClosed(phase, input, context);
  }

  /**
   * For a generated workflow's direct run, which calls a step in place without a future: admits one
   * such call while the breaker is closed and does not time calls ({@code slowerThan} unset).
   * Admitting holds nothing; the call's outcome must be given to {@link #exitInPlace}.
   *
   * @return the permit, or {@code null}: make the call through {@link #execute} instead
   */
  public Object enterInPlace() {
    Phase phase = breaker.phase.get();
    return phase instanceof Closed && breaker.slowNanos == 0 ? phase : null;
  }

  /**
   * Counts the outcome of a call admitted by {@link #enterInPlace}, opening the breaker if that
   * brings the failure rate to the threshold.
   *
   * @param permit what {@link #enterInPlace} returned
   * @param failure what the call threw, or {@code null} if it succeeded
   * @param runtime the run's runtime, whose clock dates an opening
   */
  public void exitInPlace(Object permit, Throwable failure, WorkflowRuntime runtime) {
    Closed closed = (Closed) permit;
    int outcome = outcome(failure, 0L, null);
    Counts opening = outcome == IGNORED ? null : closed.add(outcome, breaker.policy);
    if (opening != null) {
      // A direct run has no listener (else it would not be direct): no event to tell.
      breaker.phase.compareAndSet(closed, new Open(runtime.clock().nanoTime(), opening));
    }
  }

  /** Open or half-open: refuse, or let a trial call through. */
  private CompletableFuture<O> notClosed(Phase phase, I input, WorkflowContext context) {
    while (true) {
      if (phase instanceof Closed) {
        return call(phase, input, context);
      }
      if (phase instanceof Open) {
        Open open = (Open) phase;
        // Elapsed time, not a deadline: overflow-safe for any clock value and any open time.
        long left = breaker.openNanos - (context.runtime().clock().nanoTime() - open.since);
        if (left > 0) {
          return refuse(context, Duration.ofNanos(left));
        }
        if (breaker.phase.compareAndSet(open, new HalfOpen())) {
          changed(context, CircuitState.OPEN, CircuitState.HALF_OPEN);
        }
      } else {
        HalfOpen trials = (HalfOpen) phase;
        if (trials.admit(breaker.policy.halfOpenCalls())) {
          return call(trials, input, context);
        }
        return refuse(context, Duration.ZERO); // the trial calls are out: no more pass for now
      }
      phase = breaker.phase.get();
    }
  }

  /** Calls the delegate; its outcome is counted in {@code phase}. */
  private CompletableFuture<O> call(Phase phase, I input, WorkflowContext context) {
    long start = breaker.slowNanos > 0 ? context.runtime().clock().nanoTime() : 0L;
    CompletableFuture<O> work = Futures.call(delegate, input, context);
    if (work.isDone()) {
      // The usual closed path: a synchronous call, counted before its caller sees the result.
      Throwable failure = work.isCompletedExceptionally() ? Futures.failure(work) : null;
      record(phase, outcome(failure, start, context), context);
      return work;
    }
    Call<O> call = new Call<>(this, phase, work, start, context);
    work.whenComplete(call);
    return call;
  }

  /** How a finished call counts. */
  private int outcome(Throwable failure, long start, WorkflowContext context) {
    if (failure != null) {
      Throwable cause = Futures.rootCause(failure);
      if (cause instanceof CancellationException
          || cause instanceof BulkheadFullException
          || cause instanceof RateLimitExceededException
          || Futures.isRejection(failure)) {
        return IGNORED; // our own refusals and cancellations say nothing about the delegate
      }
      if (breaker.policy.isFailure(cause)) {
        return FAILURE;
      }
    }
    long slow = breaker.slowNanos;
    if (slow > 0 && context.runtime().clock().nanoTime() - start > slow) {
      return SLOW;
    }
    return SUCCESS;
  }

  /** Counts an outcome in the phase the call was let through in, and moves the breaker on. */
  private void record(Phase phase, int outcome, WorkflowContext context) {
    if (phase instanceof Closed) {
      Counts opening = outcome == IGNORED ? null : ((Closed) phase).add(outcome, breaker.policy);
      if (opening != null) {
        open(phase, opening, context, CircuitState.CLOSED);
      }
      return;
    }
    HalfOpen trials = (HalfOpen) phase;
    if (outcome == IGNORED) {
      trials.release();
    } else if (outcome == SUCCESS) {
      if (trials.succeeded() == breaker.policy.halfOpenCalls()
          && breaker.phase.compareAndSet(trials, new Closed(breaker.policy.window()))) {
        changed(context, CircuitState.HALF_OPEN, CircuitState.CLOSED);
      }
    } else {
      int done = trials.successes.get() + 1;
      open(trials, new Counts(done, 1, outcome == SLOW ? 1 : 0), context, CircuitState.HALF_OPEN);
    }
  }

  private void open(Phase from, Counts counts, WorkflowContext context, CircuitState was) {
    long now = context.runtime().clock().nanoTime();
    if (breaker.phase.compareAndSet(from, new Open(now, counts))) {
      changed(context, was, CircuitState.OPEN);
    }
  }

  private CompletableFuture<O> refuse(WorkflowContext context, Duration halfOpensIn) {
    breaker.rejected.increment();
    CircuitOpenException refused = new CircuitOpenException(breakerName(context), halfOpensIn);
    Events events = context.runtime().events();
    if (events.enabled()) {
      events.onRejected(context, Structure.reportedName(this, context), refused);
    }
    return CompletableFuture.failedFuture(refused);
  }

  private void changed(WorkflowContext context, CircuitState from, CircuitState to) {
    Events events = context.runtime().events();
    if (events.enabled()) {
      events.onCircuitStateChange(context, breakerName(context), from, to);
    }
  }

  /** The shared name, else the step's (the workflow's for a class-level breaker). */
  private String breakerName(WorkflowContext context) {
    return breaker.name != null ? breaker.name : Structure.reportedName(this, context);
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public boolean isBlocking() {
    return delegate.isBlocking();
  }

  @Override
  public boolean reportsAsWorkflow() {
    return reportsAsWorkflow;
  }

  /** The state one or more primitives share. */
  static final class Breaker {
    final String name; // null: named after the primitive's step
    final CircuitBreakerPolicy policy;
    final long openNanos;
    final long slowNanos; // 0: no limit
    final AtomicReference<Phase> phase;
    final LongAdder rejected = new LongAdder();

    Breaker(String name, CircuitBreakerPolicy policy) {
      this.name = name;
      this.policy = policy;
      this.openNanos = RetryPolicy.saturatedNanos(policy.openFor());
      this.slowNanos =
          policy.slowerThan() == null ? 0L : RetryPolicy.saturatedNanos(policy.slowerThan());
      this.phase = new AtomicReference<>(new Closed(policy.window()));
    }
  }

  /** Counts frozen when the breaker opened. */
  private static final class Counts {
    final int calls;
    final int failed;
    final int slow;

    Counts(int calls, int failed, int slow) {
      this.calls = calls;
      this.failed = failed;
      this.slow = slow;
    }

    CircuitBreakerStats stats(CircuitState state, long rejected) {
      return new CircuitBreakerStats(
          state, calls == 0 ? 0.0 : (double) failed / calls, calls, failed, slow, rejected);
    }
  }

  /** One stretch of the breaker's life in one state; replaced, never reset. */
  private abstract static class Phase {
    final CircuitState state;

    Phase(CircuitState state) {
      this.state = state;
    }

    abstract CircuitBreakerStats stats(long rejected);
  }

  /**
   * Closed, with a fresh window: a ring of the last outcomes and their counts, changed and read
   * under the phase's lock, so that every outcome is judged against the ones before it and every
   * snapshot is one moment of the window. (Lock-free counters raced: a failure counted after the
   * call reaching minimumCalls had looked went unjudged, and a snapshot could show more failures
   * than calls.) The section is a few loads and stores, shorter than any call it counts.
   */
  private static final class Closed extends Phase {
    private final int[] ring; // guarded by this
    private long recorded; // guarded by this
    private int failures; // guarded by this; slow calls included
    private int slow; // guarded by this

    Closed(int window) {
      super(CircuitState.CLOSED);
      this.ring = new int[window];
    }

    /** Adds an outcome; the counts to open with if the breaker should open now, else null. */
    synchronized Counts add(int outcome, CircuitBreakerPolicy policy) {
      int window = ring.length;
      int slot = (int) (recorded++ % window);
      int old = ring[slot];
      ring[slot] = outcome;
      failures += (outcome != SUCCESS ? 1 : 0) - (old != SUCCESS ? 1 : 0);
      slow += (outcome == SLOW ? 1 : 0) - (old == SLOW ? 1 : 0);
      // Only a failure, or the call that reaches minimumCalls, can bring the rate to the threshold.
      if (recorded < policy.minimumCalls()
          || (outcome == SUCCESS && recorded != policy.minimumCalls())) {
        return null;
      }
      int kept = (int) Math.min(recorded, window);
      return (double) failures / kept >= policy.failureRate()
          ? new Counts(kept, failures, slow)
          : null;
    }

    @Override
    CircuitBreakerStats stats(long rejected) {
      return counts().stats(state, rejected);
    }

    synchronized Counts counts() {
      return new Counts((int) Math.min(recorded, ring.length), failures, slow);
    }
  }

  /** Open since {@code since} on the clock, for the policy's open time. */
  private static final class Open extends Phase {
    final long since;
    final Counts counts;

    Open(long since, Counts counts) {
      super(CircuitState.OPEN);
      this.since = since;
      this.counts = counts;
    }

    @Override
    CircuitBreakerStats stats(long rejected) {
      return counts.stats(state, rejected);
    }
  }

  /** Half-open: trial calls let through, and how many of them succeeded. */
  private static final class HalfOpen extends Phase {
    private final AtomicInteger admitted = new AtomicInteger();
    final AtomicInteger successes = new AtomicInteger();

    HalfOpen() {
      super(CircuitState.HALF_OPEN);
    }

    boolean admit(int limit) {
      while (true) {
        int now = admitted.get();
        if (now >= limit) {
          return false;
        }
        if (admitted.compareAndSet(now, now + 1)) {
          return true;
        }
      }
    }

    /** A trial call that did not count (cancelled, refused further on) gives up its place. */
    void release() {
      admitted.decrementAndGet();
    }

    int succeeded() {
      return successes.incrementAndGet();
    }

    @Override
    CircuitBreakerStats stats(long rejected) {
      return new Counts(successes.get(), 0, 0).stats(state, rejected);
    }
  }

  /**
   * The caller's future of a call that went asynchronous: the outcome is counted before the caller
   * hears it; cancelling it cancels the delegate's future, and the call is not counted.
   */
  private static final class Call<O> extends StoppableFuture<O>
      implements BiConsumer<Object, Throwable> {
    private final CircuitBreakerPrimitive<?, O> primitive;
    private final Phase phase;
    private final CompletableFuture<O> work;
    private final long start;
    private final WorkflowContext context;
    private boolean counted; // guarded by this

    Call(
        CircuitBreakerPrimitive<?, O> primitive,
        Phase phase,
        CompletableFuture<O> work,
        long start,
        WorkflowContext context) {
      this.primitive = primitive;
      this.phase = phase;
      this.work = work;
      this.start = start;
      this.context = context;
    }

    /** Whether this caller is the one to count the call (once, by its end or its cancel). */
    private synchronized boolean count() {
      boolean first = !counted;
      counted = true;
      return first;
    }

    @Override
    @SuppressWarnings("unchecked") // the work produces an O
    public void accept(Object value, Throwable error) {
      if (count()) {
        int outcome = isStopped() ? IGNORED : primitive.outcome(error, start, context);
        primitive.record(phase, outcome, context);
      }
      if (error == null) {
        settle((O) value);
      } else {
        settleExceptionally(Futures.unwrap(error));
      }
    }

    @Override
    void stop(boolean interrupt) {
      try {
        work.cancel(interrupt);
      } finally {
        if (count()) { // the work did not end on its cancel: its place is given up now
          primitive.record(phase, IGNORED, context);
        }
      }
    }
  }
}
