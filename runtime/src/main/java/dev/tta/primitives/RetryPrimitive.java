package dev.tta.primitives;

import static java.time.Duration.ofNanos;

import dev.failsafe.Failsafe;
import dev.failsafe.spi.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Delayed;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a primitive again when it fails, under a {@link RetryPolicy}.
 *
 * <p>The first attempt is a plain call: when it succeeds, retry costs nothing more. After a
 * retryable failure the remaining attempts are driven by Failsafe, with waits on the runtime's
 * {@link WorkflowScheduler} (no thread sleeps) and the time budget on the runtime's clock. Later
 * attempts run on the thread the scheduler runs the retry on (by default one of the runtime's
 * executor); a blocking one runs as an isolated call there, so that cancelling interrupts it. When
 * the attempts are used up, the time budget is spent or a failure is not retryable, the result
 * fails with a {@link WorkflowException} whose {@link WorkflowException#attempts()} counts the
 * attempts, whose cause is the last failure and which holds the earlier failures as suppressed.
 * Cancelling the returned future cancels the attempt in flight and stops further attempts; an
 * attempt that was cancelled (it failed with a {@link CancellationException}) is never retried.
 *
 * @param <I> input type
 * @param <O> output type
 */
public final class RetryPrimitive<I, O> implements WorkflowPrimitive<I, O>, Structure {

  private final WorkflowPrimitive<? super I, ? extends O> delegate;
  private final RetryPolicy policy;
  private final boolean reportsAsWorkflow; // around a composition: a class-level @Retry

  private RetryPrimitive(WorkflowPrimitive<? super I, ? extends O> delegate, RetryPolicy policy) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.reportsAsWorkflow = Structure.reportsAsWorkflow(delegate);
  }

  /**
   * Retries {@code delegate} under {@code policy}.
   *
   * @param delegate the work to retry
   * @param policy the policy
   * @param <I> input type
   * @param <O> output type
   * @return the primitive
   */
  public static <I, O> RetryPrimitive<I, O> of(
      WorkflowPrimitive<? super I, ? extends O> delegate, RetryPolicy policy) {
    return new RetryPrimitive<>(delegate, policy);
  }

  /**
   * The policy.
   *
   * @return the policy
   */
  public RetryPolicy policy() {
    return policy;
  }

  @Override
  public CompletableFuture<O> execute(I input, WorkflowContext context) {
    WorkflowClock clock = context.runtime().clock();
    // Read the clock only when a budget needs it: the happy path should cost a plain call.
    long start = policy.maxDuration() != null ? clock.nanoTime() : 0L;
    CompletableFuture<O> first = Futures.call(delegate, input, context);
    if (first.isDone() && !first.isCompletedExceptionally()) {
      return first;
    }
    Attempts<I, O> attempts = new Attempts<>(this, input, context, start);
    if (first.isCompletedExceptionally()) {
      attempts.firstFailed(Futures.failure(first));
    } else {
      attempts.current = first;
      first.whenComplete(
          (value, error) -> {
            if (error == null) {
              attempts.settle(value);
            } else {
              attempts.firstFailed(Futures.unwrap(error));
            }
          });
    }
    return attempts;
  }

  /**
   * Goes on as if the first attempt, made outside this primitive (a generated workflow's direct
   * call), had failed with {@code failure}: the next attempts follow under the policy. A time
   * budget counts from now, so generated code makes its direct calls only for policies without one.
   */
  CompletableFuture<O> afterFailure(I input, WorkflowContext context, Throwable failure) {
    long start = policy.maxDuration() != null ? context.runtime().clock().nanoTime() : 0L;
    Attempts<I, O> attempts = new Attempts<>(this, input, context, start);
    attempts.firstFailed(Futures.unwrap(failure));
    return attempts;
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

  /** The state of one retried call after its first attempt failed or went asynchronous. */
  private static final class Attempts<I, O> extends StoppableFuture<O> {

    private final RetryPrimitive<I, O> retry;
    private final I input;
    private final WorkflowContext context;
    private final long start;
    private final List<Throwable> failures = new ArrayList<>(); // guarded by this
    private volatile CompletableFuture<O> current; // the first attempt, then Failsafe's run
    private volatile CompletableFuture<O> attempt; // the later attempt in flight, if any
    private volatile RejectedExecutionException rejection; // the executor refused the next one
    private long nextDelayNanos; // guarded by this
    private boolean replayPending; // guarded by this

    Attempts(RetryPrimitive<I, O> retry, I input, WorkflowContext context, long start) {
      this.retry = retry;
      this.input = input;
      this.context = context;
      this.start = start;
    }

    void firstFailed(Throwable failure) {
      if (isClaimed()) {
        return;
      }
      if (!shouldRetry(failure)) {
        giveUp(failure);
        return;
      }
      synchronized (this) {
        replayPending = true;
      }
      // Failsafe drives the remaining attempts. Its first "execution" replays this failure, so
      // its attempt counter, waits and limits line up with ours.
      dev.failsafe.RetryPolicy<O> failsafePolicy =
          dev.failsafe.RetryPolicy.<O>builder()
              .withMaxAttempts(retry.policy.maxAttempts())
              // A claimed (cancelled) run is not judged: no lock, so a canceller never waits here.
              .handleIf(
                  (result, error) ->
                      error != null && !isClaimed() && (takeReplay() || shouldRetry(error)))
              .withDelayFn(ctx -> Duration.ofNanos(nextDelayNanos()))
              .build();
      CompletableFuture<O> run =
          Failsafe.with(failsafePolicy)
              .with(failsafeScheduler(context.runtime().scheduler(), this))
              .getStageAsync(
                  ctx ->
                      ctx.getAttemptCount() == 0
                          ? CompletableFuture.failedFuture(failure)
                          : next());
      current = run;
      run.whenComplete(
          (value, error) -> {
            if (error == null) {
              settle(value);
            } else {
              giveUp(Futures.unwrap(error));
            }
          });
      if (isClaimed()) {
        stopLate(run); // cancelled while the retries were being set up
      }
    }

    private synchronized long nextDelayNanos() {
      return nextDelayNanos;
    }

    /** Starts the next attempt; called by Failsafe after the wait. */
    private CompletableFuture<O> next() {
      if (isClaimed() || CancelScope.isCancelled(context.scope())) {
        return CompletableFuture.failedFuture(new CancellationException());
      }
      RejectedExecutionException refused = rejection;
      if (refused != null) {
        return CompletableFuture.failedFuture(refused); // never retried: see shouldRetry
      }
      WorkflowPrimitive<? super I, ? extends O> delegate = retry.delegate;
      if (!delegate.isBlocking()) {
        CompletableFuture<O> started = Futures.call(delegate, input, context);
        attempt = started;
        if (isClaimed()) {
          stopLate(started); // cancelled while the attempt started
        }
        return started;
      }
      // In place, as an isolated call published before it starts: a cancel interrupts it. (No
      // hand-off to the executor: the scheduler already runs us where blocking work may run, and
      // a virtual-time test keeps the attempt on its own thread.)
      IsolatedCall<I, O> call = IsolatedCall.create(delegate, input, context, true);
      attempt = call;
      if (isClaimed()) {
        stopLate(call); // cancelled during the wait: the call never starts
      } else {
        call.run();
      }
      return call;
    }

    /**
     * Records a failure and decides whether another attempt should follow: the policy allows it,
     * attempts remain and the next attempt would start within the time budget.
     */
    private synchronized boolean shouldRetry(Throwable error) {
      Throwable failure = Futures.unwrap(error);
      failures.add(failure);
      int attempt = failures.size();
      RetryPolicy policy = retry.policy;
      Throwable cause = Futures.rootCause(failure);
      if (isClaimed()
          || attempt >= policy.maxAttempts()
          || cause instanceof CancellationException // a cancelled run wants no more attempts
          || CancelScope.isCancelled(context.scope())
          || failure == rejection // the runtime's executor is full: fail, do not pile on
          || Futures.isRejection(failure)
          || !policy.isRetryable(cause)) {
        return false;
      }
      long delay = context.runtime().retryDelayNanos(policy, attempt);
      if (policy.maxDuration() != null) {
        long elapsed = context.runtime().clock().nanoTime() - start;
        // Compared as time left, saturated: elapsed + delay overflowed for huge waits, and
        // toNanos() threw for a budget beyond ~292 years.
        if (delay >= RetryPolicy.saturatedNanos(policy.maxDuration()) - elapsed) {
          return false;
        }
      }
      nextDelayNanos = delay;
      Events events = context.runtime().events();
      if (!events.enabled()) {
        return true;
      }
      // Looked at again after the delay's draw (which may have waited for the random source), as
      // part of the announcement: a cancel() that returned never sees an onRetry after it, even
      // one of a blocking run whose future the cancel could not reach yet.
      return CancelScope.announceUnlessCancelled(
          context.scope(),
          () ->
              events.onRetry(
                  context,
                  Structure.reportedName(retry, context),
                  attempt + 1,
                  failure,
                  ofNanos(delay)));
    }

    /** The replayed first failure was already judged; Failsafe asks about it once more. */
    private synchronized boolean takeReplay() {
      boolean replay = replayPending;
      replayPending = false;
      return replay;
    }

    private void giveUp(Throwable finalError) {
      if (isClaimed()) {
        return; // cancelled: the failure is the cancellation's echo
      }
      WorkflowException error;
      synchronized (this) {
        if (failures.isEmpty() || failures.get(failures.size() - 1) != finalError) {
          failures.add(finalError); // e.g. the scheduler refused the wait
        }
        // A rejection is reported as what the executor threw, not as the step's wrapper of it.
        boolean refused = finalError == rejection || Futures.isRejection(finalError);
        Throwable last = finalError != rejection && refused ? finalError.getCause() : finalError;
        String step = Structure.reportedName(retry, context);
        int attempts = failures.size();
        error =
            refused
                ? WorkflowException.rejected(context.workflowName(), step, attempts, last)
                : new WorkflowException(context.workflowName(), step, attempts, last);
        for (Throwable earlier : failures.subList(0, failures.size() - 1)) {
          if (earlier != last) {
            error.addSuppressed(earlier);
          }
        }
      }
      settleExceptionally(error);
    }

    /** On the timer thread, a due wait: to the executor, and to this run's waiter if any. */
    void dispatch(Wait wait) {
      Executor executor = context.runtime().executor();
      Waiter.Once once = new Waiter.Once(wait);
      try {
        executor.execute(once);
      } catch (RejectedExecutionException e) {
        wait.rejected(e);
        return;
      } catch (RuntimeException e) { // a broken executor refuses too
        wait.rejected(new RejectedExecutionException(e));
        return;
      }
      Waiter waiter = Waiter.of(context.scope());
      if (waiter != null) {
        waiter.offer(once, executor);
      }
    }

    /** Cancels the attempt or the wait in flight; no attempt starts after this. */
    @Override
    void stop(boolean interrupt) {
      if (!IsolatedCall.isAnnouncing()) {
        synchronized (this) {
          // A barrier: a retry being announced (shouldRetry holds this lock) is over before the
          // cancel returns, and any later one sees the claim. Not for a cancel made by a listener
          // while it is told of a retry: two branches whose listeners cancel their run at once
          // would each wait here for the other.
        }
      }
      CompletableFuture<O> inFlight = current;
      if (inFlight != null) {
        inFlight.cancel(interrupt);
      }
      CompletableFuture<O> later = attempt;
      if (later != null) {
        later.cancel(interrupt); // also when Failsafe does not pass the cancel on
      }
    }
  }

  /**
   * Lets Failsafe schedule its waits on the runtime's scheduler. One adapter per retried call: it
   * runs Failsafe's opening hop at once (see below).
   */
  private static Scheduler failsafeScheduler(WorkflowScheduler scheduler, Attempts<?, ?> attempts) {
    AtomicBoolean opening = new AtomicBoolean(true);
    return (callable, delay, unit) -> {
      if (opening.getAndSet(false) && delay <= 0) {
        // Failsafe starts every async execution with a zero-delay hop through the scheduler. Ours
        // only replays the failure we already hold, so run it here: otherwise every retried call
        // paid an extra scheduled task (a timer-thread and executor hand-off; a spurious 0 in
        // VirtualTime.scheduledDelays()) before its first back-off wait.
        return Ran.now(callable);
      }
      Wait wait = new Wait(callable, attempts);
      if (scheduler instanceof DeadlineQueue.OwnTimer) {
        // The runtime's own timer: when due, the wait goes to the executor and to the blocking run
        // waiting for it, if any (a nested run on a full bounded pool runs its retry itself).
        return ((DeadlineQueue.OwnTimer) scheduler)
            .scheduleOnTimer(() -> attempts.dispatch(wait), delay, unit);
      }
      return scheduler.schedule(wait, delay, unit);
    };
  }

  /**
   * A back-off wait handed to the scheduler: when due it runs Failsafe's next step, which starts
   * the next attempt. If the runtime's executor refuses it, the attempt fails with that rejection
   * (on the timer thread, without running the step there).
   */
  private static final class Wait implements Runnable {
    private final Callable<?> callable;
    private final Attempts<?, ?> attempts;

    Wait(Callable<?> callable, Attempts<?, ?> attempts) {
      this.callable = callable;
      this.attempts = attempts;
    }

    @Override
    public void run() {
      try {
        callable.call();
      } catch (Exception e) {
        // Failsafe's callables report failures through the execution, never by throwing.
        throw new IllegalStateException(e);
      }
    }

    /** The executor refused the wait: the attempt fails with the rejection, here and now. */
    void rejected(RejectedExecutionException refused) {
      attempts.rejection = refused;
      run(); // next() fails at once with the rejection: no step runs on the timer thread
    }
  }

  /** The handle of a task that was run at once instead of being scheduled. */
  private static final class Ran extends CompletableFuture<Object>
      implements ScheduledFuture<Object> {

    static Ran now(Callable<?> callable) {
      Ran ran = new Ran();
      try {
        ran.complete(callable.call());
      } catch (Exception e) {
        ran.completeExceptionally(e);
      }
      return ran;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return 0;
    }

    @Override
    public int compareTo(Delayed other) {
      return Long.compare(0, other.getDelay(TimeUnit.NANOSECONDS));
    }
  }
}
