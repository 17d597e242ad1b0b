package dev.tta.primitives;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * Gives each call a deadline. At the deadline the late call is cancelled (its thread interrupted
 * when {@code interrupt} is set) and then the returned future fails with a {@link TimeoutException}
 * <em>at once</em>, even if the work ignores interruption. The call is told to stop before anything
 * downstream (a fallback, the next step) runs.
 *
 * <p>A blocking delegate runs on the runtime's executor so that the caller can be released at the
 * deadline; a non-blocking one is called directly. The deadlines of calls on the same runtime share
 * one timer on the runtime's scheduler, armed for the earliest of them; a call that finishes first
 * merely gives up its place. Once no call is waiting the timer is cancelled, except on the default
 * scheduler, where it is left to fire once and find nothing (cheaper than arming a new one for the
 * next call). On the default scheduler the deadline fires on the runtime's timer thread, never
 * waiting for a free executor thread: that thread stops the late call and fails the returned
 * future, so dependents attached to it without an {@code *Async} method run there too (as with
 * {@link CompletableFuture#orTimeout}) and should be short; a fallback runs on the executor. The
 * deadline holds even when a scheduler of your own fires it late: a call that finishes at or after
 * its deadline on the runtime's clock fails with the {@link TimeoutException} too; its late value
 * or failure is dropped.
 *
 * @param <I> input type
 * @param <O> output type
 */
public final class TimeoutPrimitive<I, O> implements WorkflowPrimitive<I, O>, Structure {

  private final WorkflowPrimitive<? super I, ? extends O> delegate;
  private final Duration timeout;
  private final long timeoutNanos;
  private final boolean interrupt;
  // Bound to the runtime of the first call; calls on another runtime each get a timer of their own.
  private final DeadlineQueue deadlines;
  private final boolean reportsAsWorkflow; // around a composition: a class-level @Timeout

  private TimeoutPrimitive(
      WorkflowPrimitive<? super I, ? extends O> delegate, Duration timeout, boolean interrupt) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout = " + timeout + " must be positive");
    }
    this.timeoutNanos = RetryPolicy.saturatedNanos(timeout); // "300000d" must not overflow
    this.interrupt = interrupt;
    this.deadlines = new DeadlineQueue(timeoutNanos);
    this.reportsAsWorkflow = Structure.reportsAsWorkflow(delegate);
  }

  /**
   * A deadline that interrupts the late call.
   *
   * @param delegate the work
   * @param timeout the deadline per call, positive
   * @param <I> input type
   * @param <O> output type
   * @return the primitive
   */
  public static <I, O> TimeoutPrimitive<I, O> of(
      WorkflowPrimitive<? super I, ? extends O> delegate, Duration timeout) {
    return new TimeoutPrimitive<>(delegate, timeout, true);
  }

  /**
   * A deadline; {@code interrupt} chooses whether the late call's threads are interrupted (also
   * those of parallel branches and other isolated work nested in it).
   *
   * @param delegate the work
   * @param timeout the deadline per call, positive
   * @param interrupt whether to interrupt a late blocking call and the work nested in it
   * @param <I> input type
   * @param <O> output type
   * @return the primitive
   */
  public static <I, O> TimeoutPrimitive<I, O> of(
      WorkflowPrimitive<? super I, ? extends O> delegate, Duration timeout, boolean interrupt) {
    return new TimeoutPrimitive<>(delegate, timeout, interrupt);
  }

  /**
   * The deadline per call.
   *
   * @return the timeout
   */
  public Duration timeout() {
    return timeout;
  }

  @Override
  public CompletableFuture<O> execute(I input, WorkflowContext context) {
    WorkflowRuntime runtime = context.runtime();
    long start;
    try {
      // Before the call starts: the deadline counts from here however long starting it takes.
      start = runtime.clock().nanoTime();
    } catch (Throwable t) { // the clock threw: no deadline can be kept, and nothing has started
      return CompletableFuture.failedFuture(t);
    }
    CompletableFuture<? extends O> work;
    if (delegate.isBlocking()) {
      // Not helpable: a blocking run waiting for it would be the thread the deadline must release.
      work = IsolatedCall.start(delegate, input, context, runtime.executor(), interrupt, false);
    } else {
      work = Futures.call(delegate, input, context);
      if (work.isDone()) {
        @SuppressWarnings("unchecked") // read-only
        CompletableFuture<O> done = (CompletableFuture<O>) work;
        return done; // finished before any deadline could pass: no timer needed
      }
    }
    DeadlineQueue queue =
        deadlines.bind(runtime) ? deadlines : DeadlineQueue.forOneCall(timeoutNanos, runtime);
    Deadline<O> deadline = new Deadline<>(this, context, work, queue);
    try {
      queue.arm(deadline, start); // a scheduler that throws fails the deadline (and the work)
    } catch (Throwable t) { // the clock threw: no deadline can be kept
      work.cancel(interrupt); // the call is never left running unwatched
      return CompletableFuture.failedFuture(t);
    }
    work.whenComplete(deadline);
    return deadline;
  }

  /** The deadlines of calls on the runtime this primitive is bound to; for tests. */
  DeadlineQueue deadlines() {
    return deadlines;
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

  /** What the timeout says: the step's deadline, or the whole run's for a class-level one. */
  private TimeoutException timedOut(WorkflowContext context) {
    String what =
        reportsAsWorkflow
            ? "workflow '" + context.workflowName() + "'"
            : "step '" + name() + "' of workflow '" + context.workflowName() + "'";
    return new TimeoutException(what + " timed out after " + timeout.toMillis() + "ms");
  }

  /**
   * One call under a deadline: the queue's entry (its {@link #run()} is the expiry) and the
   * completion callback in one object. Whichever comes first claims the outcome; at the deadline
   * the late work is stopped before the caller hears of the timeout, so nothing downstream runs
   * beside it.
   */
  private static final class Deadline<O> extends DeadlineQueue.Entry<O>
      implements BiConsumer<Object, Throwable> {
    private final TimeoutPrimitive<?, O> primitive;
    private final WorkflowContext context;
    private final CompletableFuture<? extends O> work;

    Deadline(
        TimeoutPrimitive<?, O> primitive,
        WorkflowContext context,
        CompletableFuture<? extends O> work,
        DeadlineQueue queue) {
      super(queue);
      this.primitive = primitive;
      this.context = context;
      this.work = work;
    }

    /** The deadline passed. */
    @Override
    public void run() {
      if (!claimToStop(primitive.interrupt)) {
        return; // the work finished first, or the call was cancelled
      }
      TimeoutException timeout = primitive.timedOut(context);
      try {
        Events events = context.runtime().events();
        if (events.enabled()) {
          events.onTimeout(context, Structure.reportedName(primitive, context), primitive.timeout);
        }
        stop(primitive.interrupt);
      } finally {
        failClaimed(timeout);
      }
    }

    /**
     * The work finished. Before the deadline its outcome is the result; at or after it, the timer
     * is merely late (e.g. queued behind this very work on a busy executor) and the call timed out.
     * A finish after the deadline was handled (or the call cancelled) is ignored.
     */
    @Override
    @SuppressWarnings("unchecked") // the work produces an O
    public void accept(Object value, Throwable error) {
      if (isClaimed()) {
        return;
      }
      if (context.runtime().clock().nanoTime() - start >= primitive.timeoutNanos) {
        run();
        return;
      }
      if (!claimToSettle()) {
        return;
      }
      queue.disarmed();
      if (error == null) {
        completeClaimed((O) value);
      } else {
        failClaimed(Futures.unwrap(error));
      }
    }

    /**
     * Disarms the deadline and cancels the work; a thread is interrupted only if both the stop and
     * the primitive allow it.
     */
    @Override
    void stop(boolean interrupt) {
      queue.disarmed();
      work.cancel(interrupt && primitive.interrupt);
    }

    /** The scheduler failed: stop the work and fail with its exception, as at arming. */
    @Override
    void abandon(Throwable cause) {
      stopAndFail(cause, primitive.interrupt);
    }
  }
}
