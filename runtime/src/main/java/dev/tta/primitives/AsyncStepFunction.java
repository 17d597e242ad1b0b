package dev.tta.primitives;

import java.util.concurrent.CompletionStage;

/**
 * An asynchronous step body: starts the work and returns at once with a stage that completes later.
 * Cancelling the step cancels the stage when it is a {@link
 * java.util.concurrent.CompletableFuture}.
 *
 * @param <I> input type
 * @param <O> output type
 */
@FunctionalInterface
public interface AsyncStepFunction<I, O> {

  /**
   * Starts the work.
   *
   * @param input the input
   * @param context the run's context
   * @return the pending output
   * @throws Exception a failure to start, treated like a failed stage
   */
  CompletionStage<? extends O> apply(I input, WorkflowContext context) throws Exception;
}
