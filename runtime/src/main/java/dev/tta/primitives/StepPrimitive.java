package dev.tta.primitives;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * A named step of a workflow: reports step start, success and failure to the runtime's listeners,
 * and turns any failure into a {@link WorkflowException} that names the workflow and this step (a
 * retried step's exception, which already does, passes through unchanged; one of this workflow
 * under another name, e.g. the body's, is renamed, keeping its cause, {@link
 * WorkflowException#attempts()} and suppressed failures).
 *
 * @param <I> input type
 * @param <O> output type
 */
public final class StepPrimitive<I, O> implements WorkflowPrimitive<I, O> {

  private final String name;
  private final WorkflowPrimitive<? super I, ? extends O> body;

  private StepPrimitive(String name, WorkflowPrimitive<? super I, ? extends O> body) {
    this.name = Objects.requireNonNull(name, "name");
    this.body = Objects.requireNonNull(body, "body");
  }

  /**
   * Names {@code body} as step {@code name}.
   *
   * @param name the step's name
   * @param body the step's work, with its policies
   * @param <I> input type
   * @param <O> output type
   * @return the step
   */
  public static <I, O> StepPrimitive<I, O> of(
      String name, WorkflowPrimitive<? super I, ? extends O> body) {
    return new StepPrimitive<>(name, body);
  }

  @Override
  public CompletableFuture<O> execute(I input, WorkflowContext context) {
    Events events = context.runtime().events();
    if (!events.enabled()) {
      CompletableFuture<O> result = Futures.call(body, input, context);
      if (!result.isDone()) {
        return watch(result, context, events, 0L);
      }
      return result.isCompletedExceptionally()
          ? CompletableFuture.failedFuture(named(Futures.failure(result), context))
          : result;
    }
    Observed observed = context.observed();
    if (observed != null) {
      return observe(input, context, events, observed.step(context, name, context.element()));
    }
    events.onStepStart(context, name);
    long start = context.runtime().clock().nanoTime();
    return watch(Futures.call(body, input, context), context, events, start);
  }

  /** A call observed by the runtime's interceptors: its policies and attempts see {@code step}. */
  private CompletableFuture<O> observe(
      I input, WorkflowContext context, Events events, Observed step) {
    WorkflowContext own = context.withObserved(step);
    events.onStepStart(own, name);
    long start = context.runtime().clock().nanoTime();
    return watch(Futures.call(body, input, own), own, events, start);
  }

  /**
   * The step's outcome when its body, called directly (by a generated workflow's {@code run}),
   * failed with {@code failure} on {@code input}: a retried body goes on with its next attempts, as
   * if its first attempt had failed inside it; the outcome is named like {@link #execute}'s. In an
   * observed direct run {@code context} holds the call's observation, begun at {@code start}.
   */
  @SuppressWarnings("unchecked") // the retry's input is this step's input
  CompletableFuture<O> afterFailure(
      I input, WorkflowContext context, Throwable failure, long start) {
    CompletableFuture<O> result =
        body instanceof RetryPrimitive
            ? ((RetryPrimitive<I, O>) body).afterFailure(input, context, failure)
            : CompletableFuture.failedFuture(failure);
    if (!result.isDone() || context.observed() != null) {
      // An observed call (begun at start) ends through watch, whose end reports it.
      return watch(result, context, context.runtime().events(), start);
    }
    return result.isCompletedExceptionally()
        ? CompletableFuture.failedFuture(named(Futures.failure(result), context))
        : result;
  }

  private CompletableFuture<O> watch(
      CompletableFuture<O> result, WorkflowContext context, Events events, long start) {
    Outcome<O> outcome = new Outcome<>(result);
    result.whenComplete(
        (value, error) -> {
          Duration elapsed =
              events.enabled()
                  ? Duration.ofNanos(context.runtime().clock().nanoTime() - start)
                  : Duration.ZERO;
          if (error == null) {
            if (events.enabled()) {
              events.onStepSuccess(context, name, elapsed);
            }
            end(context, null, elapsed); // before the run goes on: a call ends within its run
            outcome.settle(value);
          } else {
            Throwable failure = named(error, context);
            if (events.enabled()) {
              events.onStepFailure(context, name, failure, elapsed);
            }
            end(context, failure, elapsed);
            outcome.settleExceptionally(failure);
          }
        });
    return outcome;
  }

  /** Ends the interceptors' observation of this call, if {@code context} is its own. */
  private void end(WorkflowContext context, Throwable failure, Duration elapsed) {
    Observed observed = context.observed();
    if (observed != null && observed.isStepCall()) {
      observed.end(failure, elapsed);
    }
  }

  /** The failure as a {@link WorkflowException} naming this workflow and step. */
  private Throwable named(Throwable error, WorkflowContext context) {
    Throwable failure = Futures.unwrap(error);
    if (failure instanceof CancellationException) {
      return failure;
    }
    if (failure instanceof WorkflowException) {
      WorkflowException e = (WorkflowException) failure;
      if (e.workflow().equals(context.workflowName())) {
        if (e.step().equals(name)) {
          return e;
        }
        // The body's own report (e.g. a retry's, under the body's name): the same failure under
        // this step's name, with its attempts and earlier failures.
        return e.renamed(name);
      }
    }
    return new WorkflowException(context.workflowName(), name, 1, failure);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean isBlocking() {
    return body.isBlocking();
  }

  /** The step's result; cancelling it cancels the body. */
  private static final class Outcome<O> extends StoppableFuture<O> {
    private final CompletableFuture<O> body;

    Outcome(CompletableFuture<O> body) {
      this.body = body;
    }

    @Override
    void stop(boolean interrupt) {
      body.cancel(interrupt);
    }
  }
}
