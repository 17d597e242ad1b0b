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
 * Hedges a slow call: starts the delegate, and if it has not finished after {@code delay}, starts
 * another call on the same input, and so on at {@code delay} intervals while none has succeeded and
 * fewer than {@code max} have started. The first success wins: the other calls in flight are
 * cancelled (blocking ones interrupted) before the returned future completes with its value.
 *
 * <p>A hedge hedges slowness only, not failures (a retry around it handles those): a failure of the
 * only call in flight fails the hedge at once and no further call starts; while other calls are in
 * flight a failure waits for them (and the next start stays due). When every started call failed,
 * the result fails with the failure of the call that failed last: as it is when a single call was
 * started (the hedge was a plain call), otherwise as the cause of a {@link WorkflowException} whose
 * {@link WorkflowException#attempts()} counts the calls started and which holds the other failures
 * as suppressed.
 *
 * <p>The next start is scheduled on the runtime's {@link WorkflowScheduler}, one timer at a time,
 * measured from the previous start; a call that finishes first disarms it, so a call that succeeds
 * within {@code delay} costs one timer armed and cancelled, and one that completes at once costs
 * none. A blocking delegate runs as an isolated call on the runtime's executor, the first call
 * included, so the caller is never the thread held and a winner can release it while a loser is
 * still running; a non-blocking one is called directly (the later calls where the scheduler runs
 * its tasks: on the default one, the runtime's executor). With a {@code delay} of zero all {@code
 * max} calls start at once, without a timer.
 *
 * <p>Cancelling the returned future cancels every call in flight (interrupting blocking ones only
 * if {@code mayInterruptIfRunning}) and the scheduled next start. No call starts once the run is
 * cancelled: a start that falls due then cancels the calls in flight and fails the hedge with a
 * {@link CancellationException}, and a call that fails then stops the others and fails the hedge
 * with its failure at once.
 *
 * @param <I> input type
 * @param <O> output type
 */
public final class HedgePrimitive<I, O> implements WorkflowPrimitive<I, O>, Structure {

  /** The default wait before the next call starts, as {@code @Hedge}'s: 100 ms. */
  public static final Duration DEFAULT_DELAY = Duration.ofMillis(100);

  /** The default number of calls in all, as {@code @Hedge}'s: 2. */
  public static final int DEFAULT_MAX = 2;

  private final WorkflowPrimitive<? super I, ? extends O> delegate;
  private final Duration delay;
  private final long delayNanos;
  private final int max;
  private final boolean reportsAsWorkflow; // around a composition

  private HedgePrimitive(
      WorkflowPrimitive<? super I, ? extends O> delegate, Duration delay, int max) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.delay = Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay = " + delay + " must not be negative (>= 0)");
    }
    if (max < 2) {
      throw new IllegalArgumentException(
          "max = " + max + ": counts the calls in all, the first included, and must be >= 2");
    }
    this.delayNanos = RetryPolicy.saturatedNanos(delay); // "300000d" must not overflow
    this.max = max;
    this.reportsAsWorkflow = Structure.reportsAsWorkflow(delegate);
  }

  /**
   * Hedges {@code delegate}: another call after each {@code delay}, {@code max} calls in all.
   *
   * @param delegate the work
   * @param delay how long a call may run before the next one starts, not negative; zero starts all
   *     calls at once
   * @param max the calls in all, counting the first, at least 2
   * @param <I> input type
   * @param <O> output type
   * @return the primitive
   * @throws IllegalArgumentException if {@code delay} is negative or {@code max} is less than 2
   * @throws NullPointerException if {@code delegate} or {@code delay} is null
   */
  public static <I, O> HedgePrimitive<I, O> of(
      WorkflowPrimitive<? super I, ? extends O> delegate, Duration delay, int max) {
    return new HedgePrimitive<>(delegate, delay, max);
  }

  /**
   * Hedges {@code delegate} with {@link #DEFAULT_DELAY} and {@link #DEFAULT_MAX}.
   *
   * @param delegate the work
   * @param <I> input type
   * @param <O> output type
   * @return the primitive
   * @throws NullPointerException if {@code delegate} is null
   */
  public static <I, O> HedgePrimitive<I, O> of(WorkflowPrimitive<? super I, ? extends O> delegate) {
    return new HedgePrimitive<>(delegate, DEFAULT_DELAY, DEFAULT_MAX);
  }

  /**
   * How long a call may run before the next one starts.
   *
   * @return the delay
   */
  public Duration delay() {
    return delay;
  }

  /**
   * The calls in all, counting the first.
   *
   * @return at least 2
   */
  public int max() {
    return max;
  }

  @Override
  public CompletableFuture<O> execute(I input, WorkflowContext context) {
    if (CancelScope.isCancelled(context.scope())) {
      return CompletableFuture.failedFuture(
          new CancellationException("run cancelled before '" + name() + "'"));
    }
    // The first call runs in the caller's scope: its future is known before anyone can stop the
    // hedge, so cancelling reaches it directly.
    CompletableFuture<O> first =
        delegate.isBlocking()
            ? IsolatedCall.start(delegate, input, context, context.runtime().executor(), true, true)
            : Futures.call(delegate, input, context);
    if (first.isDone()) {
      return first; // finished before another call could be due: no timer, no state
    }
    Calls<I, O> calls = new Calls<>(this, input, context);
    calls.track(first);
    if (delayNanos == 0) {
      while (calls.startNext()) {
        // all calls at once
      }
    } else if (!calls.isClaimed()) {
      calls.arm();
    }
    return calls;
  }

  @Override
  public String name() {
    return delegate.name();
  }

  /** The caller is never held: blocking work goes to the executor. */
  @Override
  public boolean isBlocking() {
    return false;
  }

  @Override
  public boolean reportsAsWorkflow() {
    return reportsAsWorkflow;
  }

  /**
   * The calls of one hedged call whose first call did not finish at once, and its result. It is the
   * scope of the calls after the first, and the task of the timer that starts them.
   */
  private static final class Calls<I, O> extends StoppableFuture<O>
      implements CancelScope, Runnable {
    private final HedgePrimitive<I, O> hedge;
    private final I input;
    private final WorkflowContext context;
    private final List<CompletableFuture<? extends O>> started; // guarded by this
    private final List<Throwable> failures = new ArrayList<>(); // guarded by this; in order
    private int reserved = 1; // calls started or being started, the first one; guarded by this
    private volatile ScheduledFuture<?> timer; // the pending next start, if any; set under this
    private int arms; // timers armed so far; only the latest one's handle is kept; guarded by this
    private volatile WorkflowContext inHedge; // the later calls' context, made on first use

    Calls(HedgePrimitive<I, O> hedge, I input, WorkflowContext context) {
      this.hedge = hedge;
      this.input = input;
      this.context = context;
      this.started = new ArrayList<>(Math.min(hedge.max, 4));
    }

    @Override
    public CancelScope parent() {
      return context.scope();
    }

    /** Publishes a started call where a stop can reach it, and waits for its outcome. */
    void track(CompletableFuture<? extends O> call) {
      synchronized (this) {
        started.add(call);
      }
      if (call.isDone()) {
        if (call.isCompletedExceptionally()) {
          failed(Futures.failure(call));
        } else {
          won(call.getNow(null));
        }
        return;
      }
      call.whenComplete(
          (value, error) -> {
            if (error == null) {
              won(value);
            } else {
              failed(Futures.unwrap(error));
            }
          });
      if (isClaimed()) {
        stopLate(call); // decided (a winner, a cancel) while this call started
      }
    }

    /**
     * Starts the next call unless the hedge is decided, all calls have started, or the run is
     * cancelled (which stops the hedge).
     *
     * @return whether a further call may follow
     */
    boolean startNext() {
      int index;
      synchronized (this) {
        if (isClaimed() || reserved >= hedge.max) {
          return false;
        }
        index = CancelScope.isCancelled(context.scope()) ? -1 : reserved++;
      }
      if (index < 0) {
        stopAndFail(
            new CancellationException("run cancelled: no further call of '" + hedge.name() + "'"),
            true);
        return false;
      }
      WorkflowContext scoped = inHedge;
      if (scoped == null) {
        scoped = context.withScope(this); // a cancel reaches the work while its call starts
        inHedge = scoped;
      }
      WorkflowPrimitive<? super I, ? extends O> delegate = hedge.delegate;
      CompletableFuture<? extends O> call =
          delegate.isBlocking()
              ? IsolatedCall.start(
                  delegate, input, scoped, context.runtime().executor(), true, true)
              : Futures.call(delegate, input, scoped);
      track(call);
      return index + 1 < hedge.max && !isClaimed();
    }

    /** Schedules the next start after the delay. */
    void arm() {
      WorkflowScheduler scheduler = context.runtime().scheduler();
      int arm;
      synchronized (this) {
        arm = ++arms;
      }
      ScheduledFuture<?> next;
      try {
        // A blocking call is handed to the executor at once: on the runtime's own timer, start it
        // from the timer thread rather than hopping to the executor twice. Other calls start where
        // the scheduler runs its tasks (the default one: on the executor).
        next =
            hedge.delegate.isBlocking() && scheduler instanceof DeadlineQueue.OwnTimer
                ? ((DeadlineQueue.OwnTimer) scheduler)
                    .scheduleOnTimer(this, hedge.delayNanos, TimeUnit.NANOSECONDS)
                : scheduler.schedule(this, hedge.delayNanos, TimeUnit.NANOSECONDS);
      } catch (Throwable t) { // e.g. a scheduler that was shut down: no call is left unwatched
        stopAndFail(t, true);
        return;
      }
      synchronized (this) {
        if (arms != arm) {
          return; // it ran already (a prompt timer, or one that runs its task at once) and re-armed
        }
        timer = next;
      }
      if (isClaimed()) {
        disarm(); // decided while the timer was being armed
      }
    }

    /** The delay passed: the next call starts, and the one after it is scheduled. */
    @Override
    public void run() {
      if (startNext()) {
        arm();
      }
    }

    /** A call succeeded: the first success stops the others, then completes the hedge. */
    private void won(O value) {
      if (!claimToSettle()) {
        return; // decided already: a later success, or the echo of a cancel
      }
      try {
        disarm();
        cancelCalls(true);
      } finally {
        completeClaimed(value);
      }
    }

    /**
     * A call failed. With other calls in flight the hedge waits for them; once none is, it fails
     * with this failure, the last. In a cancelled run (the call failed because of it, most likely)
     * nothing is waited for: the others are stopped and the hedge fails with this failure.
     */
    private void failed(Throwable failure) {
      if (CancelScope.isCancelled(context.scope())) {
        stopAndFail(failure, true);
        return;
      }
      Throwable outcome;
      synchronized (this) {
        if (isClaimed()) {
          return; // a loser cancelled by the winner, or a call cancelled with the hedge
        }
        failures.add(failure);
        if (failures.size() < reserved || !claimToSettle()) {
          return; // others are in flight (or being started): they may still succeed
        }
        outcome = allFailed();
      }
      try {
        disarm();
      } finally {
        failClaimed(outcome);
      }
    }

    /** The failure of a hedge all of whose calls failed; guarded by this. */
    private Throwable allFailed() {
      int calls = failures.size();
      Throwable last = failures.get(calls - 1);
      if (calls == 1) {
        return last; // one call was made, and failed as a plain call would
      }
      String workflow = context.workflowName();
      String step = Structure.reportedName(hedge, context);
      // A rejection is reported as what the executor threw, not as the step's wrapper of it.
      WorkflowException error =
          Futures.isRejection(last) && last.getCause() != null
              ? WorkflowException.rejected(workflow, step, calls, last.getCause())
              : new WorkflowException(workflow, step, calls, last);
      for (Throwable earlier : failures.subList(0, calls - 1)) {
        if (earlier != last) {
          error.addSuppressed(earlier);
        }
      }
      return error;
    }

    /** Cancels the pending next start, if any. */
    private void disarm() {
      ScheduledFuture<?> pending = timer;
      if (pending != null) {
        try {
          pending.cancel(false);
        } catch (RuntimeException e) {
          // a broken scheduler's handle: the task finds the hedge decided and does nothing
        }
      }
    }

    /** Cancels the calls still in flight. */
    private void cancelCalls(boolean interrupt) {
      List<CompletableFuture<? extends O>> calls;
      synchronized (this) {
        calls = new ArrayList<>(started);
      }
      for (CompletableFuture<? extends O> call : calls) {
        if (!call.isDone()) {
          call.cancel(interrupt);
        }
      }
    }

    /** Cancels the next start and the calls in flight; a thread is interrupted only if asked. */
    @Override
    void stop(boolean interrupt) {
      disarm();
      cancelCalls(interrupt);
    }
  }
}
