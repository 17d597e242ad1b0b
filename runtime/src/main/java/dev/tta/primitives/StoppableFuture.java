package dev.tta.primitives;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * A primitive's result future whose outcome is <em>claimed</em> before it is completed, so that the
 * work it waits for can be stopped in between.
 *
 * <p>Whoever claims first decides the outcome: the work's own completion ({@link #settle}), or a
 * stop (a deadline, a failed sibling, {@link #cancel}). A stop stops the work <em>before</em> the
 * future completes, so dependents (a fallback, the next step) never run while the late work is
 * still going; the stopped work's own completion, which stopping it triggers, finds the claim taken
 * and is ignored. Work started after the claim is stopped by its starter ({@link #stopLate}).
 *
 * @param <T> the value type
 */
abstract class StoppableFuture<T> extends CompletableFuture<T> {

  private static final int OPEN = 0;
  private static final int SETTLING = 1;
  private static final int STOPPING = 2;
  private static final int STOPPING_WITH_INTERRUPT = 3;

  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(StoppableFuture.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private volatile int state; // written through STATE only

  /**
   * Stops the work this future waits for: cancels it, interrupting blocking work only if {@code
   * interrupt}. Called at most once, by the party that claimed the outcome to stop, before this
   * future completes; work published later is stopped by {@link #stopLate}. Must not throw.
   *
   * @param interrupt whether a thread running the work may be interrupted
   */
  abstract void stop(boolean interrupt);

  /** Claims the outcome for the work's own result. */
  final boolean claimToSettle() {
    return STATE.compareAndSet(this, OPEN, SETTLING);
  }

  /** Claims the outcome for a stop (cancel, deadline, failure elsewhere). */
  final boolean claimToStop(boolean interrupt) {
    return STATE.compareAndSet(this, OPEN, interrupt ? STOPPING_WITH_INTERRUPT : STOPPING);
  }

  /** Whether the outcome is decided: start no more work for this future. */
  final boolean isClaimed() {
    return state != OPEN;
  }

  /**
   * Whether the outcome was decided by a stop (a cancel, a deadline, a failure elsewhere), or by
   * someone completing this future from outside, not by the work's own result. Public for the
   * subclasses that are {@link CancelScope}s.
   *
   * @return true once stopped
   */
  public final boolean isStopped() {
    int now = state;
    return now >= STOPPING || (now == OPEN && isDone());
  }

  /** Completes with the work's value unless the outcome was claimed already. */
  final boolean settle(T value) {
    return claimToSettle() && super.complete(value);
  }

  /** Fails with the work's failure unless the outcome was claimed already. */
  final boolean settleExceptionally(Throwable failure) {
    return claimToSettle() && super.completeExceptionally(failure);
  }

  /** Completes like {@code source} (now or later) unless the outcome is claimed first. */
  final void settleFrom(CompletableFuture<? extends T> source) {
    if (Futures.succeeded(source)) {
      settle(source.getNow(null));
    } else if (source.isDone()) {
      settleExceptionally(Futures.failure(source));
    } else {
      source.whenComplete(
          (value, error) -> {
            if (error == null) {
              settle(value);
            } else {
              settleExceptionally(Futures.unwrap(error));
            }
          });
    }
  }

  /**
   * Claims the outcome, stops the work, and only then fails with {@code failure}.
   *
   * @return false if the outcome was claimed already (nothing was done)
   */
  final boolean stopAndFail(Throwable failure, boolean interrupt) {
    if (!claimToStop(interrupt)) {
      return false;
    }
    try {
      stop(interrupt);
    } finally {
      super.completeExceptionally(failure);
    }
    return true;
  }

  /** Fails with {@code failure}; for a party that claimed the outcome itself. */
  final boolean failClaimed(Throwable failure) {
    return super.completeExceptionally(failure);
  }

  /** Completes with {@code value}; for a party that claimed the outcome itself. */
  final boolean completeClaimed(T value) {
    return super.complete(value);
  }

  /**
   * Stops work that was published after the outcome was claimed, the way the claim asked (a stop
   * that did not allow interruption does not interrupt late work either).
   */
  final void stopLate(Future<?> work) {
    work.cancel(state != STOPPING);
  }

  /**
   * Stops the work (interrupting blocking work only if {@code mayInterruptIfRunning}), then
   * completes this future with a {@link java.util.concurrent.CancellationException}.
   *
   * @return whether this future is now cancelled
   */
  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    boolean cancelled;
    try {
      if (claimToStop(mayInterruptIfRunning)) {
        stop(mayInterruptIfRunning);
      }
    } finally {
      cancelled = super.cancel(mayInterruptIfRunning);
    }
    return cancelled;
  }
}
