package dev.tta.primitives.temporal;

import dev.tta.primitives.WorkflowContext;
import dev.tta.primitives.WorkflowException;
import dev.tta.primitives.WorkflowPrimitive;
import dev.tta.primitives.WorkflowRuntime;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInfo;
import io.temporal.failure.ApplicationFailure;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;

/**
 * The activity side of a durable step: calls the step (its primitive, with the policies that apply
 * in the worker) on the activity's thread, and turns a failure into the {@code ApplicationFailure}
 * Temporal records, which decides whether Temporal retries it and whether the step's fallback runs.
 */
public final class DurableActivity {

  /** The context metadata key under which a step finds its Temporal workflow id. */
  public static final String WORKFLOW_ID = "temporal.workflowId";

  /** Accepts no failure: for a step without {@code @Retry}, or without a fallback. */
  public static final Predicate<Throwable> NEVER = failure -> false;

  private DurableActivity() {}

  /**
   * Calls {@code call} with {@code input} in a new context on {@code runtime} and waits for its
   * value.
   *
   * <p>A failure is rethrown as an {@code ApplicationFailure} whose type is the original
   * exception's class name, whose message is its message and whose cause is the exception itself;
   * it is non-retryable unless {@code retryable} accepts the exception (the step's {@code retryOn}
   * and {@code abortOn}), and its details are the attempt that failed and whether {@code handled}
   * (the step's fallback's {@code applyOn} and {@code skipOn}) accepts it.
   *
   * @param step the step
   * @param call the step's call, in the policies that apply inside the activity
   * @param input what flows into the step
   * @param runtime the runtime the call runs on
   * @param retryable whether the step's retry options cover a failure
   * @param handled whether the step's fallback handles a failure
   * @param <I> the input type
   * @param <O> the output type
   * @return the step's value
   */
  public static <I, O> O call(
      DurableStep step,
      WorkflowPrimitive<? super I, ? extends O> call,
      I input,
      WorkflowRuntime runtime,
      Predicate<Throwable> retryable,
      Predicate<Throwable> handled) {
    ActivityInfo info = Activity.getExecutionContext().getInfo();
    WorkflowContext context =
        WorkflowContext.create(step.workflow(), runtime)
            .withMetadata(WORKFLOW_ID, info.getWorkflowId());
    CompletableFuture<? extends O> result = null;
    try {
      result = call.execute(input, context);
      return result.get();
    } catch (InterruptedException e) {
      // The worker is shutting down: stop the call, and let Temporal run the step elsewhere.
      result.cancel(true);
      Thread.currentThread().interrupt();
      throw failure(step, e, info.getAttempt(), true, false);
    } catch (Throwable t) {
      Throwable failure = unwrap(step, t);
      if (failure instanceof InterruptedException || Thread.currentThread().isInterrupted()) {
        // The step was stopped, not wrong (the worker shutting down, say): keep the flag, let
        // Temporal run it again where its retry options allow, and leave its fallback out.
        Thread.currentThread().interrupt();
        throw failure(step, failure, info.getAttempt(), true, false);
      }
      throw failure(
          step, failure, info.getAttempt(), retryable.test(failure), handled.test(failure));
    }
  }

  /**
   * The failure Temporal records for {@code failure}.
   *
   * @param step the failed step
   * @param failure the step's own failure
   * @param attempt the attempt that failed, from 1
   * @param retryable whether Temporal may retry it
   * @param handled whether the step's fallback handles it
   * @return the failure to throw from the activity
   */
  static ApplicationFailure failure(
      DurableStep step, Throwable failure, int attempt, boolean retryable, boolean handled) {
    String message = failure.getMessage() != null ? failure.getMessage() : failure.toString();
    ApplicationFailure recorded =
        ApplicationFailure.newFailureWithCause(
            message, failure.getClass().getName(), failure, attempt, handled);
    recorded.setNonRetryable(!retryable);
    return recorded;
  }

  /** The step's own failure inside the future's and the step's wrapping. */
  private static Throwable unwrap(DurableStep step, Throwable t) {
    Throwable failure = t;
    while ((failure instanceof CompletionException || failure instanceof ExecutionException)
        && failure.getCause() != null) {
      failure = failure.getCause();
    }
    // A policy inside the activity (a hedge's calls all failing) names this step: its cause is what
    // the step's method threw.
    if (failure instanceof WorkflowException named
        && named.workflow().equals(step.workflow())
        && named.step().equals(step.step())
        && named.getCause() != null) {
      failure = named.getCause();
    }
    return failure;
  }
}
