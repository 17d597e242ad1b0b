package dev.tta.primitives;

import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A primitive made from a function: synchronous ({@link #of(String, StepFunction)}), which runs on
 * the calling thread, or asynchronous ({@link #ofAsync(String, AsyncStepFunction)}), which returns
 * at once with a pending stage. The function is not called in a run that was cancelled (its future
 * fails with a {@link CancellationException}), however late the cancel came.
 *
 * @param <I> input type
 * @param <O> output type
 */
public final class LambdaPrimitive<I, O> implements WorkflowPrimitive<I, O> {

  private final String name;
  private final StepFunction<? super I, ? extends O> sync;
  private final AsyncStepFunction<? super I, ? extends O> async;

  private LambdaPrimitive(
      String name,
      StepFunction<? super I, ? extends O> sync,
      AsyncStepFunction<? super I, ? extends O> async) {
    this.name = Objects.requireNonNull(name, "name");
    this.sync = sync;
    this.async = async;
  }

  /**
   * A synchronous step that also receives the run's context.
   *
   * @param name the step's name, for events and errors
   * @param function the body
   * @param <I> input type
   * @param <O> output type
   * @return the primitive
   */
  public static <I, O> LambdaPrimitive<I, O> of(
      String name, StepFunction<? super I, ? extends O> function) {
    return new LambdaPrimitive<>(name, Objects.requireNonNull(function, "function"), null);
  }

  /**
   * A synchronous step from a function of the input alone.
   *
   * @param name the step's name, for events and errors
   * @param function the body
   * @param <I> input type
   * @param <O> output type
   * @return the primitive
   */
  public static <I, O> LambdaPrimitive<I, O> of(
      String name, ThrowingFunction<? super I, ? extends O> function) {
    Objects.requireNonNull(function, "function");
    return new LambdaPrimitive<>(name, (input, context) -> function.apply(input), null);
  }

  /**
   * An asynchronous step: the function starts the work and returns its pending stage.
   *
   * @param name the step's name, for events and errors
   * @param function the body
   * @param <I> input type
   * @param <O> output type
   * @return the primitive
   */
  public static <I, O> LambdaPrimitive<I, O> ofAsync(
      String name, AsyncStepFunction<? super I, ? extends O> function) {
    return new LambdaPrimitive<>(name, null, Objects.requireNonNull(function, "function"));
  }

  @Override
  public CompletableFuture<O> execute(I input, WorkflowContext context) {
    // The last look at the run's scope before the user's code: a cancel that came while this
    // thread made its way here (through the run, the sequence, the step) starts no body.
    CancelScope scope = context.scope();
    if (scope != null && CancelScope.isCancelled(scope)) {
      return CompletableFuture.failedFuture(
          new CancellationException("run cancelled before '" + name + "'"));
    }
    Observed observed = context.observed();
    if (observed == null) {
      return call(input, context);
    }
    // The interceptors' state of this step call is current while the user's code runs here.
    WorkflowInterceptor.Scope current = observed.makeCurrent();
    try {
      return call(input, context);
    } finally {
      current.close();
    }
  }

  private CompletableFuture<O> call(I input, WorkflowContext context) {
    if (sync != null) {
      try {
        return CompletableFuture.completedFuture(sync.apply(input, context));
      } catch (Throwable t) {
        return CompletableFuture.failedFuture(t);
      }
    }
    CompletionStage<? extends O> stage;
    CompletableFuture<? extends O> future;
    try {
      stage = async.apply(input, context);
      if (stage == null) {
        return CompletableFuture.failedFuture(
            new NullPointerException("async step '" + name + "' returned null, not a stage"));
      }
      future = stage.toCompletableFuture(); // a foreign stage may not support it
    } catch (Throwable t) {
      return CompletableFuture.failedFuture(t);
    }
    if (future == null) {
      return CompletableFuture.failedFuture(
          new NullPointerException("async step '" + name + "': toCompletableFuture() gave null"));
    }
    @SuppressWarnings("unchecked") // read-only use of the stage's value
    CompletableFuture<O> widened = (CompletableFuture<O>) future;
    return widened;
  }

  @Override
  public String name() {
    return name;
  }

  /** Synchronous bodies block the caller; asynchronous ones return at once. */
  @Override
  public boolean isBlocking() {
    return sync != null;
  }

  @Override
  public String toString() {
    return (sync != null ? "LambdaPrimitive[" : "LambdaPrimitive.async[") + name + "]";
  }
}
