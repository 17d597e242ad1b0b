package dev.tta.primitives;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * On failure, runs a fallback instead. The fallback runs when the failure (the step's own failure,
 * with {@link WorkflowException} and future wrappers removed) is an instance of an {@code applyOn}
 * type and of no {@code skipOn} type (skip-on wins). It receives the same input and that cause. If
 * the fallback fails too, the result fails with a new {@link WorkflowException} naming this step,
 * whose {@linkplain Throwable#getCause() cause} is the fallback's own failure and which holds the
 * original failure {@linkplain Throwable#getSuppressed() suppressed}. The fallback's exception is
 * never modified (it may be a shared instance, thrown on every call). A fallback that rethrows the
 * cause it was given declines: the original failure propagates unchanged; a cancelled fallback
 * propagates its {@link CancellationException}. A fallback may itself be a {@code
 * FallbackPrimitive}: that makes a chain.
 *
 * @param <I> input type
 * @param <O> output type
 */
public final class FallbackPrimitive<I, O> implements WorkflowPrimitive<I, O>, Structure {

  private final WorkflowPrimitive<? super I, ? extends O> primary;
  private final RecoveryFunction<? super I, ? extends O> recovery;
  private final List<Class<? extends Throwable>> applyOn;
  private final List<Class<? extends Throwable>> skipOn;
  private final boolean blocking;
  private final boolean reportsAsWorkflow; // around a composition: a class-level @Fallback

  private FallbackPrimitive(
      Builder<I, O> builder, RecoveryFunction<? super I, ? extends O> r, boolean fallbackBlocks) {
    this.primary = builder.primary;
    this.recovery = r;
    this.applyOn = builder.applyOn;
    this.skipOn = builder.skipOn;
    this.blocking = primary.isBlocking() || fallbackBlocks;
    this.reportsAsWorkflow = Structure.reportsAsWorkflow(primary);
  }

  /**
   * On any failure of {@code primary}, runs {@code fallback} on the same input.
   *
   * @param primary the work
   * @param fallback the replacement work
   * @param <I> input type
   * @param <O> output type
   * @return the primitive
   */
  public static <I, O> FallbackPrimitive<I, O> of(
      WorkflowPrimitive<? super I, ? extends O> primary,
      WorkflowPrimitive<? super I, ? extends O> fallback) {
    return FallbackPrimitive.<I, O>builder(primary).to(fallback);
  }

  /**
   * A builder for a fallback of {@code primary}; by default it applies to every failure.
   *
   * @param primary the work
   * @param <I> input type
   * @param <O> output type
   * @return a new builder
   */
  public static <I, O> Builder<I, O> builder(WorkflowPrimitive<? super I, ? extends O> primary) {
    return new Builder<>(primary);
  }

  @Override
  public CompletableFuture<O> execute(I input, WorkflowContext context) {
    CompletableFuture<O> first = Futures.call(primary, input, context);
    if (first.isDone() && !first.isCompletedExceptionally()) {
      return first;
    }
    if (first.isCompletedExceptionally()) {
      Throwable failure = Futures.failure(first);
      return handles(failure, context) ? recover(input, failure, context) : first;
    }
    Recovering<O> result = new Recovering<>(first);
    first.whenComplete(
        (value, error) -> {
          if (error == null) {
            result.settle(value);
          } else if (!result.isClaimed()) {
            Throwable failure = Futures.unwrap(error);
            if (handles(failure, context)) {
              CompletableFuture<O> fallback = recover(input, failure, context);
              result.current = fallback;
              result.settleFrom(fallback);
              if (result.isClaimed() && !fallback.isDone()) {
                result.stopLate(fallback); // cancelled while the fallback started
              }
            } else {
              result.settleExceptionally(failure);
            }
          }
        });
    return result;
  }

  private boolean handles(Throwable failure, WorkflowContext context) {
    if (failure instanceof CancellationException || CancelScope.isCancelled(context.scope())) {
      return false; // a cancelled run wants no more work
    }
    Throwable cause = Futures.rootCause(failure);
    return Futures.isAny(cause, applyOn) && !Futures.isAny(cause, skipOn);
  }

  private CompletableFuture<O> recover(I input, Throwable failure, WorkflowContext context) {
    if (!DefaultTimer.onTimerThread()) {
      return recoverHere(input, failure, context);
    }
    // A deadline failed the primary on the runtime's timer thread, which must stay free for
    // other deadlines: the fallback, user code, runs on the executor.
    WorkflowPrimitive<I, O> later =
        new WorkflowPrimitive<>() {
          @Override
          public CompletableFuture<O> execute(I in, WorkflowContext c) {
            // Here, even if a saturated executor ran this on the timer thread after all.
            return recoverHere(in, failure, c);
          }

          @Override
          public String name() {
            return FallbackPrimitive.this.name();
          }
        };
    return IsolatedCall.start(later, input, context, context.runtime().executor(), true, true);
  }

  /** Runs the fallback on this thread. */
  private CompletableFuture<O> recoverHere(I input, Throwable failure, WorkflowContext context) {
    Throwable cause = Futures.rootCause(failure);
    Events events = context.runtime().events();
    if (events.enabled()) {
      events.onFallback(context, Structure.reportedName(this, context), cause);
    }
    CompletableFuture<O> fallback;
    Observed observed = context.observed();
    WorkflowInterceptor.Scope current =
        observed != null ? observed.makeCurrent() : WorkflowInterceptor.Scope.NONE;
    try {
      CompletionStage<? extends O> stage = recovery.recover(input, cause, context);
      @SuppressWarnings("unchecked") // read-only
      CompletableFuture<O> future =
          stage == null
              ? CompletableFuture.failedFuture(
                  new NullPointerException(
                      "fallback of '"
                          + Structure.reportedName(this, context)
                          + "' returned no stage"))
              : (CompletableFuture<O>) stage.toCompletableFuture();
      fallback = future;
    } catch (Throwable t) {
      fallback = CompletableFuture.failedFuture(t);
    } finally {
      current.close(); // the fallback method ran as part of the step call it stands in for
    }
    if (Futures.succeeded(fallback)) {
      return fallback;
    }
    // Cancelling the result must reach the fallback itself: a derived stage (handle, thenCompose)
    // would not pass it on, and the fallback would run on after the caller gave up.
    Recovering<O> result = new Recovering<>(fallback);
    fallback.whenComplete(
        (value, error) -> {
          if (error == null) {
            result.settle(value);
          } else if (!result.isClaimed()) {
            Throwable own = Futures.unwrap(error);
            if (own == cause || own == failure) {
              // The fallback rethrew what it was given: it declined, so the original failure goes
              // on unchanged.
              result.settleExceptionally(failure);
              return;
            }
            if (own instanceof CancellationException) {
              result.settleExceptionally(own); // cancelled, not failed
              return;
            }
            // A new wrapper carries both: the fallback's own exception may be shared (a constant
            // thrown on every call), so adding the original to it would grow it without bound.
            WorkflowException both =
                new WorkflowException(
                    context.workflowName(), Structure.reportedName(this, context), 1, own);
            both.addSuppressed(failure);
            result.settleExceptionally(both);
          }
        });
    return result;
  }

  @Override
  public String name() {
    return primary.name();
  }

  @Override
  public boolean isBlocking() {
    return blocking;
  }

  @Override
  public boolean reportsAsWorkflow() {
    return reportsAsWorkflow;
  }

  /** The result while the primary or the fallback runs; cancelling cancels whichever runs. */
  private static final class Recovering<O> extends StoppableFuture<O> {
    volatile CompletableFuture<O> current;

    Recovering(CompletableFuture<O> first) {
      this.current = first;
    }

    @Override
    void stop(boolean interrupt) {
      current.cancel(interrupt);
    }
  }

  /**
   * Builds a {@link FallbackPrimitive}.
   *
   * @param <I> input type
   * @param <O> output type
   */
  public static final class Builder<I, O> {
    private final WorkflowPrimitive<? super I, ? extends O> primary;
    private List<Class<? extends Throwable>> applyOn = List.of(Throwable.class);
    private List<Class<? extends Throwable>> skipOn = List.of();

    private Builder(WorkflowPrimitive<? super I, ? extends O> primary) {
      this.primary = Objects.requireNonNull(primary, "primary");
    }

    /**
     * The failures the fallback handles (replaces the default {@link Throwable}).
     *
     * @param types the types; subclasses match
     * @return this builder
     */
    @SafeVarargs
    public final Builder<I, O> applyOn(Class<? extends Throwable>... types) {
      List<Class<? extends Throwable>> list = new ArrayList<>();
      for (Class<? extends Throwable> type : types) {
        list.add(type); // iterated, not passed on: keeps the varargs array private
      }
      this.applyOn = List.copyOf(list);
      return this;
    }

    /**
     * The failures the fallback never handles; wins over apply-on.
     *
     * @param types the types; subclasses match
     * @return this builder
     */
    @SafeVarargs
    public final Builder<I, O> skipOn(Class<? extends Throwable>... types) {
      List<Class<? extends Throwable>> list = new ArrayList<>();
      for (Class<? extends Throwable> type : types) {
        list.add(type); // iterated, not passed on: keeps the varargs array private
      }
      this.skipOn = List.copyOf(list);
      return this;
    }

    /**
     * Falls back to another primitive on the same input.
     *
     * @param fallback the replacement work
     * @return the primitive
     */
    public FallbackPrimitive<I, O> to(WorkflowPrimitive<? super I, ? extends O> fallback) {
      Objects.requireNonNull(fallback, "fallback");
      return new FallbackPrimitive<>(
          this, (input, cause, context) -> fallback.execute(input, context), fallback.isBlocking());
    }

    /**
     * Falls back to a function of the input and the cause that returns a pending result.
     *
     * @param recovery the fallback
     * @return the primitive
     */
    public FallbackPrimitive<I, O> recoverAsync(RecoveryFunction<? super I, ? extends O> recovery) {
      return new FallbackPrimitive<>(this, Objects.requireNonNull(recovery, "recovery"), false);
    }

    /**
     * Falls back to a synchronous function of the input and the cause.
     *
     * @param recovery the fallback, returning the value; may throw
     * @return the primitive
     */
    public FallbackPrimitive<I, O> recover(SyncRecovery<? super I, ? extends O> recovery) {
      Objects.requireNonNull(recovery, "recovery");
      return new FallbackPrimitive<I, O>(
          this,
          (input, cause, context) ->
              CompletableFuture.completedFuture(recovery.recover(input, cause, context)),
          true);
    }
  }

  /**
   * A synchronous fallback of the input and the cause.
   *
   * @param <I> input type
   * @param <O> output type
   */
  @FunctionalInterface
  public interface SyncRecovery<I, O> {
    /**
     * Computes the fallback value.
     *
     * @param input the input of the failed call
     * @param cause the step's own failure
     * @param context the run's context
     * @return the value
     * @throws Exception a failure of the fallback itself
     */
    O recover(I input, Throwable cause, WorkflowContext context) throws Exception;
  }
}
