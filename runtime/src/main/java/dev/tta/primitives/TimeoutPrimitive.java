package dev.tta.primitives;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * Gives each call a deadline. At the deadline the late call is cancelled (its thread interrupted
 * when {@code interrupt} is set) and then the returned future fails with a {@link TimeoutException}
 * <em>at once</em>, even if the work ignores interruption. The call is told to stop before anything
 * downstream (a fallback, the next step) runs.
 *
 * <p>A blocking delegate runs on the runtime's executor so that the caller can be released at the
 * deadline; a non-blocking one is called directly. The timer is armed on the runtime's scheduler
 * and disarmed when the call finishes first. The deadline holds even when the timer fires late (a
 * busy executor, a stalled timer): a call that finishes at or after its deadline on the runtime's
 * clock fails with the {@link TimeoutException} too; its late value or failure is dropped.
 *
 * @param <I> input type
 * @param <O> output type
 */
public final class TimeoutPrimitive<I, O> implements WorkflowPrimitive<I, O> {

  private final WorkflowPrimitive<? super I, ? extends O> delegate;
  private final Duration timeout;
  private final long timeoutNanos;
  private final boolean interrupt;

  private TimeoutPrimitive(
      WorkflowPrimitive<? super I, ? extends O> delegate, Duration timeout, boolean interrupt) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout = " + timeout + " must be positive");
    }
    this.timeoutNanos = RetryPolicy.saturatedNanos(timeout); // "300000d" must not overflow
    this.interrupt = interrupt;
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
    CompletableFuture<? extends O> work;
    if (delegate.isBlocking()) {
      work = IsolatedCall.start(delegate, input, context, runtime.executor(), interrupt);
    } else {
      work = Futures.call(delegate, input, context);
      if (work.isDone()) {
        @SuppressWarnings("unchecked") // read-only
        CompletableFuture<O> done = (CompletableFuture<O>) work;
        return done; // finished before any deadline could pass: no timer needed
      }
    }
    Deadline<O> deadline;
    try {
      deadline = new Deadline<>(this, context, work, runtime.clock().nanoTime());
      deadline.timer = runtime.scheduler().schedule(deadline, timeoutNanos, TimeUnit.NANOSECONDS);
    } catch (Throwable t) { // no deadline can be kept (e.g. the scheduler is shut down)
      work.cancel(interrupt); // the call is never left running unwatched
      return CompletableFuture.failedFuture(t);
    }
    work.whenComplete(deadline);
    return deadline;
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

  /**
   * One call under a deadline: the timer task and the completion callback in one object. Whichever
   * comes first claims the outcome; at the deadline the late work is stopped before the caller
   * hears of the timeout, so nothing downstream runs beside it.
   */
  private static final class Deadline<O> extends StoppableFuture<O>
      implements Runnable, BiConsumer<Object, Throwable> {
    private final TimeoutPrimitive<?, O> primitive;
    private final WorkflowContext context;
    private final CompletableFuture<? extends O> work;
    private final long start; // on the runtime's clock, when the deadline was armed
    volatile ScheduledFuture<?> timer;

    Deadline(
        TimeoutPrimitive<?, O> primitive,
        WorkflowContext context,
        CompletableFuture<? extends O> work,
        long start) {
      this.primitive = primitive;
      this.context = context;
      this.work = work;
      this.start = start;
    }

    /** The deadline passed. */
    @Override
    public void run() {
      if (!claimToStop(primitive.interrupt)) {
        return; // the work finished first, or the call was cancelled
      }
      TimeoutException timeout =
          new TimeoutException(
              "step '"
                  + primitive.name()
                  + "' of workflow '"
                  + context.workflowName()
                  + "' timed out after "
                  + primitive.timeout.toMillis()
                  + "ms");
      try {
        Events events = context.runtime().events();
        if (events.enabled()) {
          events.onTimeout(context, primitive.name(), primitive.timeout);
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
      cancelTimer();
      if (error == null) {
        completeClaimed((O) value);
      } else {
        failClaimed(Futures.unwrap(error));
      }
    }

    private void cancelTimer() {
      ScheduledFuture<?> armed = timer;
      if (armed != null) {
        armed.cancel(false);
      }
    }

    /**
     * Disarms the timer and cancels the work; a thread is interrupted only if both the stop and the
     * primitive allow it.
     */
    @Override
    void stop(boolean interrupt) {
      cancelTimer();
      work.cancel(interrupt && primitive.interrupt);
    }
  }
}
